// Runs of a reveal entry's exclusion and selection lines that the last entry read held too. Those lists differ from
// draw to draw, but little: on the bench's engine bundles 96% of a group's exclusion lines and 97% of the selection
// lines stand in the previous bundle's list, in runs (about 16 per list). Each run of at least MIN_RUN lines equal, as
// text, to a run of the kept list is left out of the text JSON.parse reads, a placeholder element standing for it,
// and the kept lines are put back in its place (cut-text.ts).
//
// The result must equal parsing the whole text. A run is only ever whole string elements, compared byte for byte with
// the kept list's UTF-8 text, whose lines are that very text parsed; the text is read this way only when the text with
// its placeholders is canonical JSON (RFC 8785) of what it parses to, which makes the whole text canonical JSON of the
// lines put back (a kept list's text was canonical in its own entry). Otherwise it is parsed whole.
//
// The entry is read as its UTF-8 bytes, not as a string: an engine-sized entry with a long selection history is over
// 128 KiB, which V8 allocates as a large object on pages mapped afresh, each page's first touch a page fault (some 40
// of them, 0.7 ms on the 2-core test machine). Equal UTF-8 bytes are equal texts: the bytes encode a text without lone
// surrogates (the reader refuses \u escapes, and UTF-8 cannot encode a surrogate).
import { lowerBound } from '../draw/sorted.js';

/** A list of strings as a canonical entry wrote it: its UTF-8 text, each element's bounds in it, and its lines. */
interface RunList {
  readonly bytes: Buffer;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly lines: readonly string[];
}

/** A text with runs left out. */
export interface RunCut {
  /** The text with a placeholder element for each run (the whole text when there is none). */
  readonly text: string;
  /** By the name each run's placeholder holds: the lines of the list it was cut from, all of them (what the list parses to). */
  readonly runs: ReadonlyMap<string, readonly string[]>;
  /** Keeps this text's lists for the next text: call only once it proved canonical. */
  keep(): void;
}

/** The lists whose runs are cut, by how their key and bracket stand in the text. */
const KEYS = ['"exclusions":[', '"selections":['].map((key) => Buffer.from(key, 'latin1'));
/** Each key's lists of the last canonical entry, in text order, their bytes copied into keptBytes. */
const kept = new Map<Buffer, readonly RunList[]>();
/** Where the kept lists' bytes are copied, kept for the next entry's (a fresh buffer per entry costs page faults). */
let keptBytes = Buffer.allocUnsafe(1 << 18);
/** Shorter runs are left in the text: a placeholder costs more than a few lines. */
const MIN_RUN = 8;
let runCount = 0;
/** Texts to read whole before comparing again, after one that shared less than half its lines with the kept lists. */
const PAUSE = 8;
const MAX_PAUSE = 128;
let pause = PAUSE;
let paused = 0;

/** Forgets the kept lists and any pause, as in a fresh process (tests that run after others in one process). */
export function forgetKeptRuns(): void {
  kept.clear();
  pause = PAUSE;
  paused = 0;
}

/**
 * The text whose UTF-8 bytes are `bytes`, with each long run of its exclusion and selection lists that the last kept
 * entry's list at the same place held left out (none, the first time). `placeholder` writes a placeholder element's
 * JSON text; `excluded`: whether a parsed element is one the reader already put there (such a list is left alone). The
 * bytes are read only during the call: the lists kept are copied.
 */
