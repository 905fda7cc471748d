// One place maps every failure to an HTTP answer with a stable code. 5xx answers never carry internals.
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode } from '../../errors.js';
import { RecordConflictError } from '../../store/store.js';

function body(code: ErrorCode, message: string, requestId: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) }, requestId };
}

/** Fastify's own 4xx errors, by code: what they mean for a client. */
const FASTIFY_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'unsupported content type' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'INVALID_INPUT', message: 'the JSON body is empty' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'INVALID_INPUT', message: 'the content length does not match the body' },
};

export default fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const id = request.id;
      if (err instanceof AppError) {
        if (err.status >= 500) request.log.error({ err: { code: err.code, message: err.message } }, 'request failed');
        // A lock that ends at a known time (the login lockout) says when, as HTTP does.
        const retry = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
        if (typeof retry === 'number') void reply.header('retry-after', String(retry));
        // 5xx messages are ours and carry no internals; details are only given on 4xx.
        return reply.status(err.status).send(body(err.code, err.message, id, err.status < 500 ? err.details : undefined));
      }
      // A lost optimistic check that no service translated: a conflict, never a 500. The record is not named (keys
      // can be keyed hashes of people).
      if (err instanceof RecordConflictError) return reply.status(409).send(body('CONFLICT', 'the record changed meanwhile (another request or instance changed it first); read it again and retry', id));
      if (hasZodFastifySchemaValidationErrors(err)) {
        // Paths and messages only: the rejected values are never echoed (they may be ID numbers or phones).
        const issues = err.validation.map((v) => ({ in: err.validationContext, path: v.instancePath || '/', message: v.message }));
        return reply.status(400).send(body('INVALID_INPUT', `invalid ${err.validationContext ?? 'request'}`, id, { issues }));
      }
      const known = err.code ? FASTIFY_ERRORS[err.code] : undefined;
      if (known) return reply.status(err.statusCode ?? 400).send(body(known.code, known.message, id));
      if (err instanceof SyntaxError || err.code?.startsWith('FST_ERR_CTP')) return reply.status(400).send(body('INVALID_INPUT', 'the request body could not be parsed', id));
      if (err.statusCode === 429) return reply.status(429).send(body('RATE_LIMITED', 'too many requests', id));
      if (err.statusCode === 503) return reply.status(503).send(body('STORE_UNAVAILABLE', 'the service is overloaded or its store is unavailable', id));
      request.log.error({ err }, 'unexpected error');
      return reply.status(500).send(body('INTERNAL', 'internal error', id));
    });
    app.setNotFoundHandler((request, reply) => reply.status(404).send(body('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`, request.id)));
  },
  { name: 'error-handler', fastify: '5.x' },
);
