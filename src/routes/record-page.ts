// The expert's own record page: the link a pool manager has sent them, `/m/{token}` (docs/records.md "The expert's own
// page"). No bearer token: the link is the credential, and opens only its expert's record — records of disclosed
// draws, consequences, objections. Its form POSTs an objection (urlencoded) with the same checks and log entry as
// `POST /v1/experts/{id}/objections`, lodged by the expert through the link; taken, the browser is sent back (303).
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { pageLang, type PageLang } from '../pages/answer-page.js';
import { recordPage, recordPageTitle, type Evaluation, type RecordNotice } from '../pages/record-page.js';
import type { RecordLinkView } from '../services/record-link.service.js';
import type { ObjectionTarget } from '../services/rules.service.js';
import { expertPages, FORM_FAILURES, html, PAGE_FAILURES, PAGE_STATUS, PageQuery, TOKEN } from './expert-page.js';

/** A reason of 1000 Chinese characters, percent-encoded (9 bytes each), and the field naming its target. */
const FORM_LIMIT = 12 * 1024;
const REASON_MAX = 1000;

const Params = z.object({ token: z.string().describe('The record link’s token, from the message') });
const Form = z
  .object({
    record: z.string().regex(/^\d{1,15}$/).optional().describe('Log index of the record objected to'),
    consequence: z.string().regex(/^C-[0-9a-f]{32}$/).optional().describe('Id of the consequence objected to'),
    reason: z.string().describe('The reason, at most 1000 characters'),
  })
  .strict();

const routes: FastifyPluginAsyncZod = async (app) => {
  const { recordLinks, performance, rules, projects, config } = app.ctx;
  const timeZone = config.EXPERT_DRAW_TIME_ZONE;

  expertPages(app, { formLimit: FORM_LIMIT, title: recordPageTitle });

  /** The link's page answered with `status` (404 for a link the service does not know, 410 for one that no longer works). */
  const page = async (reply: FastifyReply, status: number, lang: PageLang, link: RecordLinkView | null, notice: RecordNotice | null = null) => {
    const send = (shown: number, body: string) => reply.status(shown).type('text/html; charset=utf-8').send(body);
    if (link === null) return send(404, recordPage({ lang, state: 'unknown', timeZone, code: 'NOT_FOUND' }));
    if (link.state !== 'open') return send(410, recordPage({ lang, state: link.state, timeZone, code: 'GONE' }));
    const { expertId, expiresAt } = link.link;
    const [record, sanctions] = await Promise.all([performance.ofExpert(expertId, lang), rules.ofExpert(expertId, lang)]);
    // Each evaluation as the expert was told of it (time and place), beside the project's id: disclosed draws only.
    const evaluations = new Map<string, Evaluation>();
    for (const projectId of new Set(record.draws.map((d) => d.projectId))) {
      const found = await projects.get(projectId).catch(() => null);
      if (found) evaluations.set(projectId, { bidOpeningAt: found.record.project.bidOpeningAt, venue: found.record.venue });
    }
    return send(status, recordPage({ lang, state: 'open', expiresAt, record, sanctions, evaluations, timeZone, code: PAGE_STATUS[status] ?? null, notice }));
  };
  const linkOf = (token: string) => (TOKEN.test(token) ? recordLinks.open(token) : Promise.resolve(null));

  app.setNotFoundHandler((request, reply) => page(reply, 404, pageLang(request.query), null));

  app.get(
    '/:token',
    {
      config: { access: 'public' },
      // Nothing to refuse: any token that is not a link is the unknown-link page, any other language Chinese.
      attachValidation: true,
      schema: {
        summary: 'The expert’s own record page (the link sent to the expert)',
        description:
          'A mobile HTML page: the expert’s counts and records of disclosed draws, the consequences the rules set and the objections with their decisions, with a form to object to a record or a consequence. Never a draw still sealed, never another expert.',
        tags: ['records'],
        params: Params,
        querystring: PageQuery,
        produces: ['text/html'],
        response: {
          200: html('The expert’s record'),
          404: html('No such link (data-code NOT_FOUND)'),
          410: html('The link has expired, or a newer link replaced it (data-code GONE)'),
          ...PAGE_FAILURES,
        },
      },
    },
    async (request, reply) => page(reply, 200, pageLang(request.query), await linkOf(request.params.token)),
  );

  app.post(
    '/:token',
    {
      // No Idempotency-Key: browsers send none; an objection sent twice is refused (one per record or consequence).
      config: { access: 'public', idempotency: false },
      bodyLimit: FORM_LIMIT,
      // A wrong field is shown on the page, not as a JSON error.
      attachValidation: true,
      schema: {
        summary: 'Lodge an objection from the record page (a plain HTML form)',
        description:
          'The page’s form: `application/x-www-form-urlencoded` with `record` (a log index) or `consequence` (an id), and `reason`. The same checks and log entry as `POST /v1/experts/{id}/objections`, lodged by the expert (role `expert`, the link’s message id). Taken: 303 to the page. Otherwise the page, with why.',
        tags: ['records'],
        params: Params,
        querystring: PageQuery,
        body: Form,
        consumes: ['application/x-www-form-urlencoded'],
        produces: ['text/html'],
        response: {
          303: z.null().describe('Objection lodged: the page (Location) shows it'),
          400: html('No target, both, or no reason (data-code INVALID_INPUT)'),
          404: html('No such link, or no such record or consequence of the expert’s (data-code NOT_FOUND)'),
          409: html('An objection against it exists already, or it cannot take one (data-code CONFLICT)'),
          410: html('The link has expired, or a newer link replaced it (data-code GONE)'),
          ...FORM_FAILURES,
          ...PAGE_FAILURES,
        },
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      const lang = pageLang(request.query);
      const link = await linkOf(token);
      if (link === null || link.state !== 'open') return page(reply, 0, lang, link);
      const against = request.validationError ? null : targetOf(request.body);
      const reason = request.validationError ? '' : request.body.reason.trim();
      if (against === null || reason === '' || reason.length > REASON_MAX) return page(reply, 400, lang, link, 'invalid');
      const { expertId, messageId } = link.link;
      try {
        await rules.lodge(expertId, against, reason, { sub: expertId, role: 'expert', link: messageId, linkSentBy: link.link.by });
      } catch (err) {
        if (!(err instanceof AppError) || (err.status !== 404 && err.status !== 409)) throw err;
        return page(reply, err.status, lang, link, err.status === 404 ? 'notFound' : 'objected');
      }
      // Post/redirect/get: reloading the page shows the objection instead of sending it again.
      return reply.redirect(`${token}${lang === 'en' ? '?lang=en' : ''}#objections`, 303);
    },
  );
};

/** The record or consequence a form names: exactly one of them. */
function targetOf(body: { record?: string; consequence?: string }): ObjectionTarget | null {
  if ((body.record === undefined) === (body.consequence === undefined)) return null;
  return body.record !== undefined ? { record: Number(body.record) } : { consequence: body.consequence! };
}

export default routes;