export function cutRuns(bytes: Buffer, placeholder: (name: string) => string, excluded: (line: string) => boolean): RunCut {
  const runs = new Map<string, readonly string[]>();
  const whole = (): RunCut => ({ text: bytes.toString('utf8'), runs, keep: () => {} });
  // Texts that share little with the one before (draws of other specialties, projects or pool versions) are read
  // whole for a while, and the lists of the one after are then read afresh to be kept.
  if (paused > 0) {
    paused--;
    return whole();
  }
  const compared = kept.size > 0;
  let lines = 0;
  let covered = 0;
  const cuts: Array<{ readonly from: number; readonly to: number; readonly name: string }> = [];
  const found = new Map<Buffer, RunList[]>();
  const broken = new Set<Buffer>();
  // Each key's lists found at the brackets (one byte, found far quicker than the key, whose quote is everywhere).
  for (let open = bytes.indexOf(OPEN); open >= 0; open = bytes.indexOf(OPEN, open + 1)) {
    const key = KEYS.find((k) => open + 1 >= k.length && k.compare(bytes, open + 1 - k.length, open + 1) === 0);
    if (key === undefined || broken.has(key)) continue;
    let lists = found.get(key);
    if (!lists) found.set(key, (lists = []));
    // The n-th list under a key is compared with the n-th list kept under it (a group's, or the selections).
    const scanned = scanList(bytes, open, kept.get(key)?.[lists.length], excluded);
    if (!scanned) {
      broken.add(key);
      continue;
    }
    lists.push(scanned.list);
    lines += scanned.list.lines.length;
    covered += scanned.covered;
    for (const run of scanned.runs) {
      const name = `run-${runCount++}`;
      runs.set(name, scanned.list.lines);
      cuts.push({ from: run.from, to: run.to, name });
    }
    open = scanned.close;
  }
  if (compared && covered < lines / 2) {
    // Twice as long each time in a row, up to MAX_PAUSE texts.
    paused = pause;
    pause = Math.min(2 * pause, MAX_PAUSE);
    kept.clear();
    runs.clear();
    return whole();
  }
  if (compared) pause = PAUSE;
  const keep = () => keepLists(found);
  if (cuts.length === 0) return { ...whole(), keep };
  // In text order (one key's lists may stand between another's), each run replaced by its placeholder.
  cuts.sort((a, b) => a.from - b.from);
  const parts: string[] = [];
  let from = 0;
  for (const cut of cuts) {
    parts.push(bytes.toString('utf8', from, cut.from), placeholder(cut.name));
    from = cut.to;
  }
  parts.push(bytes.toString('utf8', from));
  return { text: parts.join(''), runs, keep };
}

/** Keeps the lists found for the next text, their bytes copied into keptBytes (the lists kept before are let go). */
function keepLists(found: ReadonlyMap<Buffer, readonly RunList[]>): void {
  let size = 0;
  for (const lists of found.values()) for (const list of lists) size += list.bytes.length;
  if (keptBytes.length < size) keptBytes = Buffer.allocUnsafe(Math.max(2 * keptBytes.length, size));
  kept.clear();
  let at = 0;
  for (const [key, lists] of found) {
    kept.set(
      key,
      lists.map((list) => {
        const copied = keptBytes.subarray(at, at + list.bytes.copy(keptBytes, at));
        at += copied.length;
        return { ...list, bytes: copied };
      }),
    );
  }
}

/**
 * The list of strings whose `[` is at `open`, read as a kept list would be (its text, bounds and lines), with the runs
 * of at least MIN_RUN elements it shares with `before`; undefined when it is not a list of strings, or holds an
 * element `excluded` refuses.
 */
