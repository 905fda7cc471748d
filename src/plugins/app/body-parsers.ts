// Request bodies are UTF-8 JSON, read as bytes: a declared charset other than UTF-8 is refused (415) rather than read
// as UTF-8, bytes that are not UTF-8 are refused (400), and Fastify's own parser still guards against prototype
// poisoning. A route declares its body (`schema.body`, or `schema.consumes` for a raw upload); one that declares none
// refuses a body, so nothing a client sends is silently ignored.
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { holdsLoneSurrogate, mayHoldLoneSurrogate } from '../../crypto/canonical.js';
import { AppError } from '../../errors.js';
import { msg } from '../../i18n/message.js';
import { declareCodes } from '../../schemas/common.js';
import { hookList } from './route-hooks.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** The charset parameter of a Content-Type header, lower-cased and unquoted; undefined when there is none. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2] ?? '').toLowerCase() : undefined;
}

/** Refuses a body declared in another charset (415). Raw uploads check their bytes themselves, line by line. */
export function requireUtf8Charset(request: FastifyRequest): void {
  const charset = charsetOf(request.headers['content-type']);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', msg('http.utf8Only'));
  }
}

/** Whether a route declares the body it takes. */
function declaresBody(route: RouteOptions): boolean {
  const schema = route.schema as { body?: unknown; consumes?: unknown } | undefined;
  return schema?.body !== undefined || schema?.consumes !== undefined;
}

export default fp(
  async (app: FastifyInstance) => {
    // Only JSON by default (Fastify's text/plain parser would hand a string to routes that expect an object).
    app.removeAllContentTypeParsers();
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
      try {
        requireUtf8Charset(request);
        if (!isUtf8(body)) throw new AppError('INVALID_INPUT', msg('http.notUtf8'));
      } catch (err) {
        return done(err as AppError, undefined);
      }
      // An empty body is no body: refused below where a route needs one, accepted where it takes none.
      if (body.length === 0) return done(null, undefined);
      const text = body.toString('utf8');
      parseJson(request, text, (err, value) => {
        // Text that is not Unicode would be stored, then refused where it is canonicalized or sent (a log entry, a
        // call's message): refused here, for every route alike.
        if (!err && mayHoldLoneSurrogate(text) && holdsLoneSurrogate(value)) return done(new AppError('INVALID_INPUT', msg('http.loneSurrogate')), undefined);
        done(err, value);
      });
    });

    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (!methods.some((m) => WRITE_METHODS.has(m))) return;
      if (declaresBody(route)) {
        // A body too large or of another type is refused before the route's own checks: the route says so.
        const response = route.schema?.response as Record<number, unknown> | undefined;
        if (response) declareCodes(response, ['PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE']);
        return;
      }
      // Before parsing, so a body of any type is refused alike; after it, for a chunked body that held something.
      const announced = async (request: FastifyRequest) => {
        const length = request.headers['content-length'];
        if (length !== undefined && length !== '0') throw new AppError('INVALID_INPUT', msg('http.noBody'));
      };
      const parsed = async (request: FastifyRequest) => {
        if (request.body !== undefined && request.body !== null) throw new AppError('INVALID_INPUT', msg('http.noBody'));
      };
      route.preParsing = [...hookList(route.preParsing), announced];
      route.preValidation = [...hookList(route.preValidation), parsed];
    });
  },
  { name: 'body-parsers', fastify: '5.x', dependencies: ['error-handler'] },
);
