// The expert's answer page: the short link of the message, `/r/{token}`. No bearer token: the link is the credential.
// GET shows the call as it is now; the page's form POSTs `answer=accept|decline` (urlencoded, the only route that reads
// that type) and is sent back to the page (303) once the answer is taken. Every answer of these routes — refusals
// and failures included — is an HTML page in the same look, never cached, with no referrer.
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { NEVER_SHED } from '../plugins/external/health.js';
import { ANSWER_SCRIPT, ANSWER_STYLE } from '../pages/answer-assets.js';
import { answerPage, pageLang, type Notice, type PageLang } from '../pages/answer-page.js';
import { expertPages, FORM_FAILURES, html, PAGE_FAILURES, PAGE_STATUS as STATUS, PageQuery as Query, TOKEN } from './expert-page.js';

/** `answer=decline` and room to spare: a form of this page sends nothing longer. */
const FORM_LIMIT = 256;

const Params = z.object({ token: z.string().describe('The response token from the message') });

const routes: FastifyPluginAsyncZod = async (app) => {
  const { roster, config, now } = app.ctx;
  const timeZone = config.EXPERT_DRAW_TIME_ZONE;

  // Only these routes (and the record page's) read form bodies, and only forms.
  expertPages(app, { formLimit: FORM_LIMIT });

  /** The page of a link as its call is now, answered with `status` (or 404 / 410 when the call says so). */
  const page = async (reply: FastifyReply, status: number, lang: PageLang, token: string, notice: Notice | null = null) => {
    const view = TOKEN.test(token) ? await roster.callView(token) : null;
    // A link the service does not know is 404 whatever was asked; a call that can no longer be answered is 410.
    const shown = view === null ? 404 : status === 200 && ['expired', 'superseded', 'closed', 'cancelled'].includes(view.state) ? 410 : status;
    // A conflict on a call still open is a race lost to another instance, not an earlier answer: send it again.
    const said = notice === 'answered' && view?.state === 'waiting' ? 'retry' : notice;
    return reply.status(shown).type('text/html; charset=utf-8').send(answerPage({ lang, view, now: now(), timeZone, code: STATUS[shown] ?? null, notice: said }));
  };

  app.setNotFoundHandler((request, reply) => page(reply, 404, pageLang(request.query), ''));

  app.get(
    '/:token',
    {
      config: { access: 'public', ...NEVER_SHED },
      // Nothing to refuse: any token that is not a link is the unknown-link page, any other language Chinese.
      attachValidation: true,
      schema: {
        summary: 'The answer page of a call (the link sent to the expert)',
        description: 'A mobile HTML page: time, place and answer deadline, and 接受 / 拒绝 buttons while the call is open. Never the project.',
        tags: ['calls'],
        params: Params,
        querystring: Query,
        produces: ['text/html'],
        response: {
          200: html('The call: waiting for an answer, accepted or declined'),
          404: html('No such link (data-code NOT_FOUND)'),
          410: html('The deadline passed, the seat went to another expert, or the call is closed (data-code GONE)'),
          ...PAGE_FAILURES,
        },
      },
    },
    async (request, reply) => page(reply, 200, pageLang(request.query), request.params.token, (request.query as { notice?: unknown } | undefined)?.notice === 'answered' ? 'answered' : null),
  );

  app.post(
    '/:token',
    {
      // No Idempotency-Key: browsers send none, and a repeated answer shows the page as the first one left it.
      config: { access: 'public', ...NEVER_SHED, idempotency: false },
      bodyLimit: FORM_LIMIT,
      // A wrong answer field is shown on the page, not as a JSON error.
      attachValidation: true,
      schema: {
        summary: 'Answer a call from its page (a plain HTML form)',
        description: 'The page\'s form: `application/x-www-form-urlencoded` with `answer=accept` or `answer=decline`. Taken: 303 to the page. Otherwise the page as it is now, with why. Programs use `POST /v1/responses/{token}`.',
        tags: ['calls'],
        params: Params,
        querystring: Query,
        body: z.object({ answer: z.enum(['accept', 'decline']).describe('accept (接受) or decline (拒绝)') }).strict(),
        consumes: ['application/x-www-form-urlencoded'],
        produces: ['text/html'],
        response: {
          303: z.null().describe('Answer taken: the page (Location) shows it'),
          400: html('Neither accept nor decline, or a body the page never sends (data-code INVALID_INPUT)'),
          404: html('No such link (data-code NOT_FOUND)'),
          409: html('Already answered; an answer cannot be changed (data-code CONFLICT)'),
          410: html('The deadline passed, or the call is no longer open (data-code GONE)'),
          ...FORM_FAILURES,
          ...PAGE_FAILURES,
        },
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      const lang = pageLang(request.query);
      if (!TOKEN.test(token)) return page(reply, 404, lang, token);
      if (request.validationError) return page(reply, 400, lang, token, 'invalid');
      try {
        await roster.respond(token, request.body.answer === 'accept');
      } catch (err) {
        if (!(err instanceof AppError) || !(err.status in STATUS)) throw err;
        return page(reply, err.status, lang, token, err.status === 409 ? 'answered' : null);
      }
      // Post/redirect/get: reloading the page shows the answer instead of sending it again.
      return reply.redirect(`${token}${lang === 'en' ? '?lang=en' : ''}`, 303);
    },
  );
};

/** The page's script and style: public, the same for everyone, no secret in them. */
export const answerAssets: FastifyPluginAsyncZod = async (app) => {
  const asset = (path: string, type: string, body: string) =>
    app.get(path, { config: { access: 'public', ...NEVER_SHED }, schema: { hide: true } }, async (_request, reply) => reply.type(type).header('cache-control', 'public, max-age=300').send(body));
  asset('/assets/answer.js', 'text/javascript; charset=utf-8', ANSWER_SCRIPT);
  asset('/assets/answer.css', 'text/css; charset=utf-8', ANSWER_STYLE);
};

export default routes;
