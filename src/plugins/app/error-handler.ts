// One place maps every failure to an HTTP answer with a stable code. 5xx answers never carry internals.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
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

/** What a failure answers: status, stable code, a message for a person, details on 4xx only. Logs what a 5xx hides. */
export interface ErrorAnswer {
  readonly status: number;
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: unknown;
}

/** Maps any error a route or hook throws to its answer; shared by the JSON answers here and the expert's page. */
export function errorAnswer(err: FastifyError, request: FastifyRequest): ErrorAnswer {
  if (err instanceof AppError) {
    if (err.status >= 500) request.log.error({ err: { code: err.code, message: err.message } }, 'request failed');
    // 5xx messages are ours and carry no internals; details are only given on 4xx.
    return { status: err.status, code: err.code, message: err.message, details: err.status < 500 ? err.details : undefined };
  }
  // A lost optimistic check that no service translated: a conflict, never a 500. The record is not named (keys
  // can be keyed hashes of people).
  if (err instanceof RecordConflictError) return { status: 409, code: 'CONFLICT', message: 'the record changed meanwhile (another request or instance changed it first); read it again and retry' };
  if (hasZodFastifySchemaValidationErrors(err)) {
    // Paths and messages only: the rejected values are never echoed (they may be ID numbers or phones).
    const issues = err.validation.map((v) => ({ in: err.validationContext, path: v.instancePath || '/', message: v.message }));
    return { status: 400, code: 'INVALID_INPUT', message: `invalid ${err.validationContext ?? 'request'}`, details: { issues } };
  }
  const known = err.code ? FASTIFY_ERRORS[err.code] : undefined;
  if (known) return { status: err.statusCode ?? 400, ...known };
  if (err instanceof SyntaxError || err.code?.startsWith('FST_ERR_CTP')) return { status: 400, code: 'INVALID_INPUT', message: 'the request body could not be parsed' };
  if (err.statusCode === 429) return { status: 429, code: 'RATE_LIMITED', message: 'too many requests' };
  if (err.statusCode === 503) return { status: 503, code: 'STORE_UNAVAILABLE', message: 'the service is overloaded or its store is unavailable' };
  request.log.error({ err }, 'unexpected error');
  return { status: 500, code: 'INTERNAL', message: 'internal error' };
}

export default fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const a = errorAnswer(err, request);
      return reply.status(a.status).send(body(a.code, a.message, request.id, a.details));
    });
    app.setNotFoundHandler((request, reply) => reply.status(404).send(body('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`, request.id)));
  },
  { name: 'error-handler', fastify: '5.x' },
);
