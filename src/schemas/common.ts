// Schemas shared by every route: the error shape, and small reusable pieces.
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../errors.js';

/** The error shape whose code is one of `codes`. */
function errorBody(codes: readonly [ErrorCode, ...ErrorCode[]]) {
  return z
    .object({
      error: z
        .object({
          code: z.enum(codes).describe('Stable error code'),
          message: z.string().describe('What went wrong, for a person, in the language Accept-Language prefers (zh-CN unless English; see Content-Language); never personal data'),
          details: z.unknown().optional().describe('Machine-readable details, e.g. the invalid fields'),
        })
        .describe('The error'),
      requestId: z.string().describe('Id of the request, as in the service log'),
    })
    .describe('Every 4xx and 5xx answer has this shape');
}

/** The error shape with any code (what a client that knows no route reads). */
export const ErrorBody = errorBody(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);

/**
 * The codes a status named without codes stands for: what any route can answer with it (a 403 is a refusal by the
 * policy, or a first password not yet changed; a 503 a store out of reach). A status whose codes depend on the route
 * (409, 422) is declared by naming its codes.
 */
const GENERIC_CODES: Readonly<Record<number, readonly ErrorCode[]>> = {
  400: ['INVALID_INPUT'],
  401: ['UNAUTHENTICATED'],
  403: ['FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED'],
  404: ['NOT_FOUND'],
  410: ['GONE'],
  413: ['PAYLOAD_TOO_LARGE'],
  415: ['UNSUPPORTED_MEDIA_TYPE'],
  429: ['RATE_LIMITED'],
  500: ['INTERNAL'],
  503: ['STORE_UNAVAILABLE'],
};

/** What a route that appends to the audit log can answer when the log cannot take the entry (declared by each such route). */
export const LOG_WRITE_ERRORS = ['LOG_UNAVAILABLE', 'LOG_MISMATCH'] as const satisfies readonly ErrorCode[];

/** A route's possible error: a status (its generic codes) or one code (under its own status). */
export type Declared = number | ErrorCode;

/** One error shape per status, each listing the codes the route declares for it. */
function responses(declared: readonly Declared[]): Record<number, ReturnType<typeof errorBody>> {
  const byStatus = new Map<number, Set<ErrorCode>>();
  const add = (status: number, codes: readonly ErrorCode[]) => {
    const set = byStatus.get(status) ?? new Set<ErrorCode>();
    for (const c of codes) set.add(c);
    byStatus.set(status, set);
  };
  for (const d of declared) {
    if (typeof d === 'string') add(ERROR_STATUS[d], [d]);
    else if (GENERIC_CODES[d]) add(d, GENERIC_CODES[d]);
    else throw new Error(`status ${d} has no generic code: name the codes the route answers with`);
  }
  return Object.fromEntries([...byStatus].sort(([a], [b]) => a - b).map(([s, codes]) => [s, errorBody([...codes] as [ErrorCode, ...ErrorCode[]])]));
}

/** The codes a response schema of errorResponses() lists (none for any other schema). */
export function declaredCodes(schema: unknown): readonly ErrorCode[] {
  const code = (schema as { shape?: { error?: { shape?: { code?: { options?: unknown } } } } } | undefined)?.shape?.error?.shape?.code;
  return Array.isArray(code?.options) ? (code.options as ErrorCode[]) : [];
}

/** Adds codes to a route's declared responses (a plugin's own errors, such as the Idempotency-Key's 409s). */
export function declareCodes(response: Record<number, unknown>, codes: readonly ErrorCode[]): void {
  for (const code of codes) {
    const status = ERROR_STATUS[code];
    const have = declaredCodes(response[status]);
    if (!have.includes(code)) response[status] = errorBody([code, ...have]);
  }
}

/** Error responses of a route: the statuses and codes it can answer with beyond bad input, refusals and outages. */
export function errorResponses(...declared: Declared[]): Record<number, ReturnType<typeof errorBody>> {
  return responses([400, 401, 403, 429, 500, 503, ...declared]);
}

/** Error responses of a route that any valid token may call and that takes no input: no 400, no 403 unless passed. */
export function authOnlyErrorResponses(...declared: Declared[]): Record<number, ReturnType<typeof errorBody>> {
  return responses([401, 429, 500, ...declared]);
}

/** Error responses of a route without a bearer token (its credential is in the path): no 401, no 403. */
export function publicErrorResponses(...declared: Declared[]): Record<number, ReturnType<typeof errorBody>> {
  return responses([400, 429, 500, 503, ...declared]);
}
