// What the service log keeps of a request: method, route, path with its secrets cut out, and the client address. Never
// a header (tokens, cookies) and never a credential in the path — the expert's answer link and record link are.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { holdsPersonalNumber } from '../../domain/primitives.js';

/** Path segments that are credentials: whatever follows these prefixes (after percent-decoding) is never logged. */
const SECRET_PATHS = [/^(\/v1\/responses\/)[^?#]*/i, /^(\/r\/)[^?#]*/i, /^(\/m\/)[^?#]*/i];
const REDACTED = '[redacted]';

/** The request path as it may be logged: secret segments replaced, the query string dropped. */
export function loggablePath(url: string): string {
  const query = url.indexOf('?');
  const raw = query === -1 ? url : url.slice(0, query);
  let path: string;
  try {
    // Most paths have nothing to decode (and a path without '%' decodes to itself).
    path = raw.includes('%') ? decodeURIComponent(raw) : raw;
  } catch {
    // Undecodable: it could still hide a token behind a bad escape, so none of it is kept.
    return REDACTED;
  }
  // Routing ignores repeated slashes and case in nothing else; a doubled slash must not slip past the patterns, nor
  // dot segments (`/./r/…`, `/x/../r/…`, which a client may send as they are).
  const normal = withoutDotSegments(path.replace(/\/{2,}/g, '/'));
  for (const pattern of SECRET_PATHS) if (pattern.test(normal)) return normal.replace(pattern, `$1${REDACTED}`);
  const cut = normal
    .split('/')
    .map((segment) => (personalLike(segment) ? REDACTED : ID_WITH_UUID.test(segment) ? segment : segment.replace(DIGIT_RUN, REDACTED)))
    .join('/')
    .replace(LONG_RUN, (run) => (ID_WITH_UUID.test(run) ? run : REDACTED));
  // A number split another way (159_7399_4367, 159x7399x4367, 1597399/4367): read as the audit log's free text is
  // read, and then every segment with a digit goes, but ids with a UUID and the API's version (v1).
  // Most paths are plain ASCII with a few digits: nothing there can add up to a number (the request line is written
  // for every request, the draw's too).
  if (!NOT_PRINTABLE.test(cut) && (cut.match(/\d/g)?.length ?? 0) < 11) return cut;
  if (!holdsPersonalNumber(cut)) return cut;
  return cut
    .split('/')
    .map((segment) => (/\d/.test(segment) && !ID_WITH_UUID.test(segment) && !/^v\d+$/.test(segment) ? REDACTED : segment))
    .join('/');
}

/** The path with `.` and `..` segments resolved, as a browser would before sending it (RFC 3986 §5.2.4). */
function withoutDotSegments(path: string): string {
  if (!path.includes('.')) return path;
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '.') continue;
    if (segment === '..') {
      if (out.length > 1) out.pop();
      continue;
    }
    out.push(segment);
  }
  return out.join('/');
}

/**
 * A link's credential is 32 base64url characters (src/routes/expert-page.ts). Wherever a long run of that alphabet
 * stands in a path — its own segment, glued to other characters, after a backslash or a double-encoded slash, or most
 * of one — it is cut out: 24 characters of a token would leave too little of it unknown. Ids that hold a UUID (draws,
 * users: `D-…`, `U-…`) are kept; any other id that long (a project id may be) only loses its place in the log line.
 */
const LONG_RUN = /[A-Za-z0-9_-]{24,}/g;
const ID_WITH_UUID = /^(?:[A-Za-z]{1,4}-)?[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$/;

/**
 * Path segments no route's id takes but personal data may be, sent by a client that put it in a URL: 11 or more digits
 * (a phone number, an ID number), also as people write them, with spaces, dashes, dots or brackets between
 * (`138-1234-5678`, `110105 1958 0513 0001`), or any character beyond printable ASCII (a name). The service never
 * logs personal data, whoever sent it.
 */
const NUMBER_AS_WRITTEN = /^\+?[\d\s\-.()]+[Xx]?$/;
/** The same inside a segment (`tel:138…`, `E0000001;138…`, `id-1101…`): cut out, the rest of the segment kept. */
const DIGIT_RUN = /\d(?:[\s\-.()]{0,2}\d){10,}[Xx]?/g;
const NOT_PRINTABLE = /[^\x20-\x7e]/;

function personalLike(segment: string): boolean {
  if (NOT_PRINTABLE.test(segment)) return true;
  return NUMBER_AS_WRITTEN.test(segment) && segment.replace(/\D/g, '').length >= 11;
}

/** pino serializers for the request line below and Fastify's error lines. */
export const requestLogSerializers = {
  req(request: FastifyRequest) {
    return {
      method: request.method,
      url: loggablePath(request.url),
      route: request.routeOptions?.url,
      remoteAddress: request.ip,
    };
  },
};

/**
 * The one line a request leaves in the service log, once it has been answered: the request as above, the status and
 * the time taken. Fastify's own are two lines a request (`incoming request`, then `request completed` without the
 * request), which were a fifth of the CPU of an authenticated GET; its other lines (errors, a route not found, a stream
 * cut short) are kept as they are.
 */
export class OneLineRequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
