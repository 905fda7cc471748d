// A must-hold of running it for real: after the build, `node dist/src/server.js` (what `npm start` runs) answers
// /readyz within 5 s on a fresh data folder, development keys generated on the spot. The bound is generous on purpose
// (a start here takes well under a second); the figure is printed.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { builtApp, ROOT } from '../helpers/built-app.js';
import { http } from '../helpers/http.js';

const dir = mkdtempSync(join(tmpdir(), 'expert-draw-start-time-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('node dist/src/server.js', () => {
  it('answers /readyz within 5 s of its start on a fresh data folder with fresh development keys', async () => {
    // The build in a folder of its own with the installed dependencies, as `npm ci` leaves a checkout.
    cpSync(await builtApp(), dir, { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EXPERT_DRAW_') && k !== 'NODE_ENV'));
    const started = performance.now();
    // The command of package.json's start script, without npm in between.
    const server = spawn(process.execPath, ['--max-semi-space-size=32', 'dist/src/server.js'], {
      cwd: dir,
      env: { ...env, EXPERT_DRAW_PORT: '0', EXPERT_DRAW_METRICS_PORT: '0', EXPERT_DRAW_LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    server.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((r) => server.on('close', (code) => r(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: server.stdout }).on('line', (line) => {
          stdout += `${line}\n`;
          const m = /listening on (http:\/\/\S+) /.exec(line);
          if (m) resolve(m[1]!);
        });
        void closed.then(() => reject(new Error(`the server exited: ${stderr}`)));
      });
      let ready = await http(`${url}/readyz`);
      while (ready.status !== 200 && performance.now() - started < 30_000) {
        await new Promise((r) => setTimeout(r, 20));
        ready = await http(`${url}/readyz`);
      }
      const seconds = (performance.now() - started) / 1000;
      console.log(`node dist/src/server.js: /readyz answered 200 ${seconds.toFixed(2)} s after the start (fresh data folder, development keys generated)`);
      expect(ready.status, ready.body).toBe(200);
      expect(stdout).toMatch(/generated development keys/);
      expect(seconds).toBeLessThan(5);
    } finally {
      server.kill('SIGTERM');
    }
    expect(await closed, stderr).toBe(0);
  }, 240_000);
});
