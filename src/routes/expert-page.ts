// What the expert's pages share — the answer page `/r/{token}` and the record page `/m/{token}`: the link is the
// credential, so no answer is cached or sends a referrer, only the page's own script and style run, forms are the only
// bodies read, and every failure is a page in the same look carrying its stable code.
import { isUtf8 } from 'node:buffer';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, type ErrorCode } from '../errors.js';
import { msg } from '../i18n/message.js';
import { PAGE_HEADERS, pageLang, troublePage, type PageLang } from '../pages/answer-page.js';
import { requireUtf8Charset } from '../plugins/app/body-parsers.js';
import { errorAnswer } from '../plugins/app/error-handler.js';

/** The shape of a link's token (24 random bytes, base64url); anything else is an unknown link, never a lookup. */
export const TOKEN = /^[A-Za-z0-9_-]{32}$/;

/** The pages' own policy, stricter than the API's: same-origin script, style, fetch and form target; no framing. */

/** An HTML answer of a page route, for the OpenAPI document. */
export const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
export const PageQuery = z.object({
  lang: z.string().optional().describe('`en` for English; otherwise Chinese (zh-CN)'),
  notice: z.string().optional().describe('`answered`: the page says an answer just sent was refused because the call was answered already (the page’s script sets it)'),
});
/** The failures every page route can answer with, as pages carrying their code. */
export const PAGE_FAILURES = {
  429: html('Too many requests (data-code RATE_LIMITED)'),
  500: html('Internal error (data-code INTERNAL)'),
  503: html('Store unavailable (data-code STORE_UNAVAILABLE or LOG_UNAVAILABLE)'),
};
/** And those of a page's form: a body too large, or not a form. */
export const FORM_FAILURES = {
  413: html('Body too large (data-code PAYLOAD_TOO_LARGE)'),
  415: html('Not a form (data-code UNSUPPORTED_MEDIA_TYPE)'),
};
/** The code a page carries for each status a link can answer with. */
export const PAGE_STATUS: Record<number, ErrorCode> = { 400: 'INVALID_INPUT', 404: 'NOT_FOUND', 409: 'CONFLICT', 410: 'GONE' };

/** A form body as an object; a field sent twice is refused rather than one of them silently chosen. */
function parseForm(request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void): void {
  try {
    requireUtf8Charset(request);
    if (!isUtf8(body)) throw new AppError('INVALID_INPUT', msg('http.notUtf8'));
    const entries = [...new URLSearchParams(body.toString('utf8'))];
    if (new Set(entries.map(([k]) => k)).size !== entries.length) throw new AppError('INVALID_INPUT', msg('http.formFieldRepeated'));
    // fromEntries defines own properties: a field named __proto__ stays a field.
    done(null, Object.fromEntries(entries));
  } catch (err) {
    done(err as Error);
  }
}

/**
 * Makes the routes of this plugin scope an expert's page: form bodies only (up to `formLimit` bytes; every other route
 * keeps answering 415 to them), the headers above on every answer, failures that are not about the link as a page
 * titled by `title`.
 */
export function expertPages(app: FastifyInstance, options: { formLimit: number; title?: (lang: PageLang) => string }): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: options.formLimit }, parseForm);
  app.addHook('onSend', async (_request, reply) => {
    // The address holds the credential: no Referer leaves the page, and no copy of it stays in any cache.
    reply.headers(PAGE_HEADERS);
  });
  // Failures that are not about the link (rate limit, store, a body the page never sends): the same look, and the code.
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const a = errorAnswer(err, request);
    const trouble = a.status === 429 ? 'busy' : a.status >= 500 ? 'unavailable' : 'refused';
    const lang = pageLang(request.query);
    return reply.status(a.status).type('text/html; charset=utf-8').send(troublePage(lang, trouble, a.code, options.title?.(lang)));
  });
}
