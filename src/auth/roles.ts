// Roles, which of them may name a remote site, and the token claims the service issues and accepts.
import { z } from 'zod';
import { SiteId } from '../domain/primitives.js';
import { msg, type Message } from '../i18n/message.js';

export const ROLES = ['admin', 'pool-manager', 'operator', 'supervisor', 'checkin', 'site', 'inspector'] as const;
export const Role = z.enum(ROLES).describe('Role of the token holder');
export type Role = z.infer<typeof Role>;

/**
 * Whether a role's token names a site (docs/security.md §Who may do what). The centre's staff never do: a token that
 * names a site reaches only that site, so an operator "of a site" would be a second, weaker centre. A remote site acts
 * through its `site` token and checks experts in at its own desk (`checkin` with its site); nothing else.
 */
export const SITE_NAMING: Readonly<Record<Role, 'never' | 'may' | 'must'>> = {
  admin: 'never',
  'pool-manager': 'never',
  operator: 'never',
  supervisor: 'never',
  inspector: 'never',
  checkin: 'may',
  site: 'must',
};

/** The refusals of a combination, said of what carries it: a token, or a staff account (the same rules). */
const COMBINATION_MESSAGES = {
  token: { must: 'auth.siteRequired', never: 'auth.siteForbidden' },
  user: { must: 'account.siteRequired', never: 'account.siteForbidden' },
} as const;

/** Why a role cannot carry this site (or its absence), or null when the combination is allowed. */
export function siteCombinationError(role: Role, site: string | undefined, holder: keyof typeof COMBINATION_MESSAGES = 'token'): Message | null {
  const rule = SITE_NAMING[role];
  const keys = COMBINATION_MESSAGES[holder];
  if (rule === 'must' && site === undefined) return msg(keys.must, { role: msg(`role.${role}`) });
  if (rule === 'never' && site !== undefined) return msg(keys.never, { role: msg(`role.${role}`) });
  return null;
}

/** Session ids: `S-` and 22 base64url characters (16 random bytes). */
export const SESSION_ID_PATTERN = /^S-[A-Za-z0-9_-]{22}$/;

export const TokenClaims = z
  .object({
    sub: z.string().min(1).max(128).describe('Who holds the token (a person\'s user id, or a terminal)'),
    role: Role,
    site: SiteId.optional().describe('Site the token is scoped to'),
    iat: z.number().int(),
    exp: z.number().int(),
    /** A person's login session (POST /v1/session); absent on machine tokens from `expert-draw token issue`. */
    sid: z.string().regex(SESSION_ID_PATTERN).optional().describe('Login session of a person'),
    /** The session's first (or reset) password must be changed before anything else. */
    restricted: z.literal('password-change').optional().describe('Only the session routes answer until the password is changed'),
  })
  .superRefine((c, ctx) => {
    const problem = siteCombinationError(c.role, c.site);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.text('en'), path: ['site'] });
    if (c.restricted !== undefined && c.sid === undefined) ctx.addIssue({ code: 'custom', message: msg('session.restrictedWithoutSession').text('en'), path: ['restricted'] });
  });
export type TokenClaims = z.infer<typeof TokenClaims>;
