// Issuing access tokens (EdDSA JWTs under keys/jwt-signing.pem, short-lived), and checking their claims. The service
// verifies signatures with @fastify/jwt (src/plugins/external/jwt.ts), which uses the same fast-jwt underneath.
import { createSigner } from 'fast-jwt';
import type { KeyObject } from 'node:crypto';
import { AppError } from '../errors.js';
import { msg } from '../i18n/message.js';
import { siteCombinationError, TokenClaims, type Role } from './roles.js';

export interface IssueOptions {
  readonly subject: string;
  readonly role: Role;
  readonly site?: string;
  readonly ttlSeconds: number;
  /** A person's login session; absent for machine tokens. */
  readonly sid?: string;
  readonly restricted?: 'password-change';
}

export const TOKEN_ISSUER = 'expert-draw';

export function tokenSigner(privateKey: KeyObject): (options: IssueOptions) => string {
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const sign = createSigner({ key: pem, algorithm: 'EdDSA', iss: TOKEN_ISSUER });
  return (o) => {
    // Refused at issue time as at verification: a role/site combination outside the policy is never signed.
    const problem = siteCombinationError(o.role, o.site);
    if (problem) throw new AppError('INVALID_INPUT', problem);
    const now = Math.floor(Date.now() / 1000);
    return sign({ sub: o.subject, role: o.role, ...(o.site ? { site: o.site } : {}), ...(o.sid ? { sid: o.sid } : {}), ...(o.restricted ? { restricted: o.restricted } : {}), iat: now, exp: now + o.ttlSeconds });
  };
}

/** How far ahead of this service's clock a token's issue time may be (clocks of several instances differ a little). */
export const CLOCK_SKEW_S = 60;

/**
 * Checks claims after the signature, issuer and expiry were verified: ours, not longer-lived than allowed, and not
 * issued in the future — a token dated ahead would live longer than the cap from now on.
 */
export function checkClaims(raw: unknown, maxTtlSeconds: number, nowSeconds = Math.floor(Date.now() / 1000)): TokenClaims {
  const parsed = TokenClaims.safeParse(raw);
  if (!parsed.success) throw new AppError('UNAUTHENTICATED', msg('auth.claimsInvalid'));
  if (parsed.data.exp - parsed.data.iat > maxTtlSeconds) throw new AppError('UNAUTHENTICATED', msg('auth.ttlTooLong'));
  if (parsed.data.iat > nowSeconds + CLOCK_SKEW_S) throw new AppError('UNAUTHENTICATED', msg('auth.issuedInFuture'));
  return parsed.data;
}
