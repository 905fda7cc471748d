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

/** Why a role cannot carry this site (or its absence), or null when the combination is allowed. */
export function siteCombinationError(role: Role, site: string | undefined): Message | null {
  const rule = SITE_NAMING[role];
  if (rule === 'must' && site === undefined) return msg('auth.siteRequired', { role: msg(`role.${role}`) });
  if (rule === 'never' && site !== undefined) return msg('auth.siteForbidden', { role: msg(`role.${role}`) });
  return null;
}

export const TokenClaims = z
  .object({
    sub: z.string().min(1).max(128).describe('Who holds the token (a person or a terminal)'),
    role: Role,
    site: SiteId.optional().describe('Site the token is scoped to'),
    iat: z.number().int(),
    exp: z.number().int(),
  })
  .superRefine((c, ctx) => {
    const problem = siteCombinationError(c.role, c.site);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.text('en'), path: ['site'] });
  });
export type TokenClaims = z.infer<typeof TokenClaims>;
