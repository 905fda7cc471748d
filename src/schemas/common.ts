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
 * The codes an answer of this status can carry: every failure is mapped to its status in one place (ERROR_STATUS,
 * applied by the error handler), so a 404 is always NOT_FOUND and a 409 one of the conflicts.
 */
export function codesOfStatus(status: number): [ErrorCode, ...ErrorCode[]] {
  const codes = (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((c) => ERROR_STATUS[c] === status);
  if (codes.length === 0) throw new Error(`no error code answers with status ${status}`);
  return codes as [ErrorCode, ...ErrorCode[]];
}

/** The error shape of one status: its codes only. */
export function statusErrorBody(status: number) {
  return errorBody(codesOfStatus(status));
}

/** One error shape per status, each listing the codes of that status only. */
function responses(statuses: number[]): Record<number, ReturnType<typeof errorBody>> {
  return Object.fromEntries([...new Set(statuses)].map((s) => [s, statusErrorBody(s)]));
}

/** Error responses for a route's schema: pass the codes the route can answer with. */
export function errorResponses(...statuses: number[]): Record<number, ReturnType<typeof errorBody>> {
  return responses([400, 401, 403, 429, 500, 503, ...statuses]);
}

/** Error responses of a route that any valid token may call and that takes no input: no 400, no 403 unless passed. */
export function authOnlyErrorResponses(...statuses: number[]): Record<number, ReturnType<typeof errorBody>> {
  return responses([401, 429, 500, ...statuses]);
}

/** Error responses of a route without a bearer token (its credential is in the path): no 401, no 403. */
export function publicErrorResponses(...statuses: number[]): Record<number, ReturnType<typeof errorBody>> {
  return responses([400, 429, 500, 503, ...statuses]);
}
