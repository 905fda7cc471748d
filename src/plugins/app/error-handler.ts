// One place maps every failure to an HTTP answer with a stable code. 5xx answers never carry internals. The message
// (and any text in the details) is read in the request's language (Accept-Language, zh-CN by default); the code
// stays the same in every language.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode } from '../../errors.js';
import { localize, msg, type Localized, type Message } from '../../i18n/message.js';
import { issueText } from '../../i18n/zod-issues.js';
import { RecordConflictError } from '../../store/store.js';
import { answerLanguage } from './language.js';

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

/** Sends the error shape in the request's language; details only on 4xx. */
function send(request: FastifyRequest, reply: FastifyReply, status: number, code: ErrorCode, message: Localized, details?: unknown) {
  const lang = answerLanguage(request, reply);
  const error = { code, message: message.text(lang), ...(details === undefined || status >= 500 ? {} : { details: localize(details, lang) }) };
  return reply.status(status).send({ error, requestId: request.id });
}

export default fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (err instanceof AppError) {
        if (err.status >= 500) request.log.error({ err: { code: err.code, message: err.message } }, 'request failed');
        // 5xx messages are ours and carry no internals; details are only given on 4xx.
        return send(request, reply, err.status, err.code, err.localized, err.details);
      }
      // A lost optimistic check that no service translated: a conflict, never a 500. The record is not named (keys
      // can be keyed hashes of people).
      if (err instanceof RecordConflictError) return send(request, reply, 409, 'CONFLICT', msg('http.recordChanged'));
      if (hasZodFastifySchemaValidationErrors(err)) {
        // Paths and reasons only: the rejected values are never echoed (they may be ID numbers or phones). Each reason
        // is zod's own in English, ours in Chinese (src/i18n/zod-issues.ts).
        const issues = err.validation.map((v) => ({ in: err.validationContext, path: v.instancePath || '/', message: issueText({ code: v.keyword, message: v.message ?? '', ...v.params }) }));
        return send(request, reply, 400, 'INVALID_INPUT', INVALID_PART[err.validationContext ?? ''] ?? msg('http.invalidRequest'), { issues });
      }
      const known = err.code ? FASTIFY_ERRORS[err.code] : undefined;
      if (known) return send(request, reply, err.statusCode ?? 400, known.code, known.message);
      if (err instanceof SyntaxError || err.code?.startsWith('FST_ERR_CTP')) return send(request, reply, 400, 'INVALID_INPUT', msg('http.unparsable'));
      if (err.statusCode === 429) return send(request, reply, 429, 'RATE_LIMITED', msg('http.tooMany'));
      if (err.statusCode === 503) return send(request, reply, 503, 'STORE_UNAVAILABLE', msg('http.overloaded'));
      request.log.error({ err }, 'unexpected error');
      return send(request, reply, 500, 'INTERNAL', msg('http.internal'));
    });
    app.setNotFoundHandler((request, reply) => send(request, reply, 404, 'NOT_FOUND', msg('http.noRoute', { method: request.method, path: request.url.split('?')[0]! })));
  },
  { name: 'error-handler', fastify: '5.x' },
);
