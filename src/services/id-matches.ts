// How much a person may learn of the pool's ID numbers. Names, phones and ID numbers are write-only: nobody reads them
// back. A bulk file is still told which of its rows hold an ID number the pool already has (the row is refused, and
// its sender must know why), and that answer is knowledge of the pool: a file of guessed ID numbers for one birth date
// would find an expert's number in a request. So each such answer is logged (`pool.id-matched`, how many, never which)
// and counted per person: ID_MATCHES a day. A file that would go past it, and once they are spent every file of that
// person, held numbers or not, is refused whole, telling nothing of its rows (`pool.id-matches-refused`, 429), until
// the day has passed. A pool manager meets a handful in a year: people already in the pool, filed again.
import type { ServiceLog } from '../audit/entries.js';
import type { TokenClaims } from '../auth/roles.js';
import { sha256Hex } from '../crypto/canonical.js';
import { AppError } from '../errors.js';
import { msg } from '../i18n/message.js';
import { idNumberMatches } from '../records/pool.js';
import type { Store } from '../store/store.js';

/** ID numbers a person may be told are already held, per ID_MATCH_WINDOW_MS. */
export const ID_MATCHES = 20;
export const ID_MATCH_WINDOW_MS = 24 * 3600_000;

/** Where the answer was given: a bulk file of either kind, applications, or one expert added (POST /v1/experts). */
export type IdMatchSource = 'import' | 'upsert' | 'applications' | 'add';

/** Spends `count` of the caller's allowance before a file's answer names rows whose ID numbers are held. */
export type SpendIdMatches = (count: number) => Promise<void>;

export class IdMatchAllowance {
  constructor(
    private readonly store: Store,
    private readonly log: ServiceLog,
    private readonly now: () => number,
  ) {}

  /** The spender for one request of `by`'s: logs each answer, and refuses (429, logged) one past the allowance. */
  spender(by: TokenClaims, source: IdMatchSource): SpendIdMatches {
    return async (count) => {
      const key = sha256Hex(`${by.role}:${by.site ?? ''}:${by.sub}`);
      const since = this.now() - ID_MATCH_WINDOW_MS;
      const recent = ((await idNumberMatches.read(this.store, key))?.value ?? []).filter((at) => at > since);
      // Spent, every file is refused, held numbers or not: were only files with held numbers refused, the refusal itself
      // would answer whether a one-row file's number is held, as often as asked.
      if (recent.length >= ID_MATCHES || recent.length + count > ID_MATCHES) {
        await this.log.append('pool.id-matches-refused', { by: by.sub, count, source });
        throw new AppError('RATE_LIMITED', msg('pool.idMatchesSpent', { max: ID_MATCHES, hours: ID_MATCH_WINDOW_MS / 3600_000 }));
      }
      if (count === 0) return;
      await idNumberMatches.putUnlogged(this.store, key, [...recent, ...new Array<number>(count).fill(this.now())]);
      await this.log.append('pool.id-matched', { by: by.sub, count, source });
    };
  }
}
