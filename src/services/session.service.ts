// Login sessions of staff: a login (username and password, under the lockout) opens a session and returns a
// short-lived access token — the same EdDSA JWT as a machine token, with the session's id — and an opaque refresh
// token that rotates on every use; a used refresh token presented again ends the session (a copy is loose). Logout,
// a password change and an administrator's change end sessions; the registry then refuses their access tokens.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { ServiceLog } from '../audit/entries.js';
import { afterFailure, hasFailures, lockedFor, NO_FAILURES, type FailureState } from '../auth/lockout.js';
import { hashPassword, needsRehash, normalizePassword, passwordProblem, SCRYPT_PARAMS, spendPasswordWork, verifyPassword } from '../auth/passwords.js';
import type { TokenClaims } from '../auth/roles.js';
import type { IssueOptions } from '../auth/tokens.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { AppError } from '../errors.js';
import { msg, type Message } from '../i18n/message.js';
import { loginFailures, users, userSessions, userView, type SessionEntry, type UserRecord, type UserView } from '../records/users.js';
import { RecordConflictError, type Store } from '../store/store.js';
import { endSessions, isExpired, sessionRef, sessionsChange, type SessionsChange } from './session-changes.js';
import type { SessionRegistry } from './session-registry.js';
import { failureKey, type UserService } from './user.service.js';

export interface SessionSettings {
  /** Lifetime of an access token. */
  readonly accessTtlS: number;
  /** A session ends this long after its login, however active. */
  readonly maxS: number;
  /** A refresh token not used for this long ends its session. */
  readonly idleS: number;
}

/** What a login, a refresh or a password change answers. */
export interface IssuedSession {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly refreshToken: string;
  /** Use the refresh token before then. */
  readonly refreshExpiresAt: string;
  readonly sessionExpiresAt: string;
  readonly mustChangePassword: boolean;
  readonly user: UserView;
}

