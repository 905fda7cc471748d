// Route-folder hook: a valid bearer token whose role is one of the folder's roles, or 401/403.
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from '../errors.js';
import type { Role, TokenClaims } from './roles.js';
import { checkClaims } from './tokens.js';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    user: TokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified token holder; set by requireRole on every protected route. */
    principal: TokenClaims;
  }
}

/** Verifies the bearer token and the role; declare it next to the routes it guards. */
export function requireRole(...roles: Role[]): onRequestAsyncHookHandler {
  const allowed = new Set(roles);
  return async function requireRoleHook(this: unknown, request: FastifyRequest) {
    if (!request.headers.authorization) throw new AppError('UNAUTHENTICATED', 'an Authorization: Bearer token is required');
    let raw: unknown;
    try {
      raw = await request.jwtVerify();
    } catch {
      throw new AppError('UNAUTHENTICATED', 'the access token is invalid or has expired');
    }
    const claims = checkClaims(raw, request.server.ctx.config.EXPERT_DRAW_TOKEN_MAX_TTL_S);
    if (!allowed.has(claims.role)) throw new AppError('FORBIDDEN', `this needs one of the roles: ${[...allowed].join(', ')}`);
    request.principal = claims;
  };
}
