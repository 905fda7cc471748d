// Staff accounts: created by an administrator (or `expert-draw users add` for the first one) with a first password the
// user must change; changed, disabled and given a new first password by an administrator. Every change is a log entry
// without names or password material, committed with the user record — and with the end of the user's sessions when
// the change takes away what their tokens say (role, site, state, password).
import { randomUUID } from 'node:crypto';
import type { Entry, ServiceLog } from '../audit/entries.js';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import { siteCombinationError, type Role, type TokenClaims } from '../auth/roles.js';
import { AppError } from '../errors.js';
import { msg } from '../i18n/message.js';
import { sites } from '../records/sites.js';
import { loginFailures, users, usernames, userView, type SessionEndReason, type UserRecord, type UserState, type UserView } from '../records/users.js';
import { RecordConflictError, type Store } from '../store/store.js';
import { endSessions } from './session-changes.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { NO_FAILURES } from '../auth/lockout.js';

/** Login names: lower case letters, digits, `.`, `_`, `-`; 3–64 characters, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/** One form per login name, however it was typed (case, full-width characters, spaces around it). */
export function normalizeUsername(typed: string): string {
  return typed.normalize('NFKC').trim().toLowerCase();
}

/** Where the login lockout counts a typed username's failures (known or not): a keyed hash, never the name. */
export function failureKey(vault: PersonalDataVault, typed: string): string {
  return vault.keyedHash('login-failures/v1', normalizeUsername(typed));
}

export interface NewUser {
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly site: string | null;
  /** The first password: the user must change it at the first login. */
  readonly password: string;
}

export interface UserChange {
  readonly displayName?: string;
  readonly role?: Role;
  readonly site?: string | null;
  readonly state?: UserState;
  /** A new first password (a reset): the user must change it at the next login. */
  readonly password?: string;
}

export class UserService {
  constructor(
    private readonly store: Store,
    private readonly log: ServiceLog,
    private readonly vault: PersonalDataVault,
    private readonly now: () => number,
    /** Told about every user whose sessions a change ended (the session registry). */
    private readonly sessionsChanged: (userId: string) => void,
  ) {}

  /** Creates an account with a first password; `by` is the administrator's subject (or `cli`). */
  async create(input: NewUser, by: string): Promise<UserView> {
    const username = normalizeUsername(input.username);
    if (!USERNAME_PATTERN.test(username)) throw new AppError('INVALID_INPUT', msg('account.usernameFormat'));
    await this.checkRoleSite(input.role, input.site);
    if (await usernames.read(this.store, username)) throw new AppError('CONFLICT', msg('account.usernameTaken'));
    const problem = passwordProblem(input.password, username);
    if (problem) throw new AppError('PASSWORD_POLICY', problem.message, { rule: problem.rule });
    const at = this.iso();
    const record: UserRecord = {
      id: `U-${randomUUID()}`,
      username,
      displayName: input.displayName,
      role: input.role,
      site: input.site,
      state: 'active',
      mustChangePassword: true,
      passwordHash: await hashPassword(input.password),
      revision: 1,
      createdAt: at,
      updatedAt: at,
    };
    try {
      await this.log.append('user.created', { userId: record.id, role: record.role, site: record.site, by }, { writes: [users.write(record), usernames.writeAt(username, record.id)], expects: [usernames.expect(username, null), users.expect(record.id, null)] });
    } catch (err) {
      throw err instanceof RecordConflictError ? new AppError('CONFLICT', msg('account.usernameTaken')) : err;
    }
    return userView(record);
  }

  async get(id: string): Promise<{ record: UserRecord; raw: Buffer }> {
    const found = await users.read(this.store, id);
    if (!found) throw new AppError('NOT_FOUND', msg('account.notFound', { id }));
    return { record: found.value, raw: found.raw };
  }

  /** The account with this login name (as typed), or null. */
  async byUsername(typed: string): Promise<{ record: UserRecord; raw: Buffer } | null> {
    const username = normalizeUsername(typed);
    if (!USERNAME_PATTERN.test(username)) return null;
    const id = (await usernames.read(this.store, username))?.value;
    return id === undefined ? null : this.get(id);
  }

