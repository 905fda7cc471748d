// Pool management: experts and their status, availability and declared relations. Pool managers and admins only.
// No answer ever carries a name, phone or ID number: they are write-only here.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Expert, ExpertPersonal, ExpertStatus, Relation } from '../../domain/expert.js';
import { ExpertId, IsoDate, LoggedText, NewExpertId, RegionCode, RegionPrefix, SpecialtyCode, Uscc } from '../../domain/primitives.js';
import { errorResponses, LOG_WRITE_ERRORS } from '../../schemas/common.js';

const ExpertView = Expert.extend({
  revision: z.int().describe('Increases with every change'),
  updatedAt: z.string().describe('Last change, ISO 8601'),
}).describe('An expert as the pool shows it: never personal data');

const CreateExpert = Expert.extend({ id: NewExpertId, personal: ExpertPersonal.describe('Sealed at rest; never returned') }).describe('A new expert');

const Params = z.object({ id: ExpertId });

const routes: FastifyPluginAsyncZod = async (app) => {
  const pool = app.ctx.pool;

  app.post(
    '/experts',
    {
      config: { access: 'pool.write' },
      schema: {
        summary: 'Add an expert',
        description: 'Refused (409 CONFLICT) when the id or the ID number belongs to an expert already, and (409 PHONE_IN_USE) when the phone number belongs to another expert still in the pool: neither names the other expert or the number. Nothing is stored. Each answer that a phone or an ID number is held spends one of the caller’s daily allowance of such answers (`pool.id-matched`, docs/security.md); once it is spent, every addition is refused with 429 RATE_LIMITED, held numbers or not, until the day has passed.',
        tags: ['pool'],
        body: CreateExpert,
        response: { 201: ExpertView, ...errorResponses('CONFLICT', 'PHONE_IN_USE', 'RATE_LIMITED', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request, reply) => {
      const { personal, ...expert } = request.body;
      return reply.status(201).send(await pool.create(expert, personal, request.principal, null, app.ctx.idMatches.spender(request.principal, 'add')));
    },
  );

  app.get(
    '/experts',
    {
      config: { access: 'pool.read' },
      schema: {
        summary: 'Search experts',
        description: 'In id order, on the in-memory pool index. Never personal data (names, phones and ID numbers are write-only here).',
        tags: ['pool'],
        querystring: z.object({
          specialty: SpecialtyCode.optional().describe('Experts holding this specialty code or a code under it'),
          status: ExpertStatus.optional(),
          employer: Uscc.optional().describe('Employer’s unified social credit code'),
          region: RegionPrefix.optional().describe('Region prefix: 2 digits for a province, 4 for a city, 6 for a county'),
          after: ExpertId.optional().describe('Continue after this id (the previous page’s next)'),
          limit: z.coerce.number().int().min(1).max(500).default(100).describe('Page size (default 100)'),
        })
          // A parameter this listing does not take (`cursor`, `sort`, `name`) is refused, never ignored: ignored, a
          // script paging with another listing's `cursor` would get the first page again, for ever.
          .strict(),
        response: { 200: z.object({ items: z.array(ExpertView).describe('This page of experts, by id'), next: ExpertId.nullable().describe('Pass as `after` for the next page') }), ...errorResponses() },
      },
    },
    async (request) => pool.list(request.query),
  );

  app.get('/experts/:id', { config: { access: 'pool.read' }, schema: { summary: 'One expert', tags: ['pool'], params: Params, response: { 200: ExpertView, ...errorResponses(404) } } }, async (request) =>
    pool.get(request.params.id),
  );

  app.patch(
    '/experts/:id',
    {
      config: { access: 'pool.write' },
      schema: {
        summary: 'Change specialties, region or employer',
        tags: ['pool'],
        params: Params,
        body: z
          .object({ specialties: z.array(SpecialtyCode).min(1).max(16).optional().describe('The expert’s specialty codes, replacing the old ones'), region: RegionCode.optional(), employer: Uscc.optional() })
          .strict()
          .refine((b) => Object.keys(b).length > 0, 'nothing to change'),
        response: { 200: ExpertView, ...errorResponses(404, 'CONFLICT', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => pool.update(request.params.id, request.body, request.principal),
  );

  app.post(
    '/experts/:id/status',
    {
      config: { access: 'pool.write' },
      schema: {
        summary: 'Suspend (until a date), blacklist, retire or reinstate, with a reason',
        description: 'An expert who has left the pool keeps their status (EXPERT_EXITED); one whose confirmation lapsed is re-confirmed before being reinstated (CONFIRMATION_LAPSED). Retiring here is an exit with the reason `other`: prefer POST /v1/experts/{id}/exit, which names the reason (docs/admission.md). A retired expert made callable again takes their phone back only while no other expert still in the pool has it (PHONE_IN_USE). While a rule\'s consequence is in force (GET /v1/consequences) the status may be made stronger, never weaker (SANCTION_IN_FORCE): only an upheld objection lifts it (docs/records.md).',
        tags: ['pool'],
        params: Params,
        body: z
          .object({
            status: ExpertStatus,
            reason: LoggedText({ min: 2, max: 500, description: 'Why: kept in the audit log (no phone or ID number)' }),
            until: IsoDate.nullable().default(null).describe('Last day of a suspension; null for open-ended'),
          })
          .strict()
          .refine((b) => b.status === 'suspended' || b.until === null, { message: 'only a suspension has an end date', path: ['until'] }),
        response: { 200: ExpertView, ...errorResponses(404, 'CONFLICT', 'EXPERT_EXITED', 'CONFIRMATION_LAPSED', 'SANCTION_IN_FORCE', 'PHONE_IN_USE', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => pool.setStatus(request.params.id, request.body, request.principal),
  );

  app.put(
    '/experts/:id/availability',
    {
      config: { access: 'pool.write' },
      schema: {
        summary: 'Replace the dates the expert is unavailable',
        tags: ['pool'],
        params: Params,
        body: z.object({ unavailable: z.array(IsoDate).max(366).describe('Dates the expert cannot evaluate, replacing the old list') }).strict(),
        response: { 200: ExpertView, ...errorResponses(404, 'CONFLICT', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => pool.update(request.params.id, { unavailable: [...new Set(request.body.unavailable)].sort() }, request.principal, 'expert.availability'),
  );

  app.put(
    '/experts/:id/relations',
    {
      config: { access: 'pool.write' },
      schema: {
        summary: 'Replace the declared relations (回避 declarations)',
        tags: ['pool'],
        params: Params,
        body: z.object({ relations: z.array(Relation).max(64).describe('Declared relations (positions, relatives), replacing the old list') }).strict(),
        response: { 200: ExpertView, ...errorResponses(404, 'CONFLICT', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => pool.update(request.params.id, { relations: request.body.relations }, request.principal, 'expert.relations'),
  );
};
export default routes;
