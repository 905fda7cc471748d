// Admission and exit (准入/退出, docs/admission.md): applications a pool manager admits or rejects, re-confirmation and
// the due list, certificate expiry, and exits with a reason. No answer carries a name, phone or ID number.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Expert, ExpertPersonal, ExpertStatus } from '../../domain/expert.js';
import { HandExitReason, Lifecycle } from '../../domain/lifecycle.js';
import { ExpertId, IsoDate, LoggedText, NewExpertId } from '../../domain/primitives.js';
import { errorResponses, LOG_WRITE_ERRORS } from '../../schemas/common.js';
import type { FastifyRequest } from 'fastify';
import { negotiateLanguage } from '../../i18n/language.js';
import { localize, msg } from '../../i18n/message.js';
import { ForeignSnapshotView } from '../../exchange/format.js';

const Params = z.object({ id: ExpertId });

const ApplicationView = z
  .object({
    id: ExpertId,
    expert: Expert.describe('The pool attributes the expert will have once admitted'),
    certificateExpires: IsoDate.nullable().describe('Last day of the qualification certificate; null: none recorded'),
    state: z.enum(['applied', 'admitted', 'rejected']).describe('applied: waiting for a pool manager (never drawn); admitted: in the pool; rejected: kept with the reason'),
    appliedAt: z.string().describe('When it was filed, ISO 8601'),
    appliedBy: z.string().describe('Who filed it (token subject)'),
    decidedAt: z.string().nullable().describe('When it was admitted or rejected'),
    decidedBy: z.string().nullable().describe('Who decided (token subject)'),
    reason: z.string().nullable().describe('Why it was rejected'),
  })
  .describe('An application to join the pool (准入申请): never personal data');

const LifecycleView = Lifecycle.extend({
  id: ExpertId,
  status: ExpertStatus,
  exitLabel: z.string().nullable().describe('The exit reason in the answer’s language (zh-CN or English); null while the expert is in the pool'),
}).describe('An expert’s admission, confirmation, retirement and exit');