  async all(): Promise<UserView[]> {
    return (await users.list(this.store)).map((r) => userView(r.value)).sort((a, b) => a.username.localeCompare(b.username));
  }

  /**
   * A site was revoked: every open session of its people ends (logged, `site-revoked`), so that renewing the site does
   * not bring a session from before the revocation back; they log in again.
   */
  async endSiteSessions(siteId: string, by: TokenClaims): Promise<void> {
    for (const { value: user } of await users.list(this.store)) {
      if (user.site !== siteId) continue;
      for (let attempt = 0; ; attempt++) {
        const ended = await endSessions(this.store, user.id, () => true, this.now(), 'site-revoked', by.sub);
        if (ended.entries.length === 0) break;
        try {
          await this.log.appendAll(ended.entries, { writes: ended.writes, expects: ended.expects });
        } catch (err) {
          // A login or refresh of theirs at the same moment: read their sessions again.
          if (err instanceof RecordConflictError && attempt < 5) continue;
          throw err;
        }
        this.sessionsChanged(user.id);
        break;
      }
    }
  }

  /** An administrator's change; what it takes away from the user's tokens ends the user's sessions with it. */
  async update(id: string, change: UserChange, by: TokenClaims): Promise<UserView> {
    const { record, raw } = await this.get(id);
    const role = change.role ?? record.role;
    const site = change.site === undefined ? record.site : change.site;
    const fields = (['displayName', 'role', 'site'] as const).filter((f) => change[f] !== undefined && change[f] !== record[f]);
    const access = fields.includes('role') || fields.includes('site');
    const state = change.state !== undefined && change.state !== record.state ? change.state : null;
    if (by.sub === id && (access || state === 'disabled')) throw new AppError('CONFLICT', msg('account.ownAccess'));
    // One's own password changes only with the current one (POST /v1/session/password): an administrator's token alone,
    // stolen for its fifteen minutes, must not set a password that outlives it.
    if (by.sub === id && change.password !== undefined) throw new AppError('CONFLICT', msg('account.ownPassword'));
    if (access) await this.checkRoleSite(role, site);
    if (change.password !== undefined) {
      const problem = passwordProblem(change.password, record.username);
      if (problem) throw new AppError('PASSWORD_POLICY', problem.message, { rule: problem.rule });
    }
    if (fields.length === 0 && state === null && change.password === undefined) return userView(record);

    const next: UserRecord = {
      ...record,
      ...(change.displayName === undefined ? {} : { displayName: change.displayName }),
      role,
      site,
      state: state ?? record.state,
      ...(change.password === undefined ? {} : { passwordHash: await hashPassword(change.password), mustChangePassword: true }),
      revision: record.revision + 1,
      updatedAt: this.iso(),
    };
    const entries: Entry[] = [];
    if (fields.length > 0) entries.push({ type: 'user.updated', payload: { userId: id, changes: fields, role, site, by: by.sub } });
    if (state !== null) entries.push({ type: state === 'disabled' ? 'user.disabled' : 'user.enabled', payload: { userId: id, by: by.sub } });
    if (change.password !== undefined) entries.push({ type: 'user.password-reset', payload: { userId: id, by: by.sub } });
    const reason: SessionEndReason | null = state === 'disabled' ? 'user-disabled' : change.password !== undefined ? 'password-reset' : access ? 'user-changed' : null;
    const ended = reason ? await endSessions(this.store, id, () => true, this.now(), reason, by.sub) : { entries: [], writes: [], expects: [] };
    await this.log.appendAll([...entries, ...ended.entries], { writes: [users.write(next), ...ended.writes], expects: [users.expect(id, raw), ...ended.expects] });
    if (reason) this.sessionsChanged(id);
    // A new first password lifts a lock: the administrator has just told the user what to type.
    if (change.password !== undefined) await loginFailures.putUnlogged(this.store, failureKey(this.vault, record.username), NO_FAILURES);
    return userView(next);
  }

  private async checkRoleSite(role: Role, site: string | null): Promise<void> {
    const problem = siteCombinationError(role, site ?? undefined, 'user');
    if (problem) throw new AppError('INVALID_INPUT', problem);
    if (site !== null && !(await sites.read(this.store, site))) throw new AppError('INVALID_INPUT', msg('site.unregistered', { id: site }));
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}
