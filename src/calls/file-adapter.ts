// Development adapter: one JSON line per message in a local file instead of a gateway. The file holds phone numbers,
// so it is created 0600 in a 0700 folder and tightened to 0600 if it already existed.
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tightenFile } from '../private-files.js';
import { jcs } from '../crypto/canonical.js';
import type { CallAdapter, DeliveryOutcome, OutboundMessage } from './message.js';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

function isOutboundMessage(v: unknown): v is OutboundMessage {
  if (v === null || typeof v !== 'object') return false;
  const m = v as Record<string, unknown>;
  return (
    typeof m.messageId === 'string' &&
    (m.kind === 'call' || m.kind === 'cancel' || m.kind === 'record' || m.kind === 'contact') &&
    (m.channel === 'sms' || m.channel === 'voice') &&
    typeof m.to === 'string' &&
    typeof m.text === 'string' &&
    (m.responseUrl === null || typeof m.responseUrl === 'string') &&
    (m.expiresAt === null || typeof m.expiresAt === 'string')
  );
}

export class FileAdapter implements CallAdapter {
  readonly name = 'file';
  private readonly path: string;
  /** Lines waiting for the next write, with whoever waits for them. */
  private waiting: Array<{ line: string; done: (err: unknown) => void }> = [];
  /** The write in progress: lines arriving meanwhile wait for the next one, so lines never interleave. */
  private writing: Promise<void> | null = null;

  constructor({ path }: { path: string }) {
    this.path = path;
    // A file left readable by others (by an earlier version) is tightened at start; a new folder is made 0700.
    tightenFile(path);
  }

  /** Resolves only after the line is written and flushed (fdatasync). Fails, retryably, only if the file cannot be written. */
  deliver(msg: OutboundMessage): Promise<DeliveryOutcome> {
    const { messageId, kind, channel, to, text, responseUrl, expiresAt } = msg;
    const line = `${jcs({ messageId, kind, channel, to, text, responseUrl, expiresAt })}\n`;
    return new Promise<unknown>((done) => {
      this.waiting.push({ line, done });
      this.writing ??= this.drain();
    }).then((err): DeliveryOutcome => {
      if (err === null) return { ok: true };
      const code = (err as { code?: unknown } | null)?.code;
      return { ok: false, retryable: true, reason: typeof code === 'string' ? `file ${code}` : 'file error' };
    });
  }

  /** Writes every waiting line in one append and one flush, until none waits (a batch of calls costs one fdatasync). */
  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      const err = await this.append(batch.map((w) => w.line).join('')).then(
        () => null,
        (e: unknown) => e ?? new Error('file error'),
      );
      for (const w of batch) w.done(err);
    }
    this.writing = null;
  }

  private async append(lines: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: DIR_MODE });
    const fh = await open(this.path, 'a', FILE_MODE);
    try {
      await fh.chmod(FILE_MODE);
      await fh.appendFile(lines, 'utf8');
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }
}

/** Every message in a file written by FileAdapter, in order; [] if there is no file yet. */
export async function readFileMessages(path: string): Promise<OutboundMessage[]> {
  let data: string;
  try {
    data = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return [];
    throw err;
  }
  const out: OutboundMessage[] = [];
  data.split('\n').forEach((line, i) => {
    if (line === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    // The line number only: the line itself holds a phone number.
    if (!isOutboundMessage(parsed)) throw new SyntaxError(`line ${i + 1} is not an outbound message`);
    out.push(parsed);
  });
  return out;
}