/** Spent refresh secrets remembered per session to recognise reuse (a 12-hour session refreshed every 15 minutes: 48). */
const SPENT_KEPT = 64;
/** One login attempt per username at a time, on all instances: parallel guesses cannot outrun the counter. */
const LOGIN_LEASE_MS = 10_000;
const RETRIES = 5;
/** `<user id>.<session id>.<secret>`: the secret is 32 random bytes, base64url. */
const REFRESH_TOKEN = /^(U-[0-9a-f-]{36})\.(S-[A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const sameHash = (a: string, b: string) => timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
const ended = () => new AppError('UNAUTHENTICATED', msg('session.ended'));

export class SessionService {
  constructor(
    private readonly store: Store,
    private readonly log: ServiceLog,
    private readonly users: UserService,
    private readonly registry: SessionRegistry,
    private readonly vault: PersonalDataVault,
    private readonly sign: (options: IssueOptions) => string,
    private readonly settings: SessionSettings,
    private readonly now: () => number,
    /** Whether a site's people may log in: its site is registered and not revoked. */
    private readonly siteOpen: (siteId: string) => Promise<boolean>,
  ) {}

  /**
   * A login. An unknown username gets the same answer, after the same work, as a wrong password; both count towards
   * the lockout of the username as typed. A locked username checks no password at all.
   */
  async login(username: string, password: string): Promise<IssuedSession> {
    const key = failureKey(this.vault, username);
    return this.underLockout(key, async () => {
      const found = await this.users.byUsername(username);
      const ok = found ? await verifyPassword(password, found.record.passwordHash) : (await spendPasswordWork(password), false);
      if (!found || !ok) return { ok: false, userId: found?.record.id ?? null };
      // Only whoever knows the password learns that the account is disabled.
      if (found.record.state === 'disabled') throw new AppError('ACCOUNT_DISABLED', msg('account.disabled'));
      // A revoked site's people log in again only once it is renewed: a session opened meanwhile would outlive it.
      if (found.record.site !== null && !(await this.siteOpen(found.record.site))) throw new AppError('FORBIDDEN', msg('auth.siteRevoked', { site: found.record.site }));
      return { ok: true, value: await this.open(found.record, found.raw, password) };
    });
  }

  /** A new access token for a refresh token, which is replaced; an old one presented again ends the session. */
  async refresh(refreshToken: string): Promise<IssuedSession> {
    const m = REFRESH_TOKEN.exec(refreshToken);
    if (!m) throw new AppError('UNAUTHENTICATED', msg('session.notRefreshToken'));
    const [, userId, sid, secret] = m as unknown as [string, string, string, string];
    const presented = sha256(secret);
    for (let attempt = 0; ; attempt++) {
      const found = await userSessions.read(this.store, userId);
      const session = found?.value.sessions.find((s) => s.sid === sid);
      if (!session || isExpired(session, this.now())) throw ended();
      const current = sameHash(presented, session.refreshHash);
      if (!current && !session.spent.some((h) => sameHash(h, presented))) throw new AppError('UNAUTHENTICATED', msg('session.refreshInvalid'));
      const { record: user } = await this.users.get(userId);
      const { entry, secret: next } = this.rotated(session, session.restricted);
      const sessions = found!.value.sessions;
      const change = current
        ? sessionsChange(userId, found, sessions.map((s) => (s.sid === sid ? entry : s)), this.now())
        : sessionsChange(userId, found, sessions.filter((s) => s.sid !== sid), this.now(), { reason: 'refresh-reused' });
      if (current) change.entries.push({ type: 'session.refreshed', payload: { userId, session: sessionRef(sid), generation: entry.generation } });
      try {
        await this.commit(userId, change);
      } catch (err) {
        // Another refresh of this session won: this token is spent now, and the next round says so.
        if (err instanceof RecordConflictError && attempt < RETRIES) continue;
        throw err;
      }
      if (!current) throw new AppError('UNAUTHENTICATED', msg('session.refreshReused'));
      return this.issue(user, entry, next);
    }
  }

  /** Logout: the session ends, and its access token with it. */
  async logout(by: TokenClaims): Promise<void> {
    const sid = by.sid;
    if (sid === undefined) throw new AppError('FORBIDDEN', msg('session.machineToken'));
    await this.retrying(async () => this.commit(by.sub, await endSessions(this.store, by.sub, (s) => s.sid === sid, this.now(), 'logout', by.sub)));
  }

  /**
   * The user's own password change, with the current password (counted by the lockout like a login). Every other
   * session of the user ends; this one continues unrestricted with new tokens.
   */
  async changePassword(by: TokenClaims, current: string, next: string): Promise<IssuedSession> {
    const { record } = await this.users.get(by.sub);
    const problem = passwordProblem(next, record.username);
    if (problem) throw new AppError('PASSWORD_POLICY', problem.message, { rule: problem.rule });
    if (normalizePassword(next) === normalizePassword(current)) throw new AppError('PASSWORD_POLICY', msg('account.passwordReused'), { rule: 'reuse' });
    return this.underLockout(failureKey(this.vault, record.username), async () => {
      if (!(await verifyPassword(current, record.passwordHash))) return { ok: false, userId: record.id };
      const passwordHash = await hashPassword(next);
      return { ok: true, value: await this.retrying(() => this.commitPasswordChange(by, passwordHash)) };
    }, msg('account.wrongCurrentPassword'));
  }

  /** Whether the session a token names is open (the per-request check; see SessionRegistry). */
  isOpen(claims: TokenClaims): Promise<boolean> {
    return claims.sid === undefined ? Promise.resolve(true) : this.registry.isOpen(claims.sub, claims.sid);
  }

  private async commitPasswordChange(by: TokenClaims, passwordHash: string): Promise<IssuedSession> {
    const { record, raw } = await this.users.get(by.sub);
    const found = await userSessions.read(this.store, by.sub);
    const session = found?.value.sessions.find((s) => s.sid === by.sid);
    if (!session || isExpired(session, this.now())) throw ended();
    const user: UserRecord = { ...record, passwordHash, mustChangePassword: false, revision: record.revision + 1, updatedAt: new Date(this.now()).toISOString() };
    const { entry, secret } = this.rotated(session, false);
    const change = sessionsChange(by.sub, found, [entry], this.now(), { reason: 'password-changed', by: by.sub });
    await this.log.appendAll([{ type: 'user.password-changed', payload: { userId: by.sub, session: sessionRef(session.sid) } }, ...change.entries], {
      writes: [users.write(user), ...change.writes],
      expects: [users.expect(by.sub, raw), ...change.expects],
    });
    this.registry.changed(by.sub);
    return this.issue(user, entry, secret);
  }

  /**
   * Runs one password check for the username under its lockout: refused while locked; a failure counted (and the
   * lock it may cause logged); a success clears the count. One check per username at a time, on every instance.
   */
  private async underLockout<T>(key: string, check: () => Promise<{ ok: true; value: T } | { ok: false; userId: string | null }>, wrong: Message = msg('account.badCredentials')): Promise<T> {
    const lease = `login:${key}`;
    const owner = randomUUID();
    if (!(await this.store.claimLease(lease, owner, LOGIN_LEASE_MS))) throw new AppError('RATE_LIMITED', msg('account.loginBusy'));
    try {
      const failures: FailureState = (await loginFailures.read(this.store, key))?.value ?? NO_FAILURES;
      const wait = lockedFor(failures, this.now());
      if (wait > 0) throw locked(wait);
      const result = await check();
      if (result.ok) {
        if (hasFailures(failures)) await loginFailures.putUnlogged(this.store, key, NO_FAILURES);
        return result.value;
      }
      const after = afterFailure(failures, this.now());
      await loginFailures.putUnlogged(this.store, key, after.state);
      if (after.lockMs === 0) throw new AppError('BAD_CREDENTIALS', wrong);
      await this.log.append('login.locked', { userId: result.userId, lockedUntil: new Date(after.state.lockedUntil).toISOString(), lock: after.state.locks });
      throw locked(after.lockMs);
    } finally {
      await this.store.releaseLease(lease, owner);
    }
  }

  /** Opens a session after a good password; re-hashes a password stored with older KDF parameters. */
  private async open(user: UserRecord, userRaw: Buffer, password: string): Promise<IssuedSession> {
    const now = this.now();
    const sid = `S-${randomBytes(16).toString('base64url')}`;
    const expiresAt = new Date(now + this.settings.maxS * 1000).toISOString();
    const first: SessionEntry = { sid, refreshHash: '', spent: [], generation: -1, restricted: user.mustChangePassword, createdAt: new Date(now).toISOString(), expiresAt, idleUntil: expiresAt };
    const { entry, secret } = this.rotated(first, user.mustChangePassword);
    const rehash = needsRehash(user.passwordHash) ? await hashPassword(password) : null;
    return this.retrying(async () => {
      const found = await userSessions.read(this.store, user.id);
      const change = sessionsChange(user.id, found, [...(found?.value.sessions ?? []).filter((s) => !isExpired(s, now)), entry], now);
      change.entries.push({ type: 'session.opened', payload: { userId: user.id, session: sessionRef(sid), role: user.role, site: user.site, restricted: entry.restricted, expiresAt } });
      if (rehash) {
        const { logN, r, p } = SCRYPT_PARAMS;
        change.entries.push({ type: 'user.password-rehashed', payload: { userId: user.id, params: `ln=${logN},r=${r},p=${p}` } });
        change.writes.push(users.write({ ...user, passwordHash: rehash, revision: user.revision + 1 }));
        change.expects.push(users.expect(user.id, userRaw));
      }
      await this.commit(user.id, change);
      return this.issue(user, entry, secret);
    });
  }

  /** The session with a fresh refresh secret: the current one joins the spent ones; the idle timeout starts again. */
  private rotated(session: SessionEntry, restricted: boolean): { entry: SessionEntry; secret: string } {
    const secret = randomBytes(32).toString('base64url');
    const idleUntil = Math.min(this.now() + this.settings.idleS * 1000, Date.parse(session.expiresAt));
    const spent = session.refreshHash === '' ? session.spent : [...session.spent, session.refreshHash].slice(-SPENT_KEPT);
    return { secret, entry: { ...session, refreshHash: sha256(secret), spent, generation: session.generation + 1, restricted, idleUntil: new Date(idleUntil).toISOString() } };
  }

  private issue(user: UserRecord, session: SessionEntry, secret: string): IssuedSession {
    // An access token never outlives its session.
    const ttl = Math.max(1, Math.min(this.settings.accessTtlS, Math.floor((Date.parse(session.expiresAt) - this.now()) / 1000)));
    const accessToken = this.sign({ subject: user.id, role: user.role, site: user.site ?? undefined, ttlSeconds: ttl, sid: session.sid, ...(session.restricted ? { restricted: 'password-change' as const } : {}) });
    return {
      accessToken,
      expiresIn: ttl,
      refreshToken: `${user.id}.${session.sid}.${secret}`,
      refreshExpiresAt: session.idleUntil,
      sessionExpiresAt: session.expiresAt,
      mustChangePassword: session.restricted,
      user: userView(user),
    };
  }

  /** Commits a change of the user's sessions and tells the registry at once (other instances: the change feed). */
  private async commit(userId: string, change: SessionsChange): Promise<void> {
    // Nothing ended or opened (a session that had already ended): nothing to log or write.
    if (change.entries.length > 0) await this.log.appendAll(change.entries, { writes: change.writes, expects: change.expects });
    this.registry.changed(userId);
  }

  /** Runs a read-change-commit again when another request changed the same records first. */
  private async retrying<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        if (!(err instanceof RecordConflictError) || attempt >= RETRIES) throw err;
      }
    }
  }
}

function locked(ms: number): AppError {
  const seconds = Math.ceil(ms / 1000);
  return new AppError('ACCOUNT_LOCKED', msg('account.locked', { seconds }), { retryAfterSeconds: seconds });
}
