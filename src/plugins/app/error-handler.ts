// One place maps every failure to an HTTP answer with a stable code. 5xx answers never carry internals. The message
// (and any text in the details) is read in the request's language (Accept-Language, zh-CN by default); the code
// stays the same in every language.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode } from '../../errors.js';
import { localize, msg, type Localized, type Message } from '../../i18n/message.js';
import { issueText } from '../../i18n/zod-issues.js';
import { declaredCodes } from '../../schemas/common.js';
import { RecordConflictError } from '../../store/store.js';
import { answerLanguage } from './language.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Error answers this app gave with a code their route does not declare (see noteUndeclared). */
    undeclaredErrors: UndeclaredErrors;
  }
}

/** Fastify's own 4xx errors, by code: what they mean for a client. */
const FASTIFY_ERRORS: Record<string, { code: ErrorCode; message: Message }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: msg('http.bodyTooLarge') },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: msg('http.unsupportedType') },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'INVALID_INPUT', message: msg('http.emptyJson') },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'INVALID_INPUT', message: msg('http.contentLength') },
};

/** The summary of a validation error, by the part of the request that failed. */
const INVALID_PART: Record<string, Message> = {
  body: msg('http.invalidBody'),
  querystring: msg('http.invalidQuerystring'),
  params: msg('http.invalidParams'),
  headers: msg('http.invalidHeaders'),
};

/** What a failure answers: status, stable code, a message for a person, details on 4xx only. */
export interface ErrorAnswer {
  readonly status: number;
  readonly code: ErrorCode;
  readonly message: Localized;
  readonly details?: unknown;
}

/** Maps any error a route or hook throws to its answer (logging what a 5xx hides); shared with the expert's page. */
export function errorAnswer(err: FastifyError, request: FastifyRequest): ErrorAnswer {
  if (err instanceof AppError) {
    if (err.status >= 500) request.log.error({ err: { code: err.code, message: err.message } }, 'request failed');
    return { status: err.status, code: err.code, message: err.localized, details: err.details };
  }
  // A lost optimistic check that no service translated: a conflict, never a 500. The record is not named (keys
  // can be keyed hashes of people).
  if (err instanceof RecordConflictError) return { status: 409, code: 'CONFLICT', message: msg('http.recordChanged') };
  if (hasZodFastifySchemaValidationErrors(err)) {
    // Paths and reasons only: the rejected values are never echoed (they may be ID numbers or phones). Each reason
    // is ours in both languages, by issue code (src/i18n/zod-issues.ts).
    const issues = err.validation.map((v) => ({ in: err.validationContext, path: v.instancePath || '/', message: issueText({ code: v.keyword, message: v.message ?? '', ...v.params }) }));
    return { status: 400, code: 'INVALID_INPUT', message: INVALID_PART[err.validationContext ?? ''] ?? msg('http.invalidRequest'), details: { issues } };
  }
  const known = err.code ? FASTIFY_ERRORS[err.code] : undefined;
  if (known) return { status: err.statusCode ?? 400, ...known };
  // The client went away while sending its body: nobody reads the answer, and nothing failed on this side (no error
  // line, which would trip an error-rate alert for every dropped upload).
  if (err.code === 'ECONNRESET' || err.message === 'aborted') return { status: 400, code: 'INVALID_INPUT', message: msg('http.aborted') };
  if (err instanceof SyntaxError || err.code?.startsWith('FST_ERR_CTP')) return { status: 400, code: 'INVALID_INPUT', message: msg('http.unparsable') };
  // A path the documentation's static files refuse (`..` past their folder): no such route, and nothing to log.
  if (err.code === 'FST_STATIC_FORBIDDEN_PATH') return { status: 404, code: 'NOT_FOUND', message: msg('http.noRoute', { method: request.method, path: request.url.split('?')[0]! }) };
  if (err.statusCode === 429) return { status: 429, code: 'RATE_LIMITED', message: msg('http.tooMany') };
  if (err.statusCode === 503) {
    // Shed by the load guard (the event loop lagging, or the store's health check failing): said in the service log,
    // so that an operator who sees 503s finds why.
    request.log.warn({ shed: err.code ?? 'unavailable' }, 'request shed: the service is overloaded or its store unreachable');
    return { status: 503, code: 'STORE_UNAVAILABLE', message: msg('http.overloaded') };
  }
  request.log.error({ err }, 'unexpected error');
  return { status: 500, code: 'INTERNAL', message: msg('http.internal') };
}

/** Error answers whose code the route's OpenAPI responses do not list, as `METHOD route STATUS CODE` (tests read it). */
export type UndeclaredErrors = Set<string>;

/**
 * Notes an answer whose code the route does not declare for its status. The answer still goes out as it is: an
 * incomplete declaration is the document's fault, never a reason to answer a client with something else.
 */
function noteUndeclared(request: FastifyRequest, a: ErrorAnswer, seen: UndeclaredErrors): void {
  const responses = request.routeOptions.schema?.response as Record<number, unknown> | undefined;
  if (!responses || request.is404) return;
  if (declaredCodes(responses[a.status]).includes(a.code)) return;
  const route = `${request.method} ${request.routeOptions.url} ${a.status} ${a.code}`;
  if (!seen.has(route)) request.log.warn({ code: a.code, status: a.status, route: request.routeOptions.url }, 'error code not declared for this route');
  seen.add(route);
}

/**
 * A message with every run of 11 digits or more cut out (`P-15973994367` as well): an id or path a client typed may
 * be a phone or ID number, and an error answer (and the request log's copy of it) must not carry one back. A UUID is
 * the service's own kind of id (a draw's, a user's) and stays whole, even where its last group is all digits.
 */
function unsaid(text: string): string {
  return text
    .split(UUID_SPLIT)
    .map((piece, i) => (i % 2 === 1 ? piece : piece.replace(/\d{11,}[Xx]?/g, '…')))
    .join('');
}
const UUID_SPLIT = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/;

/** Sends the error shape in the request's language; details only on 4xx (5xx answers carry no internals). */
function send(request: FastifyRequest, reply: FastifyReply, a: ErrorAnswer) {
  const lang = answerLanguage(request, reply);
  // A lock that ends at a known time (the login lockout) says when, as HTTP does.
  const retry = (a.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof retry === 'number') void reply.header('retry-after', String(retry));
  const error = { code: a.code, message: unsaid(a.message.text(lang)), ...(a.details === undefined || a.status >= 500 ? {} : { details: localize(a.details, lang) }) };
  // Serialized as it is: the route's response schemas describe its errors for the document, they do not filter them.
  return reply.status(a.status).type('application/json; charset=utf-8').serializer(JSON.stringify).send({ error, requestId: request.id });
}

export default fp(
  async (app: FastifyInstance) => {
    const undeclared: UndeclaredErrors = new Set();
    app.decorate('undeclaredErrors', undeclared);
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const answer = errorAnswer(err, request);
      noteUndeclared(request, answer, undeclared);
      return send(request, reply, answer);
    });
    app.setNotFoundHandler((request, reply) => send(request, reply, { status: 404, code: 'NOT_FOUND', message: msg('http.noRoute', { method: request.method, path: request.url.split('?')[0]! }) }));
  },
  { name: 'error-handler', fastify: '5.x' },
);
