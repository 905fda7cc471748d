// `expert-draw log watch`: an inspector's watcher. Each pass fetches the log's latest checkpoint, verifies it against
// the pinned key, proves it consistent with the kept checkpoints around it (consistency proofs from the log API), and
// keeps it. Two checkpoints that are not one history are a fork: reported with both notes, and the watch ends with 1.
import { openCheckpoint, type Checkpoint } from '../log/checkpoint.js';
import { keptNeighbours, relateCheckpoints, type Relation } from '../log/consistency.js';
import type { NoteVerifier } from '../log/note.js';
import { reportTexts } from '../i18n/cli/reports.js';
import type { Lang } from '../i18n/language.js';
import { errorText } from '../i18n/text.js';
import { keep, keepFork, readKept, type KeptCheckpoint, type LogApi } from './inspector.js';

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
}

/**
 * kept: a new checkpoint, proved and kept. unchanged: the latest is one already kept. fork: two signed checkpoints that
 * are not one history (or the log went back to a smaller tree than one it signed). error: the pass could not decide
 * (the log did not answer, a served checkpoint did not verify against the pinned key).
 */
export type PassOutcome = 'kept' | 'unchanged' | 'fork' | 'error';

export async function watchPass(o: WatchOptions): Promise<PassOutcome> {
  const r = reportTexts.in(o.lang);
  let served: { size: number; note: string };
  let cp: Checkpoint;
  let kept: KeptCheckpoint[];
  try {
    kept = readKept(o.dir, o.verifier, o.origin);
    served = await o.api.latestCheckpoint();
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
  for (const other of [around.older, around.newer]) {
    if (!other) continue;
    const [from, to] = other.size < cp.size ? [other.size, cp.size] : [cp.size, other.size];
    let relation: Relation;
    try {
      relation = relateCheckpoints(other.checkpoint, cp, await o.api.consistency(from, to));
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
  const file = keep(o.dir, cp.size, served.note);
  const proved = around.older ? r('watch.consistentWith', { size: around.older.size }) : r('watch.first');
  o.print(r('watch.kept', { size: cp.size, root, proved, file }));
  return 'kept';
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
