// The store checks' time limit (src/services/readiness.ts): an answer that arrived while the process was stalled
// counts as in time; no answer at all is refused once the time is up.
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTimeout } from '../../src/services/readiness.js';

/** Busy for `ms` on this thread, as a long pause or a starved machine leaves it. */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('withTimeout', () => {
  const echoed = new Int32Array(new SharedArrayBuffer(4));
  let echo: Worker;
  let client: Socket;
  beforeAll(async () => {
    // An echo over loopback in a thread of its own, so that it answers while this one is stalled: a real answer read
    // from a socket, as a store's ping is.
    // It raises `echoed` once an answer is in the kernel's hands, so the test knows the answer is there, unread.
    echo = new Worker(
      `const net = require('node:net');
       const { parentPort, workerData } = require('node:worker_threads');
       const echoed = new Int32Array(workerData);
       const server = net.createServer((s) => s.on('data', (d) => s.write(d, () => { Atomics.store(echoed, 0, 1); Atomics.notify(echoed, 0); })));
       server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));`,
      { eval: true, workerData: echoed.buffer },
    );
    const [port] = (await once(echo, 'message')) as [number];
    client = connect(port, '127.0.0.1');
    await once(client, 'connect');
  });
  afterAll(async () => {
    client.destroy();
    await echo.terminate();
  });

  const ping = () => {
    const answer = once(client, 'data').then(([data]) => String(data));
    client.write('PONG');
    return answer;
  };

  it('takes an answer that arrived while the event loop was stalled past the time', async () => {
    for (let i = 0; i < 5; i++) {
      Atomics.store(echoed, 0, 0);
      const checked = withTimeout(ping(), 20);
      // This thread blocks until the answer is back, unread, and stays busy past the time: the timer is overdue when
      // the loop turns again.
      expect(Atomics.wait(echoed, 0, 0, 10_000)).not.toBe('timed-out');
      stall(40);
      await expect(checked).resolves.toBe('PONG');
    }
  });

  it('refuses once the time is up when no answer comes', async () => {
    const started = performance.now();
    await expect(withTimeout(new Promise(() => undefined), 30)).rejects.toThrow('no answer within 30 ms');
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });

  it('passes the work’s own refusal on', async () => {
    await expect(withTimeout(Promise.reject(new Error('store down')), 1000)).rejects.toThrow('store down');
  });
});
