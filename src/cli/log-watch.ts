// `expert-draw log watch`: an inspector's watcher. Each pass fetches the log's latest checkpoint, verifies it against
// the pinned key, proves it consistent with the kept checkpoints around it (consistency proofs from the log API), and
// keeps it, with every checkpoint the log signed since the last kept one, each with its fetch time and the proof from
// the one kept before it: so that a bundle proved against any of them verifies against the folder when the log is gone.
// Two checkpoints that are not one history are a fork: reported with both notes, and the watch ends with 1.
import { openCheckpoint, type Checkpoint } from '../log/checkpoint.js';
import { keptNeighbours, relateCheckpoints, type Relation } from '../log/consistency.js';
import type { NoteVerifier } from '../log/note.js';
import { reportTexts } from '../i18n/cli/reports.js';
import type { Lang } from '../i18n/language.js';
import { errorText } from '../i18n/text.js';
import { keep, keepFork, readKept, type KeptCheckpoint, type LogApi } from './inspector.js';

/** Checkpoints asked for per page of GET /v1/log/checkpoints. */
const CHECKPOINT_PAGE = 1000;

export interface WatchOptions {
  readonly api: LogApi;
  readonly dir: string;
  readonly verifier: NoteVerifier;
  readonly origin: string;
  /** The language of the report. */
  readonly lang: Lang;
  /** A line of the watch's report (the command stamps it with the time). */
  readonly print: (line: string) => void;
  /** Text printed as it is: a signed note. */
  readonly printText: (text: string) => void;
  /** The watcher's clock: each kept checkpoint's fetch time (default: the system's). */
  readonly now?: () => Date;
}

/**
 * kept: a new checkpoint, proved and kept. unchanged: the latest is one already kept. fork: two signed checkpoints that
 * are not one history (or the log went back to a smaller tree than one it signed). error: the pass could not decide
 * (the log did not answer, a served checkpoint did not verify against the pinned key).
 */
export type PassOutcome = 'kept' | 'unchanged' | 'fork' | 'error';

export async function watchPass(o: WatchOptions): Promise<PassOutcome> {
  const now = o.now ?? (() => new Date());
  const r = reportTexts.in(o.lang);
  let served: { size: number; note: string };
  let cp: Checkpoint;
  let kept: KeptCheckpoint[];
  let fetchedAt: string;
  try {
    kept = readKept(o.dir, o.verifier, o.origin, now().getTime());
    served = await o.api.latestCheckpoint();
    fetchedAt = now().toISOString();
    cp = openCheckpoint(served.note, o.verifier, o.origin).checkpoint;
  } catch (err) {
    o.print(r('watch.error', { reason: errorText(err, o.lang) }));
    return 'error';
  }
  const root = cp.rootHash.toString('hex');
  const around = keptNeighbours(kept, cp.size);
  if (around.same) {
    const relation = relateCheckpoints(around.same.checkpoint, cp);
    if (relation.kind === 'fork') return fork(o, relation.reason, around.same, cp, served.note);
  }
  // The nearest kept older checkpoint must be extended by this one; a kept newer one must extend it.
  let fromOlder: Buffer[] | undefined;
  for (const other of [around.older, around.newer]) {
    if (!other) continue;
    const [from, to] = other.size < cp.size ? [other.size, cp.size] : [cp.size, other.size];
    let relation: Relation;
    try {
      const proof = await o.api.consistency(from, to);
      if (other === around.older) fromOlder = proof;
      relation = relateCheckpoints(other.checkpoint, cp, proof);
    } catch (err) {
      if (other.size < cp.size) {
        o.print(r('watch.error', { reason: r('watch.noProof', { from, to, reason: errorText(err, o.lang) }) }));
        return 'error';
      }
      // The log cannot prove that a tree it signed before extends the one it shows now.
      relation = { kind: 'fork', older: cp, newer: other.checkpoint, reason: r('watch.cannotProve', { size: cp.size, kept: other.size, reason: errorText(err, o.lang) }) };
    }
    if (relation.kind === 'fork') return fork(o, relation.reason, other, cp, served.note);
  }
  const last = kept.at(-1);
  if (last && last.size > cp.size) {
    // One history, but the log's latest is older than a checkpoint it signed before: it went back.
    return fork(o, r('watch.wentBack', { size: cp.size, kept: last.size }), last, cp, served.note);
  }
  if (around.same) {
    o.print(r('watch.unchanged', { size: cp.size }));
    return 'unchanged';
  }
  // Every checkpoint the log signed between the last kept one and this one, smallest first, each proved consistent with
  // the one kept before it and kept with that proof: a bundle is proved against the checkpoint that was the latest when
  // it was fetched, which a watcher passing every minute rarely saw itself.
  let before = around.older;
  let between = 0;
  if (before) {
    const chained = await keepBetween(o, before, cp.size, fetchedAt);
    if (chained.outcome) return chained.outcome;
    before = chained.last;
    between = chained.kept;
  }
  const proof = before && before === around.older ? fromOlder : undefined;
  let consistency = null;
  if (before) {
    let hashes: Buffer[];
    try {
      hashes = proof ?? (await o.api.consistency(before.size, cp.size));
    } catch (err) {
      o.print(r('watch.error', { reason: r('watch.noProof', { from: before.size, to: cp.size, reason: errorText(err, o.lang) }) }));
      return 'error';
    }
    const relation = relateCheckpoints(before.checkpoint, cp, hashes);
    if (relation.kind === 'fork') return fork(o, relation.reason, before, cp, served.note);
    consistency = { fromSize: before.size, toSize: cp.size, hashes: hashes.map((h) => h.toString('hex')) };
  }
  const file = keep(o.dir, cp.size, served.note, { size: cp.size, fetchedAt, consistency });
  const proved = around.older ? r('watch.consistentWith', { size: around.older.size }) : r('watch.first');
  o.print(r('watch.kept', { size: cp.size, root, proved: between > 0 ? r('watch.between', { proved, count: between }) : proved, file }));
  return 'kept';
}

