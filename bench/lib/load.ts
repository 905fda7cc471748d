// The parent side of bench/lib/load-client.ts: forks it (the compiled file under `npm run bench`, the TypeScript one
// through tsx under the test runner), hands it one load to run and returns what it measured.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOAD_CLIENT_FLAG, type FromLoadClient, type LoadOptions, type LoadResult } from './load-client.js';

export type { LoadOptions, LoadResult } from './load-client.js';

/** Runs one autocannon load in a fresh process; rejects if the client fails or exits without an answer. */
export async function forkLoad(options: LoadOptions): Promise<LoadResult> {
  const here = fileURLToPath(import.meta.url);
  const ts = here.endsWith('.ts');
  const script = path.join(path.dirname(here), ts ? 'load-client.ts' : 'load-client.js');
  const child = fork(script, [LOAD_CLIENT_FLAG], { execArgv: ts ? ['--import', 'tsx'] : [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<LoadResult>((resolve, reject) => {
    let settled = false;
    child.on('message', (m: FromLoadClient) => {
      if (m.type === 'ready') child.send({ type: 'run', options });
      else if (m.type === 'done') {
        settled = true;
        resolve(m.result);
        // It exits by itself once disconnected; if a socket lingers, end it (our own child, by its handle).
        setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill(), 2000).unref();
      } else {
        settled = true;
        reject(new Error(`load client: ${m.message}`));
      }
    });
    child.once('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`load client exited with code ${String(code)} before answering`));
      settled = true;
    });
  });
}
