// A reveal entry's text with its kept lists cut out (readCut in kept-lists.ts from a file's bytes, cutText from the text
// of a bundle read otherwise): the placeholders, the lists they stand for, and the entry's leaf hash, parse and
// canonical check made from the rest and the lists' own bytes and lines. Runs of exclusion and selection lines the last
// entry held are left out of the parse too (list-runs.ts). Browser-safe: the inspector's verifier chunk runs it.
import { createHash } from 'node:crypto';
import { isCanonicalText, matchesCanonical } from '../crypto/canonical.js';
import { RFC9162_LEAF_PREFIX } from '../log/entry.js';
import type { ListText } from './kept-text.js';
import { cutRuns } from './list-runs.js';
import { keptTables, MARK, MEMBERS_KEY, restore, STAND_IN } from './member-table.js';

/** A list cut from the entry's text: its placeholder's JSON text, the name in it, and the list it stands for. */
export interface CutList {
  readonly placeholder: string;
  readonly name: string;
  readonly list: ListText;
}

/**
 * The reveal entry's text with each kept list cut out, and what each placeholder stands for. The text is read as its
 * UTF-8 bytes, written into a buffer kept for the next entry: an entry with a long selection history is over 128 KiB,
 * and a string that large is a large object to V8, on pages mapped afresh for it (each page's first touch a page
 * fault, some 40 of them, 0.7 ms on the 2-core test machine). `text` is made of the decoded pieces joined as they are
 * (a rope V8 does not copy until a character of it is read): only the rare paths read it.
 */
export class CutText {
  /** The entry's text, the pieces as decoded with the placeholders between them. */
  readonly text: string;
  /** Each placeholder's bytes in the UTF-8 text, and the list it stands for, in order. */
  private readonly cut: Array<{ readonly start: number; readonly end: number; readonly list: ListText }> = [];
  /** Each table's lines array → its placeholder's JSON text (how the canonical check reads the cut text). */
  private readonly placeholders = new Map<readonly unknown[], string>();
  /** The lists the placeholders name, by name. */
  private readonly tables = new Map<string, ListText>();
  /** The UTF-8 text's length, and the write into entryBytes that holds it (entryWrites then). */
  private readonly length: number;
  private readonly written: number;
  /** The UTF-8 text of its own, once entryBytes holds a later entry's. */
  private own: Buffer | undefined;

  /**
   * `parts`: the entry's text in order, decoded pieces and, where a list was cut, its placeholder's JSON text with the
   * list (readCut put every placeholder there, and only there).
   */
  constructor(parts: ReadonlyArray<string | CutList>) {
    let text = '';
    let at = 0;
    entryWrites++;
    for (const part of parts) {
      const piece = typeof part === 'string' ? part : part.placeholder;
      // A UTF-16 unit is at most three UTF-8 bytes.
      if (entryBytes.length < at + 3 * piece.length) {
        const larger = Buffer.allocUnsafe(Math.max(2 * entryBytes.length, at + 3 * piece.length));
        entryBytes.copy(larger, 0, 0, at);
        entryBytes = larger;
      }
      const start = at;
      at += entryBytes.write(piece, at, 'utf8');
      text += piece;
      if (typeof part === 'string') continue;
      this.cut.push({ start, end: at, list: part.list });
      this.placeholders.set(part.list.lines, part.placeholder);
      this.tables.set(part.name, part.list);
    }
    this.text = text;
    this.length = at;
    this.written = entryWrites;
  }

  /** The entry's UTF-8 text, placeholders and all. */
  private get bytes(): Buffer {
    if (this.written === entryWrites) return entryBytes.subarray(0, this.length);
    this.own ??= Buffer.from(this.text, 'utf8');
    return this.own;
  }

  /** The entry's whole text (for the rare path that needs it). */
  full(): string {
    const bytes = this.bytes;
    let from = 0;
    let text = '';
    for (const cut of this.cut) {
      text += bytes.toString('utf8', from, cut.start) + cut.list.json!;
      from = cut.end;
    }
    return text + bytes.toString('utf8', from);
  }

