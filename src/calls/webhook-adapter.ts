// Delivers calls to an SMS/voice gateway as signed JSON webhooks. The body carries the phone number, so it goes over
// HTTPS only (plain HTTP to loopback for development), redirects are not followed, and no response body is ever
// copied into an outcome.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { networkReason } from '../errors.js';
import { jcs } from '../crypto/canonical.js';
import { MESSAGE_ID_PATTERN, type CallAdapter, type DeliveryOutcome, type OutboundMessage } from './message.js';

export const TIMESTAMP_HEADER = 'X-Expert-Draw-Timestamp';
export const SIGNATURE_HEADER = 'X-Expert-Draw-Signature';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** HMAC-SHA256 (RFC 2104) keys shorter than the hash output weaken it (RFC 2104 §3). */
export const MIN_SECRET_BYTES = 32;
export const DEFAULT_TOLERANCE_S = 300;
const SIGNATURE_PATTERN = /^v1=([0-9a-fA-F]{64})$/;
const TIMESTAMP_PATTERN = /^\d{1,12}$/;
const MAX_RESPONSE_BYTES = 64 * 1024;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface WebhookAdapterOptions {
  url: string;
  /** At least 32 bytes, shared with the gateway. Make one with `openssl rand -hex 32`. */
  secret: Buffer;
  timeoutMs?: number;
  /** Clock for the signed timestamp, in milliseconds. */
  now?: () => number;
}

function checkSecret(secret: Buffer): void {
  if (!Buffer.isBuffer(secret) || secret.length < MIN_SECRET_BYTES) {
    throw new RangeError(`webhook secret must be at least ${MIN_SECRET_BYTES} bytes; make one with \`openssl rand -hex 32\``);
  }
}

function hmac(secret: Buffer, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(body).digest();
}

/** `v1=<hex HMAC-SHA256(secret, timestamp + '.' + body)>`; body as the exact bytes sent. */
export function webhookSignature(secret: Buffer, timestamp: string, body: string | Uint8Array): string {
  return `v1=${hmac(secret, timestamp, body).toString('hex')}`;
}

export interface VerifyWebhookInput {
  secret: Buffer;
  /** The `X-Expert-Draw-Timestamp` header (unix seconds), as received. */
  timestamp: string | undefined;
  /** The raw request body, before any JSON parsing. */
  body: string | Uint8Array;
  /** The `X-Expert-Draw-Signature` header, as received. */
  signature: string | undefined;
  /** Current time in milliseconds. */
  now?: number;
  /** Largest accepted clock difference either way, in seconds. */
  toleranceS?: number;
}

/** True only for a well-formed, fresh signature made with this secret over exactly this timestamp and body. */
export function verifyWebhookSignature(input: VerifyWebhookInput): boolean {
  const { secret, timestamp, body, signature, now = Date.now(), toleranceS = DEFAULT_TOLERANCE_S } = input;
  checkSecret(secret);
  if (typeof timestamp !== 'string' || !TIMESTAMP_PATTERN.test(timestamp)) return false;
  // Freshness bounds replay of a captured request; the gateway's idempotency on messageId covers the window.
  if (!(Math.abs(now / 1000 - Number(timestamp)) <= toleranceS)) return false;
  const match = typeof signature === 'string' ? SIGNATURE_PATTERN.exec(signature) : null;
  if (!match) return false;
  // Both sides are 32 bytes here, which timingSafeEqual requires.
  return timingSafeEqual(hmac(secret, timestamp, body), Buffer.from(match[1]!, 'hex'));
}

/** The fields a gateway gets, picked by name so nothing else a caller attached can leak into the body. */
function wireBody(msg: OutboundMessage): string {
  const { messageId, kind, channel, to, text, responseUrl, expiresAt } = msg;
  return jcs({ messageId, kind, channel, to, text, responseUrl, expiresAt });
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}

/** `{ "id": … }` from a small JSON body, if the gateway sent one and it does not embed the phone number. */
async function readProviderId(res: Response, to: string): Promise<string | undefined> {
  if (!res.body) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += chunk.byteLength;
      if (size > MAX_RESPONSE_BYTES) return undefined;
      chunks.push(chunk);
    }
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const raw = parsed !== null && typeof parsed === 'object' ? (parsed as { id?: unknown }).id : undefined;
    const id = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : raw;
    if (typeof id !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(id)) return undefined;
    // The id ends up in logs and the store; a gateway that keys messages by phone number must not put it there.
    const phoneTail = to.replace(/\D/g, '').slice(-8);
    return phoneTail.length === 8 && id.replace(/\D/g, '').includes(phoneTail) ? undefined : id;
  } catch {
    // Not JSON, cut short or timed out after a 2xx: the gateway accepted the message; there is just no id.
  }
  return undefined;
}

export class WebhookAdapter implements CallAdapter {
  readonly name = 'webhook';
  private readonly url: URL;
  private readonly secret: Buffer;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor({ url, secret, timeoutMs = 5_000, now = Date.now }: WebhookAdapterOptions) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      // Node's own error would echo the URL, which may hold a token.
      throw new TypeError('webhook url is not a valid absolute URL');
    }
    if (!(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname)))) {
      throw new TypeError('webhook url must be https (plain http only to localhost, 127.0.0.1 or [::1])');
    }
    checkSecret(secret);
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) throw new RangeError('timeoutMs must be a positive integer');
    this.url = parsed;
    this.secret = Buffer.from(secret);
    this.timeoutMs = timeoutMs;
    this.now = now;
  }

  async deliver(msg: OutboundMessage): Promise<DeliveryOutcome> {
    if (typeof msg.messageId !== 'string' || !MESSAGE_ID_PATTERN.test(msg.messageId)) {
      return { ok: false, retryable: false, reason: 'invalid messageId' };
    }
    let body: string;
    try {
      body = wireBody(msg);
    } catch {
      return { ok: false, retryable: false, reason: 'message has no JSON form' };
    }
    const timestamp = String(Math.floor(this.now() / 1000));
    const controller = new AbortController();
    // One deadline for connect, request and response: a hung gateway must not hold a delivery slot.
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          [IDEMPOTENCY_HEADER]: msg.messageId,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: webhookSignature(this.secret, timestamp, body),
        },
        body,
        // A redirect would resend the phone number to wherever the gateway points; treat it as a failure instead.
        redirect: 'manual',
        signal: controller.signal,
      });
      if (res.status >= 200 && res.status <= 299) {
        const providerId = await readProviderId(res, msg.to);
        return providerId === undefined ? { ok: true } : { ok: true, providerId };
      }
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, retryable: isRetryableStatus(res.status), reason: `http ${res.status}` };
    } catch (err) {
      if (controller.signal.aborted) return { ok: false, retryable: true, reason: 'timeout' };
      return { ok: false, retryable: true, reason: networkReason(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}
