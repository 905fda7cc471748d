// Which login sessions are open, as every request with a session token asks: kept in memory per user, loaded from
// the store on first use, and dropped when the user's sessions record changes — by this instance (at once) or by
// another (through the store's change feed, polled). So a request costs a map lookup; the first one of a user after
// a change costs one record read. A session ended anywhere stops its access tokens within one poll on every instance.
import type { Store } from '../store/store.js';
import { userSessions } from '../records/users.js';

/** How often other instances' changes are looked for. */
export const SESSION_POLL_MS = 250;

export class SessionRegistry {
  /** User id → open session ids with their end (epoch ms). */
  private readonly open = new Map<string, ReadonlyMap<string, number>>();
  /** User id → changes seen; a load that started before a change does not cache what it read. */
  private readonly epochs = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;

  private constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private cursor: string,
  ) {}

  /** Takes the feed's head before anything is loaded: every later change reaches this registry. */
  static async open(store: Store, now: () => number): Promise<SessionRegistry> {
    return new SessionRegistry(store, now, await store.changesHead());
  }

  async isOpen(userId: string, sid: string): Promise<boolean> {
    const sessions = this.open.get(userId) ?? (await this.load(userId));
    const end = sessions.get(sid);
    return end !== undefined && end > this.now();
  }

  /** The user's sessions changed: the next request reads them again. */
  changed(userId: string): void {
    this.epochs.set(userId, (this.epochs.get(userId) ?? 0) + 1);
    this.open.delete(userId);
  }

  private async load(userId: string): Promise<ReadonlyMap<string, number>> {
    const epoch = this.epochs.get(userId) ?? 0;
    const found = await userSessions.read(this.store, userId);
    const sessions = new Map((found?.value.sessions ?? []).map((s) => [s.sid, Date.parse(s.expiresAt)] as const));
    // A change that arrived while the record was read may have made it stale: use it once, keep nothing.
    if ((this.epochs.get(userId) ?? 0) === epoch) this.open.set(userId, sessions);
    return sessions;
  }

  /** Reads the change feed from where it left off and drops the users whose sessions changed. */
  poll(): Promise<void> {
    this.polling ??= (async () => {
      for (;;) {
        const { cursor, changes } = await this.store.readChanges(this.cursor, 1000);
        this.cursor = cursor;
        for (const c of changes) if (c.collection === userSessions.collection) this.changed(c.key);
        if (changes.length < 1000) return;
      }
    })().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  /** Follows other instances' changes until stop(); a store that does not answer is tried again at the next tick. */
  follow(intervalMs = SESSION_POLL_MS): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling?.catch(() => undefined);
  }
}
