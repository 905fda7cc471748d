// Roles and the token claims the service issues and accepts.
import { z } from 'zod';
import { SiteId } from '../domain/primitives.js';

export const ROLES = ['admin', 'pool-manager', 'operator', 'supervisor', 'checkin', 'site', 'inspector'] as const;
export const Role = z.enum(ROLES).describe('Role of the token holder');
export type Role = z.infer<typeof Role>;

/** Roles that belong to one remote evaluation site: their tokens must name it. */
export const SITE_SCOPED: ReadonlySet<Role> = new Set(['site']);

export const TokenClaims = z
  .object({
    sub: z.string().min(1).max(128).describe('Who holds the token (a person or a terminal)'),
    role: Role,
    site: SiteId.optional().describe('Site the token is scoped to'),
    iat: z.number().int(),
    exp: z.number().int(),
  })
  .refine((c) => !SITE_SCOPED.has(c.role) || c.site !== undefined, { message: 'a site token must name its site', path: ['site'] });
export type TokenClaims = z.infer<typeof TokenClaims>;
