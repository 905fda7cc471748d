// Schemas shared by every route: the error shape, and small reusable pieces.
import { z } from 'zod';
import { ERROR_STATUS } from '../errors.js';

export const ErrorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...Array<keyof typeof ERROR_STATUS>]).describe('Stable error code');

export const ErrorBody = z
  .object({
    error: z
      .object({
        code: ErrorCodeSchema,
        message: z.string().describe('What went wrong, for a person, in the language Accept-Language prefers (zh-CN unless English; see Content-Language); never personal data'),
        details: z.unknown().optional().describe('Machine-readable details, e.g. the invalid fields'),
      })
      .describe('The error'),
    requestId: z.string().describe('Id of the request, as in the service log'),
  })
  .describe('Every 4xx and 5xx answer has this shape');

function responses(statuses: number[]): Record<number, typeof ErrorBody> {
  return Object.fromEntries([...new Set(statuses)].map((s) => [s, ErrorBody]));
}

/** Error responses for a route's schema: pass the codes the route can answer with. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorBody> {
  return responses([400, 401, 403, 429, 500, 503, ...statuses]);
}

/** Error responses of a route that any valid token may call and that takes no input: no 400, no 403 unless passed. */
export function authOnlyErrorResponses(...statuses: number[]): Record<number, typeof ErrorBody> {
  return responses([401, 429, 500, ...statuses]);
}

/** Error responses of a route without a bearer token (its credential is in the path): no 401, no 403. */
export function publicErrorResponses(...statuses: number[]): Record<number, typeof ErrorBody> {
  return responses([400, 429, 500, 503, ...statuses]);
}
