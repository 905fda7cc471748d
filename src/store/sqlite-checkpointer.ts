// Checkpoints of the SQLite write-ahead log, off the event loop. A checkpoint copies the WAL's pages into the database
// file and fsyncs it: with SQLite's automatic checkpoint alone that work (about a thousand pages) lands on whichever
// commit crosses the threshold, stalling every request behind it. Here a worker thread with its own connection runs a
// PASSIVE checkpoint at a short interval as well: it never blocks a writer, and copies most pages before the writer's
// own checkpoint comes due, which then has little left to copy. It cannot replace that one: under steady writes a
// checkpoint beside them always ends with newer frames in the WAL, which is then never started over (sqlite-store.ts,
// WAL_BACKSTOP_PAGES). Durability does not depend on it: a commit is durable once its WAL frames are fsynced.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints: a pass with nothing to copy costs next to nothing. */
export const CHECKPOINT_INTERVAL_MS = 100;

/** The worker's code (CommonJS, run with eval): one connection, a PASSIVE checkpoint per interval, a report on demand. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
let passes = 0, copied = 0, failures = 0;
const pass = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    passes++;
    if (r && r.checkpointed > 0) copied += r.checkpointed;
  } catch {
    failures++;
  }
};
const timer = setInterval(pass, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'pass') { pass(); parentPort.postMessage({ passes, copied, failures }); }
  if (m === 'stop') { clearInterval(timer); db.close(); parentPort.close(); }
});
`;

export interface CheckpointReport {
  /** Checkpoint passes run so far. */
  readonly passes: number;
  /** WAL frames copied into the database file so far. */
  readonly copied: number;
  /** Passes that failed (a busy database); the next pass tries again. */
  readonly failures: number;
}

export class SqliteCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private running = true;

  /** Should the worker end unstopped (it could not open the database, or crashed), SQLite's own checkpoint remains. */
  constructor(file: string, intervalMs = CHECKPOINT_INTERVAL_MS) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs } });
    // A worker must never keep the process alive, nor crash it: without it, the writer's own checkpoints copy the WAL.
    this.worker.unref();
    this.worker.on('error', () => undefined);
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.running = false;
        resolve();
      }),
    );
  }

  /** Ends the worker as a crash would (tests of the fallback). */
  async kill(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
  }

  /** Runs one pass now and answers the totals (tests, diagnostics). */
  pass(): Promise<CheckpointReport> {
    if (!this.running) return Promise.reject(new Error('the checkpoint worker has stopped'));
    this.worker.ref();
    return new Promise<CheckpointReport>((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('exit', () => reject(new Error('the checkpoint worker has stopped')));
      this.worker.postMessage('pass');
    }).finally(() => this.worker.unref());
  }

  /** Stops the worker after its current pass and waits for it to close its connection. */
  async stop(): Promise<void> {
    // Held until it has stopped: a process that awaits this must not end first.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}
