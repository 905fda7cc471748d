// Query pieces and answers shared by the listings (GET /v1/projects, GET /v1/draws): states as a comma-separated list,
// a time range, the owner filter, the page size, and the opaque cursor that carries the last item's (time, id).
import { z } from 'zod';
import { IsoDateTimeWithOffset, SiteId } from '../domain/primitives.js';
import type { Page, SortKey } from '../services/sorted-index.js';

/** Largest page. */
export const MAX_PAGE = 500;

export const Limit = z.coerce.number().int().min(1).max(MAX_PAGE).default(50).describe(`Page size (at most ${MAX_PAGE})`);

/** A listing's cursor: which listing it belongs to, and the last item's key, as base64url JSON. Opaque to clients. */
export function encodeCursor(listing: string, key: SortKey): string {
  return Buffer.from(JSON.stringify([listing, key.at, key.id]), 'utf8').toString('base64url');
}

function decodeCursor(listing: string, cursor: string): SortKey | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 3 || value[0] !== listing) return null;
    const [, at, id] = value as [unknown, unknown, unknown];
    if (typeof at !== 'string' || typeof id !== 'string' || id.length === 0 || id.length > 128) return null;
    return isUtcIso(at) ? { at, id } : null;
  } catch {
    return null;
  }
}

const isUtcIso = (s: string) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s;

/** The `cursor` query parameter of a listing: the previous page's `next`, decoded; refused unless this listing gave it. */
export function CursorParam(listing: string) {
  return z
    .string()
    .max(512)
    .transform((s, ctx) => {
      const key = decodeCursor(listing, s);
      if (key === null) {
        ctx.addIssue({ code: 'custom', message: 'not a cursor this listing gave: pass the previous page’s `next` as it is' });
        return z.NEVER;
      }
      return key;
    })
    .optional()
    .describe('The previous page’s `next`, as it is');
}

/** `state`: one state or several, comma-separated. */
export function StateList<S extends string>(states: readonly [S, ...S[]]) {
  const known = new Set<string>(states);
  return z
    .string()
    .max(200)
    .transform((s, ctx) => {
      const picked = s.split(',');
      const unknown = picked.filter((x) => !known.has(x));
      if (unknown.length > 0) {
        // The states go along as the issue's values, so that the refusal names them in the reader's language.
        ctx.addIssue({ code: 'custom', message: `unknown state(s); the states are ${states.join(', ')}`, params: { values: [...states] } });
        return z.NEVER;
      }
      return new Set(picked as S[]) as ReadonlySet<S>;
    })
    .optional()
    .describe(`One or more of ${states.join(', ')}, comma-separated`);
}

/** `site`: a site id, or `-` for the centre's own; it narrows a listing, never widens it past the token's reach. */
export const SiteFilter = z
  .union([SiteId, z.literal('-')])
  .transform((s) => (s === '-' ? null : s))
  .optional()
  .describe('A site id: that site’s only; `-`: the centre’s own only. A token that names a site lists only its site’s, whatever this says');

/** `from` and `to` as UTC strings that compare as times; `from` must come before `to`. */
export const TimeRange = {
  from: IsoDateTimeWithOffset.transform((s) => new Date(s).toISOString()).optional().describe('From this time on (inclusive), with its offset, e.g. 2026-12-01T00:00:00+08:00'),
  to: IsoDateTimeWithOffset.transform((s) => new Date(s).toISOString()).optional().describe('Before this time (exclusive), with its offset'),
};

export function checkRange(q: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (q.from !== undefined && q.to !== undefined && q.from >= q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: '`to` must come after `from`' });
}

/** A page's `next`: the cursor to pass for the following page, or null at the end. */
export const Next = z.string().nullable().describe('Pass as `cursor` for the next page; null: this was the last');

/** A page as a listing answers it: its items as shown, and `next` as this listing's cursor. */
export function pageAnswer<T, U>(listing: string, page: Page<T>, view: (item: T) => U): { items: U[]; next: string | null } {
  return { items: page.items.map(view), next: page.next && encodeCursor(listing, page.next) };
}