/**
 * Keeps the checkpoints the log signed of tree sizes strictly between `from` (kept) and `to`, each with its proof from
 * the one kept before it, and `fetchedAt`, when the pass received checkpoint `to`: their trees are prefixes of that one,
 * so their entries existed by then, and fetch times never go back as the tree grows (readKept refuses a folder where
 * they do). Stops at the first that does not verify or whose proof the log does not give (an error of the
 * pass: what was kept so far is one history and stays), or at a fork.
 */
async function keepBetween(o: WatchOptions, from: KeptCheckpoint, to: number, fetchedAt: string): Promise<{ outcome?: PassOutcome; last: KeptCheckpoint; kept: number }> {
  const r = reportTexts.in(o.lang);
  let last = from;
  let kept = 0;
  for (let next: number | null = from.size + 1; next !== null && next < to; ) {
    let page: Awaited<ReturnType<LogApi['checkpoints']>>;
    try {
      page = await o.api.checkpoints(next, CHECKPOINT_PAGE);
    } catch (err) {
      o.print(r('watch.error', { reason: r('watch.pageFailed', { size: next, reason: errorText(err, o.lang) }) }));
      return { outcome: 'error', last, kept };
    }
    for (const item of page.items) {
      if (item.size <= last.size) continue;
      if (item.size >= to) return { last, kept };
      let cp: Checkpoint;
      let hashes: Buffer[];
      try {
        cp = openCheckpoint(item.note, o.verifier, o.origin).checkpoint;
        if (cp.size !== item.size) throw new Error(`the note of tree size ${item.size} says ${cp.size}`);
        hashes = await o.api.consistency(last.size, cp.size);
      } catch (err) {
        o.print(r('watch.error', { reason: r('watch.betweenFailed', { size: item.size, from: from.size, to, reason: errorText(err, o.lang) }) }));
        return { outcome: 'error', last, kept };
      }
      const relation = relateCheckpoints(last.checkpoint, cp, hashes);
      if (relation.kind === 'fork') return { outcome: fork(o, relation.reason, last, cp, item.note), last, kept };
      const record = { size: cp.size, fetchedAt, consistency: { fromSize: last.size, toSize: cp.size, hashes: hashes.map((h) => h.toString('hex')) } };
      const file = keep(o.dir, cp.size, item.note, record);
      last = { size: cp.size, note: item.note, checkpoint: cp, file, record };
      kept++;
    }
    next = page.next;
  }
  return { last, kept };
}

function fork(o: WatchOptions, reason: string, kept: KeptCheckpoint, cp: Checkpoint, note: string): PassOutcome {
  const r = reportTexts.in(o.lang);
  const evidence = keepFork(o.dir, cp, note);
  o.print(r('watch.fork', { reason }));
  o.print(r('watch.keptNote', { size: kept.size, file: kept.file }));
  o.printText(kept.note.trimEnd());
  o.print(r('watch.servedNote', { size: cp.size, file: evidence }));
  o.printText(note.trimEnd());
  o.print(r('watch.bothSigned'));
  return 'fork';
}
