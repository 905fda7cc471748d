// Many proof bundle files verified in one process (`expert-draw proof verify DIR --jobs N`): up to N at once, this
// thread from the first file and N - 1 worker threads once enough files are left to be worth their start. Every path
// runs verifyProofFile; verdicts come back in file order whatever order the threads finish in. Each thread keeps its
// own member tables, so files are handed out in runs of neighbours: bundles saved side by side tend to share a pool
// version, whose tables a thread then reads once.
import { Worker } from 'node:worker_threads';
import { verifyProofFile, type FileVerdict, type FileVerifyOptions } from './proof-files.js';

/**
 * A worker's messages: it is ready, a file's verdict as JSON text, or the end of the run it was handed. A verdict
 * crosses as text: a report is some forty checks of strings, which the structured clone of postMessage copied in about
 * 75 µs and read back in 60, where JSON text is written in 20 and parsed in 15 (one engine-sized bundle's report).
 */
export type WorkerMessage = { readonly ready: true } | { readonly index: number; readonly verdict: string } | { readonly done: true };
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
/**
 * Work left, at this thread's pace, that is worth starting workers for: about what a worker costs before it verifies at
 * full speed (0.2 s to load, 1 s of compilation), with a margin.
 */
const WORKER_WORTH_MS = 2000;
/** Files this thread verifies before it judges its pace (the first files of a run are the slowest). */
const SAMPLE_FILES = 8;
/** Runs each worker holds at once: the one it verifies and the next. */
const QUEUED_RUNS = 2;

export class ProofFilePool {
  private readonly workers: Promise<Worker>[];
  private closed = false;
  private here = 0;
  private readonly inThisThread: boolean;
  private readonly workerWorthMs: number;

  /**
   * Up to `jobs` files verified at once. With `inThisThread` (the default) this thread is one of them: it verifies from
   * the first file on, and starts `jobs - 1` workers only once the files left would keep it busy for longer than
   * `workerWorthMs` (its pace so far, over at least SAMPLE_FILES files). A worker is not free: loading the verifier
   * takes it about 0.2 s, and compiling it (TurboFan, on V8's own threads) about 1 s of CPU more, before it verifies at
   * full speed; on two cores a second thread made 64 engine-sized bundles take 1.07 s where this thread alone took
   * 0.84 s, and 768 about as long either way. Workers a previous verify started join at once. Without `inThisThread`,
   * `jobs` workers verify and this thread only hands out files: their member tables and caches are then the pool's own
   * (what a fresh command's workers have; the benchmark's one-worker side).
   */
  constructor(
    private readonly options: FileVerifyOptions,
    readonly jobs: number,
    { inThisThread = true, workerWorthMs = WORKER_WORTH_MS }: { readonly inThisThread?: boolean; readonly workerWorthMs?: number } = {},
  ) {
    if (!Number.isSafeInteger(jobs) || jobs < 1) throw new RangeError(`jobs must be a positive whole number, not ${jobs}`);
    this.workers = [];
    this.inThisThread = inThisThread;
    this.workerWorthMs = workerWorthMs;
  }

  /** Files this thread verified itself, over every verify so far. */
  get verifiedHere(): number {
    return this.here;
  }

  /** Workers started so far (they are kept for the next verify). */
  get workersStarted(): number {
    return this.workers.length;
  }