function scanList(
  t: Buffer,
  open: number,
  before: RunList | undefined,
  excluded: (line: string) => boolean,
): { list: RunList; close: number; runs: Array<{ from: number; to: number }>; covered: number } | undefined {
  const starts: number[] = [];
  const ends: number[] = [];
  const lines: string[] = [];
  const runs: Array<{ from: number; to: number }> = [];
  let p = open + 1;
  let k = 0;
  /** Lines in a row the kept list did not hold, and how many of this list's lines stand in runs. */
  let misses = 0;
  let covered = 0;
  if (t[p] !== CLOSE) {
    for (;;) {
      if (t[p] !== QUOTE) return undefined;
      // A list that shares nothing with the kept one for GIVE_UP lines is read on without searching.
      if (misses >= GIVE_UP) before = undefined;
      let m = before ? runAt(t, p, before, k) : 0;
      let line: string | undefined;
      if (m === 0 && before) {
        // Lines the kept list has and this one dropped: the next few kept lines, then where this line would stand
        // among them (both lists are sorted, which only makes the search quick: every run found is compared).
        for (let j = 1; j <= LOOK_AHEAD && m === 0; j++) if ((m = runAt(t, p, before, k + j)) > 0) k += j;
        if (m === 0) {
          line = element(t, p);
          if (line === undefined) return undefined;
          // Where this line would stand among the kept ones (any answer will do when they are not ascending).
          const at = lowerBound(before.lines, line);
          if (at > k && (m = runAt(t, p, before, at)) > 0) k = at;
        }
      }
      if (m > 0) {
        const b = before!;
        const length = b.ends[k + m - 1]! - b.starts[k]!;
        for (let i = k; i < k + m; i++) {
          starts.push(p - open + b.starts[i]! - b.starts[k]!);
          ends.push(p - open + b.ends[i]! - b.starts[k]!);
          lines.push(b.lines[i]!);
        }
        if (m >= MIN_RUN) {
          runs.push({ from: p, to: p + length });
          covered += m;
        }
        p += length;
        k += m;
        misses = 0;
      } else {
        // A line the kept list lacks: read here.
        line ??= element(t, p);
        if (line === undefined || excluded(line)) return undefined;
        const end = closingQuote(t, p + 1) + 1;
        starts.push(p - open);
        ends.push(end - open);
        lines.push(line);
        p = end;
        misses++;
      }
      const c = t[p];
      if (c === CLOSE) break;
      if (c !== COMMA) return undefined;
      p++;
    }
  }
  readLists.add(lines);
  return { list: { bytes: t.subarray(open, p + 1), starts: Int32Array.from(starts), ends: Int32Array.from(ends), lines }, close: p, runs, covered };
}

/** The lists scanList read: each element a JSON string parsed, or a kept list's line (never changed after). */
const readLists = new WeakSet<readonly unknown[]>();

/** Whether `list` is one read here whole: every element a string, without looking at each again. */
export function isReadList(list: readonly unknown[]): boolean {
  return readLists.has(list);
}

/**
 * How many elements of `list` from its k-th stand at `p` in `t`, byte for byte (0 for none): found by galloping, each
 * step comparing only the elements past those known to stand there. Elements are whole JSON strings, so the text at
 * `p` holds exactly these elements wherever it holds their bytes.
 */
function runAt(t: Buffer, p: number, list: RunList, k: number): number {
  const n = list.lines.length - k;
  if (n <= 0) return 0;
  const base = list.starts[k]!;
  // Given that the text holds elements [k, k + a), does it hold [k + a, k + b) too (with the comma before them)?
  const holds = (a: number, b: number) => {
    const from = a === 0 ? base : list.ends[k + a - 1]!;
    const to = list.ends[k + b - 1]!;
    return p + to - base <= t.length && list.bytes.compare(t, p + from - base, p + to - base, from, to) === 0;
  };
  if (!holds(0, 1)) return 0;
  let lo = 1;
  let step = 1;
  while (lo < n && holds(lo, Math.min(lo + step, n))) {
    lo = Math.min(lo + step, n);
    step *= 2;
  }
  // lo elements stand there; lo + step do not, or there are not that many.
  while (step > 1 && lo < n) {
    step >>= 1;
    const hi = Math.min(lo + step, n);
    if (holds(lo, hi)) lo = hi;
  }
  return lo;
}

/** The string whose opening quote is at `p`, parsed; undefined when it is not a JSON string. */
function element(t: Buffer, p: number): string | undefined {
  const close = closingQuote(t, p + 1);
  if (close < 0) return undefined;
  try {
    return JSON.parse(t.toString('utf8', p, close + 1)) as string;
  } catch {
    return undefined;
  }
}

/**
 * The first quote at or after `from` in JSON bytes that no backslash escapes (an even run of backslashes before it),
 * or -1: where the string whose content begins at `from` ends.
 */
export function closingQuote(bytes: Buffer, from: number): number {
  for (let at = bytes.indexOf(QUOTE, from); at >= 0; at = bytes.indexOf(QUOTE, at + 1)) {
    let run = 0;
    while (at - run - 1 >= from && bytes[at - run - 1] === BACKSLASH) run++;
    if (run % 2 === 0) return at;
  }
  return -1;
}

const LOOK_AHEAD = 4;
const GIVE_UP = 8;
const OPEN = 0x5b;
const QUOTE = 0x22;
const COMMA = 0x2c;
const CLOSE = 0x5d;
const BACKSLASH = 0x5c;