const routes: FastifyPluginAsyncZod = async (app) => {
  const { lifecycle, pool } = app.ctx;
  const lifecycleView = (request: FastifyRequest, id: string, life: z.infer<typeof Lifecycle>) => ({
    ...life,
    id,
    status: pool.expert(id)!.status,
    exitLabel: life.exit ? localize(msg(`exitReason.${life.exit.reason}`), negotiateLanguage(request.headers['accept-language'])) : null,
  });

  app.post(
    '/applications',
    {
      config: { access: 'pool.write' },
      schema: {
        summary: 'File an application to join the pool',
        description: 'The applicant is not in the pool and is never drawn until a pool manager admits them (docs/admission.md).',
        tags: ['admission'],
        body: Expert.extend({
          id: NewExpertId,
          personal: ExpertPersonal.describe('Sealed at rest; never returned'),
          certificateExpires: IsoDate.nullable().default(null).describe('Last day of the qualification certificate; null: none'),
        }).describe('A new applicant'),
        response: { 201: ApplicationView, ...errorResponses('CONFLICT', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request, reply) => {
      const { personal, certificateExpires, ...expert } = request.body;
      return reply.status(201).send(await lifecycle.apply(expert, personal, certificateExpires, request.principal));
    },
  );

  app.get(
    '/applications',
    {
      config: { access: 'pool.read' },
      schema: {
        summary: 'List applications',
        tags: ['admission'],
        querystring: z.object({ state: z.enum(['applied', 'admitted', 'rejected']).optional().describe('Only applications in this state (applied: waiting for a decision)') }).strict(),
        response: { 200: z.object({ items: z.array(ApplicationView).describe('Applications, by expert id') }), ...errorResponses() },
      },
    },
    async (request) => ({ items: await lifecycle.applications(request.query.state) }),
  );

  app.get(
    '/applications/:id',
    {
      config: { access: 'pool.read' },
      schema: {
        summary: 'One application, with what other centres sent about the applicant',
        tags: ['admission'],
        params: Params,
        response: { 200: ApplicationView.extend({ foreign: z.array(ForeignSnapshotView).describe('Records other centres sent about this person (docs/exchange.md), oldest first') }), ...errorResponses(404) },
      },
    },
    async (request) => {
      const application = await lifecycle.application(request.params.id);
      const foreign = await app.ctx.exchange.foreignOfApplication(request.params.id);
      return { ...application, foreign: foreign.map((s) => ({ ...s, consequences: [...s.consequences] })) };
    },
  );

  app.post(
    '/applications/:id/admit',
    {
      config: { access: 'pool.review' },
      schema: {
        summary: 'Admit an applicant into the pool (applied → active)',
        description: 'A pool manager’s login session. The expert is drawable from the next draw; the first re-confirmation is due a period from today. 409 PHONE_IN_USE while another expert in the pool has the applicant’s phone number.',
        tags: ['admission'],
        params: Params,
        response: { 200: ApplicationView, ...errorResponses(404, 'APPLICATION_DECIDED', 'CONFLICT', 'PHONE_IN_USE', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => lifecycle.admit(request.params.id, request.principal),
  );

  app.post(
    '/applications/:id/reject',
    {
      config: { access: 'pool.review' },
      schema: {
        summary: 'Reject an application, with a reason',
        tags: ['admission'],
        params: Params,
        body: z.object({ reason: LoggedText({ min: 2, max: 500, description: 'Why: kept with the application and in the audit log (no phone or ID number)' }) }).strict(),
        response: { 200: ApplicationView, ...errorResponses(404, 'APPLICATION_DECIDED', 'CONFLICT', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => lifecycle.reject(request.params.id, request.body.reason, request.principal),
  );

  app.get(
    '/experts/:id/lifecycle',
    { config: { access: 'pool.read' }, schema: { summary: 'An expert’s admission, confirmation, retirement and exit', tags: ['admission'], params: Params, response: { 200: LifecycleView, ...errorResponses(404) } } },
    async (request) => lifecycleView(request, request.params.id, lifecycle.lifecycle(pool.get(request.params.id).id)),
  );

  app.post(
    '/experts/:id/confirm',
    {
      config: { access: 'pool.review' },
      schema: {
        summary: 'Re-confirm an expert (定期复核)',
        description: 'The next confirmation is due a period from today; a suspension the lapse caused is lifted (an earlier suspension that has not ended resumes).',
        tags: ['admission'],
        params: Params,
        response: { 200: LifecycleView, ...errorResponses(404, 'EXPERT_EXITED', 'CONFLICT', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => lifecycleView(request, request.params.id, await lifecycle.confirm(request.params.id, request.principal)),
  );

  app.post(
    '/experts/:id/exit',
    {
      config: { access: 'pool.review' },
      schema: {
        summary: 'An expert leaves the pool, with a reason (退出)',
        description: 'The status becomes retired for good; the expert’s records and history stay.',
        tags: ['admission'],
        params: Params,
        body: z.object({ reason: HandExitReason, note: LoggedText({ min: 2, max: 500, description: 'Details: kept in the audit log (no phone or ID number)' }).optional() }).strict(),
        response: { 200: LifecycleView, ...errorResponses(404, 'EXPERT_EXITED', 'CONFLICT', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => lifecycleView(request, request.params.id, await lifecycle.exit(request.params.id, request.body.reason, request.body.note, request.principal)),
  );

  app.put(
    '/experts/:id/certificate',
    {
      config: { access: 'pool.write' },
      schema: {
        summary: 'Record the expiry of the expert’s qualification certificate',
        description: 'After that day the periodic pass retires the expert (exit reason certificate-expired).',
        tags: ['admission'],
        params: Params,
        body: z.object({ certificateExpires: IsoDate.nullable().describe('Last day of the certificate; null: none') }).strict(),
        response: { 200: LifecycleView, ...errorResponses(404, 'EXPERT_EXITED', 'CONFLICT', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => lifecycleView(request, request.params.id, await lifecycle.setCertificate(request.params.id, request.body.certificateExpires, request.principal)),
  );

  app.get(
    '/confirmations/due',
    {
      config: { access: 'pool.read' },
      schema: {
        summary: 'Experts whose re-confirmation is due soon, or lapsed',
        tags: ['admission'],
        querystring: z.object({ withinDays: z.coerce.number().int().min(0).max(3660).optional().describe('Due within this many days (default: the policy’s dueSoonDays, 90)') }).strict(),
        response: {
          200: z.object({
            until: IsoDate.describe('Confirmations due by this day are listed'),
            items: z
              .array(
                z.object({
                  id: ExpertId,
                  status: ExpertStatus,
                  confirmationDue: IsoDate.describe('Due by this day'),
                  lapsed: z.boolean().describe('Past due: not drawn until re-confirmed'),
                }),
              )
              .describe('Soonest first'),
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => lifecycle.due(request.query.withinDays),
  );
};
export default routes;
