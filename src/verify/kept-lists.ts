// A bundle file read with the reveal entry's long member lists left in their bytes. An engine-sized bundle is about
// 560 KB, nearly all of it the reveal's member lines, escaped twice (JSON in the entry, the entry a JSON string in the
// bundle); every draw at one pool version reveals the same lines for one specialty (§4), so an inspector's many bundles
// repeat a few lists. Where a list's escaped bytes equal a kept table's (member-table.ts), it is cut out before the file
// is parsed and stands in the entry as a short placeholder: the file's text, the entry's text and its leaf hash are
// then made from the small rest and the table's own bytes, never from half a megabyte of new strings.
//
// The result must equal reading the file whole. Every cut is made inside a JSON string, where the table's escaped
// bytes and the placeholder's are both plain string content, so each string reads as it did with its lists swapped
// for placeholders. Whether all of them landed in the reveal entry is counted after the parse; a placeholder cannot be
// forged, because the file is read this way only when what is not cut holds neither the placeholder's words nor any
// \u escape (the only way to write its first character). Anything else is read whole, as before.
import { createHash } from 'node:crypto';
import { isCanonicalText, matchesCanonical } from '../crypto/canonical.js';
import { RFC9162_LEAF_PREFIX } from '../log/entry.js';
import { jsonText } from './json-text.js';
import { keptTables, MARK, MEMBERS_KEY, restore, STAND_IN, type MemberTable } from './member-table.js';

/** The reveal entry's text with each kept list cut out, and what each placeholder stands for. */
export class CutText {
  /** The text between the placeholders, in order (one more than the placeholders). */
  private readonly between: string[] = [];
  /** The tables whose canonical texts the placeholders stand for, in order. */
  private readonly cut: MemberTable[] = [];
  /** Each table's lines array → its placeholder's JSON text (how the canonical check reads the cut text). */
  private readonly placeholders = new Map<readonly unknown[], string>();

  /**
   * `text`: the entry's text with placeholders, every one of them put there by readCut (it counted them), each naming
   * a table of `tables`.
   */
  constructor(
    readonly text: string,
    private readonly tables: ReadonlyMap<string, MemberTable>,
  ) {
    let from = 0;
    for (let at = text.indexOf(PLACEHOLDER_START); at >= 0; at = text.indexOf(PLACEHOLDER_START, from)) {
      const end = text.indexOf('"', at + PLACEHOLDER_START.length);
      const table = tables.get(text.slice(at + PLACEHOLDER_START.length, end));
      if (end < 0 || !table) throw new Error('a placeholder the reader did not write');
      this.between.push(text.slice(from, at));
      this.cut.push(table);
      this.placeholders.set(table.lines, text.slice(at, end + 1));
      from = end + 1;
    }
    this.between.push(text.slice(from));
  }

  /** The entry's whole text (for the rare path that needs it). */
  full(): string {
    return this.between.map((piece, i) => (i < this.cut.length ? piece + this.cut[i]!.json! : piece)).join('');
  }

  /** SHA-256(0x00 ‖ the entry's UTF-8 bytes), the tables' parts hashed from their kept bytes. */
  leafHash(): Buffer {
    const hash = createHash('sha256').update(LEAF_PREFIX);
    this.between.forEach((piece, i) => {
      hash.update(piece, 'utf8');
      if (i < this.cut.length) hash.update(this.cut[i]!.jsonBytes!);
    });
    return hash.digest();
  }

  /** JSON.parse of the whole text, each cut list being its table's own lines array. Throws as JSON.parse does. */
  parse(): unknown {
    return restore(JSON.parse(this.text), (digest) => this.tables.get(digest)!.lines);
  }

  /** Whether the whole text is the RFC 8785 canonical JSON of `value` (what parse() gave). */
  isCanonical(value: unknown): boolean {
    if (matchesCanonical(value, this.text, (array) => this.placeholders.get(array))) return true;
    // What the piecewise comparison cannot decide is decided on the whole text, as for any entry.
    return isCanonicalText(value, this.full(), (array) => this.cut.find((t) => t.lines === array)?.json);
  }

  /** How many placeholders the text holds. */
  get cuts(): number {
    return this.cut.length;
  }
}

/** A bundle file read with its kept lists cut: the parsed bundle, whose reveal entry is `reveal.text`. */
export interface CutBundle {
  readonly bundle: unknown;
  readonly reveal: CutText;
}

