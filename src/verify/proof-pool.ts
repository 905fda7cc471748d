// Many proof bundle files verified in one process (`expert-draw proof verify DIR --jobs N`): in this thread with one
// job, else over N worker threads. Every path runs verifyProofFile; verdicts come back in file order whatever order the
// workers finish in. Each worker keeps its own member tables, so files are handed out in runs of neighbours: bundles
// saved side by side tend to share a pool version, whose tables a worker then reads once.
import { Worker } from 'node:worker_threads';
import { verifyProofFile, type FileVerdict, type FileVerifyOptions } from './proof-files.js';

/** A worker's messages: it is ready, a file's verdict, or the end of the run it was handed. */
export type WorkerMessage = { readonly ready: true } | { readonly index: number; readonly verdict: FileVerdict } | { readonly done: true };
/** What a worker is handed: files with their places in the caller's list. */
export type WorkerTask = ReadonlyArray<readonly [number, string]>;

export interface PoolProgress {
  /** Each verdict, in file order. */
  readonly onVerdict?: (verdict: FileVerdict, index: number) => void;
  /** Verdicts so far (in any order), of how many. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Files per hand-out, from the files not yet handed: runs of neighbours while many are left, shorter ones towards the
 * end so that the workers finish together.
 */
function runLength(left: number, jobs: number): number {
  return Math.max(1, Math.min(16, Math.ceil(left / (4 * jobs))));
}
/** Runs each worker holds at once: the one it verifies and the next. */
const QUEUED_RUNS = 2;

export class ProofFilePool {
  private readonly workers: Promise<Worker>[];
  private closed = false;

  /**
   * `jobs` 1 verifies in this thread; more start that many workers (lazily, on the first verify). `inThisThread` false
   * puts one job in a worker too: its member tables and caches are then the pool's own (what a fresh command has).
   */
  constructor(
    private readonly options: FileVerifyOptions,
    readonly jobs: number,
    private readonly inThisThread = jobs === 1,
  ) {
    if (!Number.isSafeInteger(jobs) || jobs < 1) throw new RangeError(`jobs must be a positive whole number, not ${jobs}`);
    this.workers = [];
  }

  /** Verifies the files; resolves with their verdicts in file order. Rejects only when a worker itself dies. */
  async verify(files: readonly string[], progress: PoolProgress = {}): Promise<FileVerdict[]> {
    if (this.closed) throw new Error('the proof pool is closed');
    const verdicts: FileVerdict[] = new Array<FileVerdict>(files.length);
    let next = 0;
    let done = 0;
    const settle = (index: number, verdict: FileVerdict) => {
      verdicts[index] = verdict;
      progress.onProgress?.(++done, files.length);
      for (; next < files.length && verdicts[next] !== undefined; next++) progress.onVerdict?.(verdicts[next]!, next);
    };
    if (this.jobs === 1 && this.inThisThread) {
      for (const [index, file] of files.entries()) settle(index, verifyProofFile(file, this.options));
      return verdicts;
    }
    const workers = await this.started(Math.min(this.jobs, files.length));
    let handed = 0;
    let failed = false;
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            // Runs handed and not yet done, oldest first: a second one waits in the worker's queue, so it never idles
            // while this thread answers its "done".
            const queued: WorkerTask[] = [];
            const hand = () => {
              const task = files.slice(handed, handed + runLength(files.length - handed, workers.length)).map((file, k) => [handed + k, file] as const);
              handed += task.length;
              if (task.length === 0 || failed) return;
              queued.push(task);
              worker.postMessage(task);
            };
            const onMessage = (m: WorkerMessage) => {
              if ('verdict' in m) settle(m.index, m.verdict);
              else if ('done' in m) {
                queued.shift();
                hand();
                if (queued.length === 0) finish();
              }
            };
            const onError = (err: Error) => {
              failed = true;
              finish();
              const pending = queued.flat().filter(([index]) => verdicts[index] === undefined);
              reject(new Error(`a verification worker stopped${pending.length > 0 ? ` on ${pending[0]![1]}` : ''}: ${err.message}`));
            };
            const onExit = (code: number) => onError(new Error(`it exited with code ${code}`));
            const finish = () => {
              worker.off('message', onMessage).off('error', onError).off('exit', onExit);
              resolve();
            };
            worker.on('message', onMessage).on('error', onError).on('exit', onExit);
            for (let k = 0; k < QUEUED_RUNS; k++) hand();
            if (queued.length === 0) finish();
          }),
      ),
    );
    return verdicts;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    const workers = await Promise.allSettled(this.workers);
    await Promise.all(workers.map((w) => (w.status === 'fulfilled' ? w.value.terminate() : undefined)));
  }

  /** The first `n` workers, started and ready. */
  private started(n: number): Promise<Worker[]> {
    while (this.workers.length < n) this.workers.push(startWorker(this.options));
    return Promise.all(this.workers.slice(0, n));
  }
}

/** A worker running proof-worker, resolved once it says it is ready. */
function startWorker(options: FileVerifyOptions): Promise<Worker> {
  const here = import.meta.url;
  let worker: Worker;
  if (here.endsWith('.ts')) {
    // Run from the TypeScript sources (tests, tsx): the worker registers tsx before it loads its own .ts entry.
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./proof-worker.ts', here).href;
    worker = new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`, { eval: true, workerData: { options } });
  } else {
    worker = new Worker(new URL('./proof-worker.js', here), { workerData: { options } });
  }
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`a verification worker did not start: ${err.message}`));
    worker.once('error', onError);
    worker.once('message', (m: WorkerMessage) => {
      worker.off('error', onError);
      if ('ready' in m) resolve(worker);
      else reject(new Error('a verification worker spoke before it was ready'));
    });
  });
}
