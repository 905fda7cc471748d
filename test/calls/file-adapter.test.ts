// File adapter: one canonical JSON line per message, in a 0600 file.
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jcs } from '../../src/crypto/canonical.js';
import { FileAdapter, readFileMessages } from '../../src/calls/file-adapter.js';
import type { OutboundMessage } from '../../src/calls/message.js';

const posix = process.platform !== 'win32';

function message(n: number, kind: OutboundMessage['kind'] = 'call'): OutboundMessage {
  return {
    messageId: `M-${n}`,
    kind,
    channel: n % 2 === 0 ? 'sms' : 'voice',
    to: `1391234${String(n).padStart(4, '0')}`,
    text: `通知 ${n}`,
    responseUrl: kind === 'call' ? `https://draw.example.cn/r/${n}` : null,
    expiresAt: kind === 'call' ? '2026-12-01T00:15:00.000Z' : null,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'calls-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileAdapter', () => {
  it('creates the folder and appends one canonical line per message, in order', async () => {
    const path = join(dir, 'nested', 'deeper', 'calls.jsonl');
    const adapter = new FileAdapter({ path });
    expect(adapter.name).toBe('file');
    expect(await readFileMessages(path)).toEqual([]);

    const sent = Array.from({ length: 20 }, (_, i) => message(i, i % 5 === 4 ? 'cancel' : 'call'));
    const outcomes = await Promise.all(sent.map((m) => adapter.deliver(m)));
    expect(outcomes.every((o) => o.ok)).toBe(true);

    expect(await readFileMessages(path)).toEqual(sent);
    expect(await readFile(path, 'utf8')).toBe(sent.map((m) => `${jcs(m)}\n`).join(''));
  });

  it.runIf(posix)('writes the file with mode 0600, and tightens a file that already existed', async () => {
    const path = join(dir, 'calls.jsonl');
    await new FileAdapter({ path }).deliver(message(1));
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    const loose = join(dir, 'loose.jsonl');
    await writeFile(loose, '');
    await chmod(loose, 0o644);
    await new FileAdapter({ path: loose }).deliver(message(2));
    expect((await stat(loose)).mode & 0o777).toBe(0o600);
  });

  it('writes only the message fields', async () => {
    const path = join(dir, 'calls.jsonl');
    await new FileAdapter({ path }).deliver({ ...message(3), projectName: 'X 市道路改造工程' } as OutboundMessage);
    expect(await readFileMessages(path)).toEqual([message(3)]);
  });

  it('reports an unwritable path as a retryable failure without the message', async () => {
    const blocker = join(dir, 'file');
    await writeFile(blocker, '');
    const outcome = await new FileAdapter({ path: join(blocker, 'calls.jsonl') }).deliver(message(4));
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(JSON.stringify(outcome)).not.toContain(message(4).to);
  });
});

describe('readFileMessages', () => {
  it('names the bad line by number, not by content', async () => {
    const path = join(dir, 'calls.jsonl');
    await writeFile(path, `${jcs(message(1))}\n{"to":"13900000000"}\n`);
    await expect(readFileMessages(path)).rejects.toThrow('line 2 is not an outbound message');
    await expect(readFileMessages(path)).rejects.not.toThrow(/13900000000/);
  });
});
