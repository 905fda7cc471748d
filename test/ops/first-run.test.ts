// The README's first run, as written: its marked shell blocks run with bash in a fresh folder holding the built
// service, its first-run policy and nothing else (fresh development keys, an empty data folder). The start block
// starts the service; the others run one after the other in one shell, from registration to `proof verify`. Only the
// port differs from a newcomer's run: the service takes a free one, and the shell's EXPERT_DRAW_PORT names it.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtApp, ROOT } from '../helpers/built-app.js';

const MARK = '<!-- first-run: test/ops/first-run.test.ts runs this block -->';

/** The shell blocks of the README that follow the first-run mark, in order. */
function firstRunBlocks(readme: string): string[] {
  const blocks: string[] = [];
  for (const m of readme.matchAll(/<!-- first-run: [^>]*-->\n```sh\n([\s\S]*?)\n```/g)) blocks.push(m[1]!);
  return blocks;
}

/** The environment of a newcomer's shell: none of this project's settings, whatever the test runner had. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EXPERT_DRAW_') && k !== 'REDIS_URL' && k !== 'NODE_ENV'));
  return { ...env, ...extra };
}

let app: string;
beforeAll(async () => {
  app = mkdtempSync(join(tmpdir(), 'expert-draw-first-run-'));
  cpSync(await builtApp(), app, { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
  mkdirSync(join(app, 'docs'));
  cpSync(join(ROOT, 'docs/first-run-policy.json'), join(app, 'docs/first-run-policy.json'));
}, 240_000);
afterAll(() => rmSync(app, { recursive: true, force: true }));

describe('the README first run', () => {
  it('marks the start command and the walk-through', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const blocks = firstRunBlocks(readme);
    expect(readme.split(MARK).length - 1).toBe(blocks.length);
    expect(blocks[0]).toBe('EXPERT_DRAW_POLICY_FILE=docs/first-run-policy.json npm start');
    expect(blocks.slice(1).join('\n')).toContain('proof verify proof.json --verifier-key keys/log-signer.vkey');
  });

  it('reaches calls, check-in, unseal after opening, disclosure and proof verify, as written', async () => {
    const [startBlock, ...walkBlocks] = firstRunBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    const server = spawn('bash', ['-c', startBlock!], { cwd: app, env: cleanEnv({ EXPERT_DRAW_PORT: '0', EXPERT_DRAW_METRICS_PORT: '0', EXPERT_DRAW_LOG_LEVEL: 'warn' }) });
    let serverErr = '';
    server.stderr.on('data', (d) => (serverErr += d));
    const serverClosed = new Promise<number | null>((r) => server.on('close', (code) => r(code)));
    let pid = 0;
    try {
      const port = await new Promise<string>((resolve, reject) => {
        createInterface({ input: server.stdout }).on('line', (line) => {
          const m = /listening on http:\/\/127\.0\.0\.1:(\d+) \(pid (\d+)/.exec(line);
          if (m) {
            pid = Number(m[2]);
            resolve(m[1]!);
          }
        });
        void serverClosed.then(() => reject(new Error(`the service did not start: ${serverErr}`)));
      });
      expect(existsSync(join(app, 'keys/DEVELOPMENT-KEYS.txt'))).toBe(true);

      const walk = spawn('bash', ['-e', '-o', 'pipefail', '-c', walkBlocks.join('\n')], { cwd: app, env: cleanEnv({ EXPERT_DRAW_PORT: port }) });
      let out = '';
      let err = '';
      walk.stdout.on('data', (d) => (out += d));
      walk.stderr.on('data', (d) => (err += d));
      const code = await new Promise<number | null>((r) => walk.on('close', (c) => r(c)));
      const shown = `stdout:\n${out}\nstderr:\n${err}`;
      expect(code, shown).toBe(0);

      // Every step answered as its comment says.
      expect(out, shown).toMatch(/"username":"pm-zhou".*"mustChangePassword":true/);
      expect(out, shown).toContain('{"imported":2000,"errors":[],"errorCount":0,"poolVersion":1}');
      expect(out, shown).toMatch(/"state":"scheduled"/);
      expect(out, shown).toMatch(/"drawId":"D-[^"]+","projectId":"P-2026-0001","kind":"immediate","state":"drawn"/);
      expect(out.match(/\{"answer":"accept","state":"accepted"\}/g), shown).toHaveLength(5);
      const seats = [...out.matchAll(/"expertId":"E\d+","name":"[^"]+","specialty":"A[^"]*","group":0,"seat":(\d)/g)].map((m) => Number(m[1]));
      expect(seats.sort(), shown).toEqual([0, 1, 2, 3, 4]);
      expect(out, shown).toMatch(/\{"unsealed":false,"approvals":\[\{[^\]]*"role":"operator"/);
      expect(out, shown).toMatch(/\{"unsealed":true,"approvals":/);
      expect(out.match(/"state":"checked-in"/g), shown).toHaveLength(5);
      expect(out, shown).toMatch(/"revealIndex":\d+/);
      expect(out, shown).toMatch(/^OK: all \d+ checks passed$/m);
      expect(out, shown).toMatch(/^OK: \d+ entries and \d+ checkpoints? verified/m);
      // The listings and the languages of an error answer.
      expect(out, shown).toContain('"type":"draw.reveal"');
      expect(out, shown).toContain('{"error":{"code":"NOT_FOUND","message":"没有编号为 P-NONE 的项目"}');
      expect(out, shown).toContain('{"error":{"code":"NOT_FOUND","message":"no project P-NONE"}');
    } finally {
      if (pid > 0) process.kill(pid, 'SIGTERM');
      else server.kill('SIGTERM');
    }
    expect(await serverClosed, serverErr).toBe(0);
  }, 420_000);
});
