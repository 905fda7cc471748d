// Answers for what fails before a route is found: a URL the router refuses (a path parameter too long, a malformed
// escape) and requests Node's HTTP parser refuses (headers or request line too large, malformed, too slow). They get
// the service's error shape and a stable code, like every other answer.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_STATUS, type ErrorCode } from '../../errors.js';

/** Longest path parameter the router matches (ids are at most 64 characters); a longer one is answered 414. */
export const MAX_PARAM_LENGTH = 128;

function errorBody(code: ErrorCode, message: string, requestId: string): string {
  return JSON.stringify({ error: { code, message }, requestId });
}

/** Fastify's `frameworkErrors` option: router errors, answered through the reply (hooks and request id as usual). */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const [code, message]: [ErrorCode, string] =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? ['URI_TOO_LONG', `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`]
      : error.code === 'FST_ERR_BAD_URL'
        ? ['INVALID_INPUT', 'the URL is malformed']
        : ['INTERNAL', 'internal error'];
  if (code === 'INTERNAL') request.log.error({ err: error }, 'router error');
  void reply.status(ERROR_STATUS[code]).header('x-request-id', request.id).type('application/json; charset=utf-8').send(errorBody(code, message, request.id));
}

/** Fastify's `clientErrorHandler` option: Node's parser refused the request, so there is no request object to answer. */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message]: [ErrorCode, string] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? ['HEADERS_TOO_LARGE', 'the request line and headers are too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['REQUEST_TIMEOUT', 'the request took too long to arrive']
        : ['INVALID_INPUT', 'the request is not valid HTTP'];
  const status = ERROR_STATUS[code];
  const requestId = randomUUID();
  const body = errorBody(code, message, requestId);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `x-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
