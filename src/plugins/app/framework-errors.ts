// Answers for what fails before a route is found: a URL the router refuses (a path parameter too long, a malformed
// escape) and requests Node's HTTP parser refuses (headers or request line too large, malformed, too slow). They get
// the service's error shape and a stable code, like every other answer. A request the parser refused has no headers to
// read a language from: it is answered in the default, zh-CN.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_STATUS, type ErrorCode } from '../../errors.js';
import { DEFAULT_LANG, type Lang } from '../../i18n/language.js';
import { msg, type Message } from '../../i18n/message.js';
import { isExpertPagePath, PAGE_HEADERS, pageLang, troublePage } from '../../pages/answer-page.js';
import { answerLanguage } from './language.js';

/** Longest path parameter the router matches (ids are at most 64 characters); a longer one is answered 414. */
export const MAX_PARAM_LENGTH = 128;

function errorBody(code: ErrorCode, message: Message, requestId: string, lang: Lang): string {
  return JSON.stringify({ error: { code, message: message.text(lang) }, requestId });
}

/** Fastify's `frameworkErrors` option: router errors, answered through the reply (hooks and request id as usual). */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const [code, message]: [ErrorCode, Message] =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? ['URI_TOO_LONG', msg('http.paramTooLong', { max: MAX_PARAM_LENGTH })]
      : error.code === 'FST_ERR_BAD_URL'
        ? ['INVALID_INPUT', msg('http.badUrl')]
        : ['INTERNAL', msg('http.internal')];
  if (code === 'INTERNAL') request.log.error({ err: error }, 'router error');
  // An expert's page (a link too long to be one) answers as a page, in its look and with its headers.
  if (isExpertPagePath(request.url)) {
    void reply.status(ERROR_STATUS[code]).headers(PAGE_HEADERS).header('x-request-id', request.id).type('text/html; charset=utf-8').send(troublePage(pageLang(request.query), code === 'INTERNAL' ? 'unavailable' : 'refused', code));
    return;
  }
  const lang = answerLanguage(request, reply);
  void reply.status(ERROR_STATUS[code]).header('x-request-id', request.id).type('application/json; charset=utf-8').send(errorBody(code, message, request.id, lang));
}

/** Methods a refused request's line may name in the service log (its first bytes, when they are one of these). */
const LOGGED_METHODS = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) /;

/**
 * Fastify's `clientErrorHandler` option (called with the instance as `this`): Node's parser refused the request, so
 * there is no request object to answer, and no request line in the log unless written here. The line names the answer
 * (status, code, request id), the address and the method; never the path or a header, which may hold a token or a
 * phone number the parser did not get far enough to let the request log redact.
 */
export function clientErrorHandler(this: FastifyInstance, err: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message]: [ErrorCode, Message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? ['HEADERS_TOO_LARGE', msg('http.headersTooLarge')]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['REQUEST_TIMEOUT', msg('http.requestTimeout')]
        : ['INVALID_INPUT', msg('http.notHttp')];
  const status = ERROR_STATUS[code];
  const requestId = randomUUID();
  // An expert's link too long even for the parser (its request line overflowed): the page, as for any refused link.
  const start = (err as { rawPacket?: Buffer }).rawPacket?.subarray(0, 16).toString('latin1') ?? '';
  const page = code === 'HEADERS_TOO_LARGE' && /^[A-Z]+ \/[rm]\//.test(start);
  this.log.info({ reqId: requestId, method: LOGGED_METHODS.exec(start)?.[1], remoteAddress: socket.remoteAddress, res: { statusCode: status }, code }, 'request refused by the HTTP parser');
  const body = page ? troublePage(DEFAULT_LANG, 'refused', code) : errorBody(code, message, requestId, DEFAULT_LANG);
  const headers = page ? Object.entries(PAGE_HEADERS).map(([k, v]) => `${k}: ${v}\r\n`).join('') : '';
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${page ? 'text/html' : 'application/json'}; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Language: ${DEFAULT_LANG}\r\n${headers}` +
        `x-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