  /** SHA-256(0x00 ‖ the entry's UTF-8 bytes), the tables' parts hashed from their kept bytes. */
  leafHash(): Buffer {
    const bytes = this.bytes;
    const hash = createHash('sha256').update(LEAF_PREFIX);
    let from = 0;
    for (const cut of this.cut) {
      hash.update(bytes.subarray(from, cut.start)).update(cut.list.jsonBytes!);
      from = cut.end;
    }
    return hash.update(bytes.subarray(from)).digest();
  }

  /** JSON.parse of the whole text, each cut list being its table's own lines array. Throws as JSON.parse does. */
  parse(): unknown {
    const lines = (name: string) => this.tables.get(name)!.lines;
    // Runs of exclusion and selection lines that the last entry read held too are left out of what is parsed and put
    // back from its lists (list-runs.ts), once the text without them is canonical JSON of what it parses to: the
    // whole text is then canonical too, each placeholder standing for a canonical text (a table's, or a run of a
    // canonical entry's list). This entry's lists are then kept for the next. Anything else is parsed whole.
    const runCut = cutRuns(this.bytes, (name) => `${PLACEHOLDER_START}${name}"`, (line) => line.startsWith(STAND_IN));
    let raw: unknown = UNREAD;
    try {
      raw = JSON.parse(runCut.text);
    } catch {
      // Parsed whole below, which throws as JSON.parse does.
    }
    if (raw !== UNREAD && matchesCanonical(raw, runCut.text)) {
      runCut.keep();
      this.canonical = restore(raw, lines, runCut.runs);
      return this.canonical;
    }
    return restore(JSON.parse(this.text), lines);
  }
  /** What parse() gave when it proved the text canonical. */
  private canonical: unknown = UNREAD;

  /** Whether the whole text is the RFC 8785 canonical JSON of `value` (what parse() gave). */
  isCanonical(value: unknown): boolean {
    if (value === this.canonical) return true;
    if (matchesCanonical(value, this.text, (array) => this.placeholders.get(array))) return true;
    // What the piecewise comparison cannot decide is decided on the whole text, as for any entry.
    return isCanonicalText(value, this.full(), (array) => this.cut.find((c) => c.list.lines === array)?.list.json);
  }

  /** How many placeholders the text holds. */
  get cuts(): number {
    return this.cut.length;
  }
}

/** Where CutText writes an entry's UTF-8 text, kept for the next (valid until then), and how many times it was. */
let entryBytes = Buffer.allocUnsafe(1 << 18);
let entryWrites = 0;

/** A placeholder's JSON text in the entry's text, up to the list's name. */
export const PLACEHOLDER_START = JSON.stringify(STAND_IN).slice(0, -1);
const LEAF_PREFIX = Uint8Array.of(RFC9162_LEAF_PREFIX);
/** Stands for no value parsed yet. */
const UNREAD = Symbol('unread');

/**
 * A reveal entry's text as CutText reads it, each member list that is, character for character, the canonical text of
 * a kept table (§4: the same pool version and specialty reveal the same lines) cut out: most of an engine-sized entry
 * is such lists, whose bytes are then hashed from the table's and never parsed again. Undefined when no list is a kept
 * table's, or when the rest of the text holds the placeholder's words itself (it is then read whole).
 */
export function cutText(text: string): CutText | undefined {
  const kept = keptTables();
  if (kept.length === 0) return undefined;
  const parts: Array<string | CutList> = [];
  let from = 0;
  // The search resumes after each list cut, so the long lists are compared once and never scanned.
  for (let at = text.indexOf(MEMBERS_KEY); at >= 0; at = text.indexOf(MEMBERS_KEY, Math.max(at + 1, from))) {
    const start = at + MEMBERS_KEY.length;
    const found = kept.find(([, t]) => text.slice(start, start + t.json!.length) === t.json);
    if (!found) continue;
    const [name, table] = found;
    parts.push(text.slice(from, start), { placeholder: `${PLACEHOLDER_START}${name}"`, name, list: table });
    from = start + table.json!.length;
  }
  parts.push(text.slice(from));
  // Only the text between the lists is parsed: it must not hold a placeholder of its own.
  if (parts.length === 1 || parts.some((part) => typeof part === 'string' && part.includes(MARK))) return undefined;
  return new CutText(parts);
}
