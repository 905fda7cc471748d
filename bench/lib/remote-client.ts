// The single-connection client of the breakdown in a process of its own (forked with IPC): one kept-alive node:http
// connection, one request at a time, each timed in the child from the request written to the answer read. In the
// service's process the client's own parsing and writing ran on the event loop it measures, and counted as the HTTP
// layer's cost (about 0.3 ms of a 1 ms authenticated GET on this machine).
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeepAliveClient, type HttpAnswer } from './http-client.js';

export interface TimedAnswer extends HttpAnswer {
  /** Milliseconds from the request written to the whole answer read, by the child's clock. */
  readonly ms: number;
}

type ToClient = { readonly id: number; readonly method: 'GET' | 'POST'; readonly path: string; readonly headers: Record<string, string> };
type FromClient = { readonly id: number; readonly answer?: TimedAnswer; readonly error?: string };

/** The argument the parent forks this file with, so that importing it elsewhere runs nothing. */
export const REMOTE_CLIENT_FLAG = '--expert-draw-remote-client';

export class RemoteClient {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (a: TimedAnswer) => void; reject: (err: Error) => void }>();
  private next = 0;

  constructor(host: string, port: number) {
    const here = fileURLToPath(import.meta.url);
    const ts = here.endsWith('.ts');
    // The compiled file under `npm run bench`, the TypeScript one through tsx under the test runner.
    this.child = fork(here, [REMOTE_CLIENT_FLAG, host, String(port)], { execArgv: ts ? ['--import', 'tsx'] : [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: FromClient) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.answer) p.resolve(m.answer);
      else p.reject(new Error(`remote client: ${m.error ?? 'no answer'}`));
    });
    this.child.once('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`remote client exited with code ${String(code)}`));
      this.pending.clear();
    });
  }

  request(method: 'GET' | 'POST', path: string, headers: Record<string, string>): Promise<TimedAnswer> {
    const id = this.next++;
    return new Promise<TimedAnswer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, method, path, headers } satisfies ToClient);
    });
  }

  close(): void {
    // Our own child, by its handle: disconnecting ends it (its keep-alive socket is closed on the way out).
    if (this.child.connected) this.child.disconnect();
  }
}

// Run as a forked child: answers each request message in turn until the parent disconnects.
if (process.send && process.argv.includes(REMOTE_CLIENT_FLAG)) {
  const at = process.argv.indexOf(REMOTE_CLIENT_FLAG);
  const client = new KeepAliveClient(process.argv[at + 1]!, Number(process.argv[at + 2]));
  process.on('message', (m: ToClient) => {
    const t0 = process.hrtime.bigint();
    client.request(m.method, m.path, m.headers).then(
      (a) => process.send!({ id: m.id, answer: { ...a, ms: Number(process.hrtime.bigint() - t0) / 1e6 } } satisfies FromClient),
      (err: unknown) => process.send!({ id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies FromClient),
    );
  });
  process.once('disconnect', () => client.close());
}
