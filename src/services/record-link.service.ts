// The expert's own record page (docs/records.md "The expert's own page"): a pool manager has the service send the
// expert a short-lived link, through the outbox and the same adapter as the calls, to the phone the pool holds. The
// link is the credential: its token is made here, put into the sealed message and nowhere else; the store keeps its
// SHA-256 and the log the message id. A new link replaces the expert's earlier one.
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../crypto/canonical.js';
import type { ServiceLog } from '../audit/entries.js';
import type { TokenClaims } from '../auth/roles.js';
import { localTime, recordLinkTemplate } from '../calls/text.js';
import { AppError } from '../errors.js';
import { msg } from '../i18n/message.js';
import { newBatchId } from '../records/outbox.js';
import { currentRecordLink, recordLinks, type RecordLinkRecord } from '../records/record-links.js';
import { RecordConflictError, type Store } from '../store/store.js';
import type { OutboxService } from './outbox.service.js';
import type { PoolService } from './pool.service.js';
import type { RosterSettings } from './roster.service.js';

/** How long a record link works: long enough to read the record and write an objection, short for a credential in an SMS. */
export const RECORD_LINK_HOURS = 48;
/**
 * Links one expert can be sent in a day (any senders together): enough to resend a lost or expired one, few enough that
 * nobody can flood an expert's phone with the centre's messages (or the centre's SMS bill).
 */
export const RECORD_LINKS_PER_DAY = 5;
const DAY_MS = 86_400_000;
/** Random bytes of a link's token: 192 bits, 32 base64url characters (the shape of an answer link's token). */
const TOKEN_BYTES = 24;

/** What a record link opens now: the expert's page, or why not (past its time, or replaced by a newer link). */
export type RecordLinkView = { readonly state: 'open'; readonly link: RecordLinkRecord } | { readonly state: 'expired' | 'superseded'; readonly link: RecordLinkRecord };

export class RecordLinkService {
  constructor(
    private readonly store: Store,
    private readonly log: ServiceLog,
    private readonly pool: PoolService,
    private readonly outbox: OutboxService,
    /** Read at each link, as the roster reads it (the base URL is known only once the server listens). */
    private readonly settings: RosterSettings,
    private readonly now: () => number,
  ) {}

  /**
   * Queues a message with a new link to the expert's record page, to the phone the pool holds for them, in the commit
   * of its log entry. Answers the message id and expiry — never the link: only the expert's phone receives it.
   */
  async send(expertId: string, by: TokenClaims): Promise<{ expertId: string; messageId: string; expiresAt: string }> {
    this.pool.get(expertId);
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const hash = sha256Hex(token);
    const batchId = newBatchId();
    const messageId = `M-${batchId}.0`;
    const createdAt = new Date(this.now()).toISOString();
    const expiresAt = new Date(this.now() + RECORD_LINK_HOURS * 3_600_000).toISOString();
    const responseUrl = `${this.settings.publicUrl.replace(/\/$/, '')}/m/${token}`;
    const earlier = await currentRecordLink.read(this.store, expertId);
    const sentTimes = [...(await this.sentInTheLastDay(earlier?.value ?? null)), createdAt];
    if (sentTimes.length > RECORD_LINKS_PER_DAY) {
      const next = localTime(new Date(Date.parse(sentTimes[sentTimes.length - 1 - RECORD_LINKS_PER_DAY]!) + DAY_MS), this.settings.timeZone);
      throw new AppError('RATE_LIMITED', msg('records.linkLimit', { count: RECORD_LINKS_PER_DAY, at: `${next.date} ${next.time}` }));
    }
    const template = recordLinkTemplate(expiresAt, this.settings.timeZone);
    try {
      await this.log.append(
        'record-link.sent',
        { expertId, messageId, expiresAt, by: by.sub, role: by.role },
        {
          writes: [
            ...this.outbox.queue(batchId, null, 'record', template, [{ messageId, expertId, responseUrl, expiresAt, tokenHash: null }]),
            recordLinks.writeAt(hash, { expertId, messageId, createdAt, expiresAt, by: by.sub, sentTimes }),
            currentRecordLink.writeAt(expertId, hash),
          ],
          // Two links sent at once: one wins, the other is refused (a link the store does not name as newest would never work).
          expects: [currentRecordLink.expect(expertId, earlier?.raw ?? null)],
        },
      );
    } catch (err) {
      if (err instanceof RecordConflictError) throw new AppError('CONFLICT', msg('records.linkChanged'));
      throw err;
    }
    return { expertId, messageId, expiresAt };
  }

  /** When the links before this one were sent, within the last day (the newest link's record carries them all). */
  private async sentInTheLastDay(newestHash: string | null): Promise<string[]> {
    if (newestHash === null) return [];
    const newest = (await recordLinks.read(this.store, newestHash))?.value;
    if (!newest) return [];
    const since = new Date(this.now() - DAY_MS).toISOString();
    return (newest.sentTimes ?? [newest.createdAt]).filter((t) => t > since);
  }

  /** The link a token opens (null: no such link). Looked up by the token's hash: the store holds nothing else of it. */
  async open(token: string): Promise<RecordLinkView | null> {
    const hash = sha256Hex(token);
    const found = await recordLinks.read(this.store, hash);
    if (!found) return null;
    const link = found.value;
    if (link.expiresAt <= new Date(this.now()).toISOString()) return { state: 'expired', link };
    const newest = await currentRecordLink.read(this.store, link.expertId);
    return { state: newest?.value === hash ? 'open' : 'superseded', link };
  }
}
