// What the service hands to a delivery adapter, and what it gets back. Phone and text are personal data: they go to
// the gateway and nowhere else (not into errors, reasons or logs).

export interface OutboundMessage {
  /** Stable across retries; the gateway deduplicates on it. E.g. `M-<batch id>.<n>`. */
  readonly messageId: string;
  /**
   * An invitation, its withdrawal, the link to the expert's own record page (docs/records.md), or a notice to the number
   * an expert's contact was changed from (docs/security.md T6).
   */
  readonly kind: 'call' | 'cancel' | 'record' | 'contact';
  readonly channel: 'sms' | 'voice';
  /** Phone number. Personal data. */
  readonly to: string;
  /** Time and place only (see text.ts). */
  readonly text: string;
  /** Link the expert opens to accept or decline (a record message: to see their record); null for a cancel. */
  readonly responseUrl: string | null;
  /** ISO date-time after which the response link no longer works; null for a cancel. */
  readonly expiresAt: string | null;
}

/** `reason` is a short stable token (`http 503`, `timeout`, `network ECONNREFUSED`), never the phone or the text. */
export type DeliveryOutcome = { ok: true; providerId?: string } | { ok: false; retryable: boolean; reason: string };

export interface CallAdapter {
  readonly name: string;
  /** Never rejects: every failure is an outcome, so a caller cannot leak a message through an error. */
  deliver(msg: OutboundMessage): Promise<DeliveryOutcome>;
}

/** Safe in an HTTP header and in logs; long enough for `M-` plus a UUID or a ULID. */
export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
