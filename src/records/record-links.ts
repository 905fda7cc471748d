// Links to an expert's own record page (`/m/{token}`, docs/records.md "The expert's own page"), store side. A link is
// kept under the SHA-256 of its token — never the token — with the expert it opens and when it stops working; each
// expert's newest link is the only one that works (an older one answers 410), so a link sent again replaces the last.
import { RecordSet, TEXT_CODEC } from './record-set.js';

export interface RecordLinkRecord {
  readonly expertId: string;
  /** The message that carried it (its id names the link in the log). */
  readonly messageId: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  /** Who asked for it (token subject). */
  readonly by: string;
  /** When links were sent to this expert in the day before this one, this one included (absent on older records). */
  readonly sentTimes?: readonly string[];
}

/** SHA-256 (hex) of a link's token → the link. */
export const recordLinks = new RecordSet<RecordLinkRecord>('record-links', null);
/** Expert id → the SHA-256 of their newest link's token. */
export const currentRecordLink = new RecordSet<string>('record-link-current', null, TEXT_CODEC);