  /** Verifies the files; resolves with their verdicts in file order. Rejects only when a worker itself dies. */
  async verify(files: readonly string[], progress: PoolProgress = {}): Promise<FileVerdict[]> {
    if (this.closed) throw new Error('the proof pool is closed');
    const verdicts: FileVerdict[] = new Array<FileVerdict>(files.length);
    let next = 0;
    let done = 0;
    let handed = 0;
    let failure: Error | null = null;
    let allDone!: () => void;
    let fail!: (err: Error) => void;
    const finished = new Promise<void>((resolve, reject) => {
      allDone = resolve;
      fail = (err) => {
        failure ??= err;
        reject(failure);
      };
    });
    // Awaited once this thread has done its share; a worker may fail before that.
    finished.catch(() => undefined);
    const settle = (index: number, verdict: FileVerdict) => {
      verdicts[index] = verdict;
      // Counted apart from the call: an optional call that is not made does not evaluate its arguments.
      done++;
      progress.onProgress?.(done, files.length);
      for (; next < files.length && verdicts[next] !== undefined; next++) progress.onVerdict?.(verdicts[next]!, next);
      if (done === files.length) allDone();
    };
    if (files.length === 0) return verdicts;
    const threads = this.inThisThread ? this.jobs : Math.min(this.jobs, files.length);
    const workers = this.inThisThread ? Math.min(this.jobs - 1, files.length - 1) : threads;
    /** The next run of neighbours, from the files not yet handed (empty once all are). */
    const take = (): WorkerTask => {
      const task = files.slice(handed, handed + runLength(files.length - handed, threads)).map((file, k) => [handed + k, file] as const);
      handed += task.length;
      return task;
    };
    /** Each worker fed in this verify, until it has answered every run it was handed (its listeners then come off). */
    const feeding: Promise<void>[] = [];
    const feed = (worker: Worker) => {
      if (failure || handed === files.length) return;
      let fed!: () => void;
      feeding.push(new Promise<void>((resolve) => (fed = resolve)));
      // Runs handed and not yet done, oldest first: a second one waits in the worker's queue, so it never idles while
      // this thread is busy (verifying a file, or answering another worker).
      const queued: WorkerTask[] = [];
      const hand = () => {
        const task = failure ? [] : take();
        if (task.length === 0) return;
        queued.push(task);
        worker.postMessage(task);
      };
      const onMessage = (m: WorkerMessage) => {
        if ('verdict' in m) settle(m.index, JSON.parse(m.verdict) as FileVerdict);
        else if ('done' in m) {
          queued.shift();
          hand();
          if (queued.length === 0) detach();
        }
      };
      const onError = (err: Error) => {
        detach();
        const pending = queued.flat().filter(([index]) => verdicts[index] === undefined);
        fail(new Error(`a verification worker stopped${pending.length > 0 ? ` on ${pending[0]![1]}` : ''}: ${err.message}`));
      };
      const onExit = (code: number) => onError(new Error(`it exited with code ${code}`));
      const detach = () => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        fed();
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      for (let k = 0; k < QUEUED_RUNS; k++) hand();
      if (queued.length === 0) detach();
    };
    let started = 0;
    /** Feeds each worker once it is ready, starting those no earlier verify started. */
    const join = () => {
      for (; started < workers; started++) {
        this.worker(started).then(
          (worker) => feed(worker),
          (err: Error) => fail(err),
        );
      }
    };
    // Workers started before (a previous verify) cost nothing more; in workers-only mode they are all there is.
    if (!this.inThisThread || this.workers.length >= workers) join();
    if (this.inThisThread) {
      // This thread's share: a run at a time, a file at a time, letting the workers' messages in between files.
      const t0 = performance.now();
      let mine = 0;
      for (let task = take(); task.length > 0 && !failure; task = take()) {
        for (const [index, file] of task) {
          settle(index, verifyProofFile(file, this.options));
          this.here++;
          mine++;
          // Workers once what is left is worth their start: the files not yet handed, at this thread's pace so far.
          if (started < workers && mine >= SAMPLE_FILES && ((performance.now() - t0) / mine) * (files.length - handed) > this.workerWorthMs) join();
          if (started > 0) await new Promise((resolve) => setImmediate(resolve));
        }
      }
    }
    await finished;
    // A worker's last "done" comes after its last verdict: its listeners must be off before the next verify hands it
    // runs.
    await Promise.all(feeding);
    return verdicts;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    const workers = await Promise.allSettled(this.workers);
    await Promise.all(workers.map((w) => (w.status === 'fulfilled' ? w.value.terminate() : undefined)));
  }

  /** Worker `w`, started on first use (and kept for the next verify), resolved once it is ready. */
  private worker(w: number): Promise<Worker> {
    while (this.workers.length <= w) {
      const started = startWorker(this.options);
      // A worker that fails to start fails the verify that waits for it; one that nobody waits for any more (this
      // thread verified every file first) must not be an unhandled rejection.
      started.catch(() => undefined);
      this.workers.push(started);
    }
    return this.workers[w]!;
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
