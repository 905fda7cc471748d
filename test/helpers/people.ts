// People for route tests: a staff account made the way an administrator makes one, logged in, and past its forced
// first password change — the session a person at a terminal holds. Each costs four scrypt runs (about a second), so
// tests make the few they need once.
import type { Role, TokenClaims } from '../../src/auth/roles.js';
import type { IssuedSession } from '../../src/services/session.service.js';
import type { Built } from '../helper.js';

export interface Person {
  readonly userId: string;
  readonly username: string;
  /** The password after the first change. */
  readonly password: string;
  readonly tokens: IssuedSession;
  /** `{ authorization: 'Bearer …' }` of the session's access token. */
  readonly auth: { authorization: string };
}

let serial = 0;

/** A first password as an administrator would set it, and the password the user chooses instead. */
export const FIRST_PASSWORD = 'erste-Kennwort-42';
export const OWN_PASSWORD = '我的新密码-correct-horse';

export async function person(t: Built, role: Role, options: { site?: string; username?: string; displayName?: string } = {}): Promise<Person> {
  const username = options.username ?? `${role}-${process.pid}-${++serial}`;
  const user = await t.ctx.users.create({ username, displayName: options.displayName ?? `测试${role}`, role, site: options.site ?? null, password: FIRST_PASSWORD }, 'test-setup');
  const first = await t.ctx.sessions.login(username, FIRST_PASSWORD);
  const claims = claimsOf(first.accessToken);
  const tokens = await t.ctx.sessions.changePassword(claims, FIRST_PASSWORD, OWN_PASSWORD);
  return { userId: user.id, username, password: OWN_PASSWORD, tokens, auth: { authorization: `Bearer ${tokens.accessToken}` } };
}

/** The claims of an access token the service issued (read, not verified: the service signed it). */
export function claimsOf(accessToken: string): TokenClaims {
  return JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8'));
}
