// A reader that stops early (`expert-draw … | head`) closes the CLI's standard output: the command stops quietly with
// status 141, as a shell reports a process ended by SIGPIPE, rather than with an EPIPE stack trace (proof verify) or an
// error line and status 1 (pool generate).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedCli } from '../helpers/installed-cli.js';
import { generateNoteKeys } from '../../src/log/note.js';

let cli: string;
let dir: string;

beforeAll(async () => {
  cli = await installedCli();
  dir = mkdtempSync(join(tmpdir(), 'expert-draw-closed-output-'));
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI, reads its first line of output, then closes the pipe; resolves with its status and what it wrote to stderr. */
async function readFirstLineThenClose(args: readonly string[]): Promise<{ first: string; status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let text = '';
  for await (const chunk of child.stdout) {
    text += (chunk as Buffer).toString();
    if (text.includes('\n')) break;
  }
  // Leaving the loop destroys the stream: the reading end of the pipe is closed, as `head` closes it.
  const [status] = (await once(child, 'exit')) as [number | null];
  return { first: text.split('\n')[0]!, status, stderr };
}

describe('a closed standard output', () => {
  it('ends pool generate quietly', async () => {
    const r = await readFirstLineThenClose(['pool', 'generate', '--size', '200000', '--seed', 'closed']);
    expect(JSON.parse(r.first)).toHaveProperty('id');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(141);
  }, 60_000);

  it('ends proof verify over many bundles quietly', async () => {
    // Files that are no bundles still get a report each (its name, then why it is not verified): output enough.
    const { verifierKey } = generateNoteKeys('closed-output.example/log');
    const bundles = join(dir, 'bundles');
    mkdirSync(bundles);
    for (let i = 0; i < 2000; i++) writeFileSync(join(bundles, `${String(i).padStart(4, '0')}.json`), '{"not":"a bundle"}');
    const r = await readFirstLineThenClose(['proof', 'verify', bundles, '--verifier-key', verifierKey, '--jobs', '1', '--quiet']);
    expect(r.first).toBe(`== ${join(bundles, '0000.json')}`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(141);
  }, 60_000);
});