/**
 * The bundle in `bytes` with the reveal entry's kept member lists cut out, or undefined when none is there or the file
 * is not one this reading is sure to read as JSON.parse reads it whole (the caller then does that).
 */
export function readCut(bytes: Buffer): CutBundle | undefined {
  const kept = keptTables();
  if (kept.length === 0) return undefined;
  const tables = new Map<string, MemberTable>();
  /** The file's bytes outside the cuts, in order; a placeholder stands between each two of them. */
  const rest: Buffer[] = [];
  const placeholders: string[] = [];
  let copied = 0;
  for (let at = bytes.indexOf(KEY_BYTES), next = 0; at >= 0; at = bytes.indexOf(KEY_BYTES, next)) {
    const start = at + KEY_BYTES.length;
    next = start;
    const found = kept.find(([, t]) => sameBytes(bytes, start, t.escapedJsonBytes!));
    if (!found) continue;
    const [digest, table] = found;
    tables.set(digest, table);
    rest.push(bytes.subarray(copied, start));
    placeholders.push(`\\"\\\\u0001${MARK}${digest}\\"`);
    copied = next = start + table.escapedJsonBytes!.length;
  }
  if (placeholders.length === 0) return undefined;
  rest.push(bytes.subarray(copied));
  // What is cut is never parsed, so only the rest must hold neither the placeholder's words nor a \u escape. Neither
  // can straddle a cut: one begins right after `"members":`, and a list ends in `]`. Both are ASCII, so the bytes hold
  // them exactly where the UTF-8 text does.
  if (rest.some((piece) => piece.includes(MARK_BYTES) || hasUnicodeEscape(piece))) return undefined;
  // Boundaries fall on ASCII bytes (after the key's colon, after the list's bracket): each piece reads as in place,
  // and as one-byte text (json-text.ts) even where a signed note's em dash stands.
  let text = jsonText(rest[0]!);
  for (let i = 0; i < placeholders.length; i++) text += placeholders[i]! + jsonText(rest[i + 1]!);
  let bundle: unknown;
  try {
    bundle = JSON.parse(text);
  } catch {
    return undefined;
  }
  // Every cut is in the reveal entry, or the file is read whole (a cut in another string, or in one a repeated key
  // replaced, would leave fewer here).
  const entry = typeof bundle === 'object' && bundle !== null ? (bundle as { reveal?: { entry?: unknown } }).reveal?.entry : undefined;
  if (typeof entry !== 'string') return undefined;
  const reveal = new CutText(entry, tables);
  return reveal.cuts === placeholders.length ? { bundle, reveal } : undefined;
}

/** Does `bytes` hold `sought` at `start`? The first bytes first: most candidates differ there. */
function sameBytes(bytes: Buffer, start: number, sought: Buffer): boolean {
  if (start + sought.length > bytes.length) return false;
  const head = Math.min(sought.length, 256);
  return sought.compare(bytes, start, start + head, 0, head) === 0 && sought.compare(bytes, start, start + sought.length) === 0;
}

/**
 * A \u escape in a piece of the file's bytes: a u after an odd run of backslashes (an even run is escaped
 * backslashes). Found from each backslash-u pair, which is rare there, where backslashes are everywhere (every escaped
 * quote, tab and line feed).
 */
function hasUnicodeEscape(piece: Buffer): boolean {
  for (let at = piece.indexOf(BACKSLASH_U); at >= 0; at = piece.indexOf(BACKSLASH_U, at + 1)) {
    let run = 1;
    while (at - run >= 0 && piece[at - run] === BACKSLASH) run++;
    if (run % 2 === 1) return true;
  }
  return false;
}

const BACKSLASH = 0x5c;
const BACKSLASH_U = Buffer.from('\\u', 'latin1');
const MARK_BYTES = Buffer.from(MARK, 'latin1');
/** `"members":` as it stands in the entry's text inside the bundle file: its quotes escaped. */
const KEY_BYTES = Buffer.from(JSON.stringify(MEMBERS_KEY).slice(1, -1), 'latin1');
/** A placeholder's JSON text in the entry's text, up to the table's digest. */
const PLACEHOLDER_START = JSON.stringify(STAND_IN).slice(0, -1);
const LEAF_PREFIX = Uint8Array.of(RFC9162_LEAF_PREFIX);
