// A bundle file read with the reveal entry's long member lists left in their bytes. An engine-sized bundle is about
// 560 KB, nearly all of it the reveal's member lines, escaped twice (JSON in the entry, the entry a JSON string in the
// bundle); every draw at one pool version reveals the same lines for one specialty (§4), so an inspector's many bundles
// repeat a few lists. Where a list's escaped bytes equal a kept table's (member-table.ts), it is cut out before the file
// is parsed and stands in the entry as a short placeholder: the file's text, the entry's text and its leaf hash are
// then made from the small rest and the table's own bytes, never from half a megabyte of new strings. The status and
// unavailable lines are the pool's at one version too, alike in every draw at it (§10.2): kept facts lists
// (kept-text.ts, filled by reveal-facts.ts) are cut the same way.
//
// The result must equal reading the file whole. Every cut is made inside a JSON string, where the table's escaped
// bytes and the placeholder's are both plain string content, so each string reads as it did with its lists swapped
// for placeholders. All of them land in the reveal entry: they lie between its string's quotes, which the parse with a
// stand-in for that string checks. A placeholder cannot be forged, because the file is read this way only when what is
// not cut holds neither the placeholder's words nor any \u escape (the only way to write its first character). Anything
// else is read whole, as before.
import { CutText, PLACEHOLDER_START, type CutList } from './cut-text.js';
import { jsonText } from './json-text.js';
import { keptFactLists, type ListText } from './kept-text.js';
import { closingQuote } from './list-runs.js';
import { keptTables, MARK, MEMBERS_KEY, STAND_IN } from './member-table.js';

/** A bundle file read with its kept lists cut: the parsed bundle, whose reveal entry is `reveal.text`. */
export interface CutBundle {
  readonly bundle: unknown;
  readonly reveal: CutText;
}

/**
 * The bundle in `bytes` with the reveal entry's kept member lists cut out, or undefined when none is there or the file
 * is not one this reading is sure to read as JSON.parse reads it whole (the caller then does that).
 *
 * The reveal entry's string is decoded on its own, in pieces of at most DECODE_PIECE bytes, and the rest of the file
 * with a stand-in for that string: no text the reading makes is larger than the entry's own (every string over 128 KiB
 * is a large object to V8, on pages mapped afresh for it, and each page's first touch is a page fault; the selection
 * lines of a long history make the uncut text that large).
 */
export function readCut(bytes: Buffer): CutBundle | undefined {
  const kept = keptLists();
  if (kept.length === 0) return undefined;
  const tables = new Map<string, ListText>();
  /** Where each cut list's escaped bytes begin and end in the file, and its list's name. */
  const cuts: Array<{ readonly start: number; readonly end: number; readonly name: string }> = [];
  // Every `[` in the file outside what was cut, in order, preceded by a key: a cut list is skipped, never searched
  // (the member lists are nearly all of the file), and a bracket is found as quickly as any one byte.
  for (let start = bytes.indexOf(BRACKET), next = 0; start >= 0; start = bytes.indexOf(BRACKET, next)) {
    next = start + 1;
    for (const [key, lists] of kept) {
      if (start < key.length || key.compare(bytes, start - key.length, start) !== 0) continue;
      const match = lists.find(([, t]) => sameBytes(bytes, start, t.escapedJsonBytes!));
      if (!match) break;
      const [name, list] = match;
      tables.set(name, list);
      next = start + list.escapedJsonBytes!.length;
      cuts.push({ start, end: next, name });
      break;
    }
  }
  if (cuts.length === 0) return undefined;
  const first = cuts[0]!;
  const last = cuts[cuts.length - 1]!;
  const rest = [bytes.subarray(0, first.start), ...cuts.slice(1).map((cut, i) => bytes.subarray(cuts[i]!.end, cut.start)), bytes.subarray(last.end)];
  // What is cut is never parsed, so only the rest must hold neither the placeholder's words nor a \u escape. Neither
  // can straddle a cut: one begins right after a key's colon, and a list ends in `]`. Both are ASCII, so the bytes hold
  // them exactly where the UTF-8 text does.
  if (rest.some((piece) => piece.includes(MARK_BYTES) || hasUnicodeEscape(piece))) return undefined;
  // The entry's string runs from the `"entry":"` before the first cut to the first unescaped quote after the last:
  // the file with that string's content swapped for a stand-in must parse with the stand-in as the reveal's entry
  // (its quotes then delimit one string, in the file as here), and every piece of the content must decode as the
  // inside of a string (so no quote ends it early). Then the file reads as the rest with the decoded entry in place.
  // Found after the reveal's key as JSON.stringify writes the bundle (a search back from the first cut would cross the
  // whole of the entry's facts).
  const key = bytes.indexOf(REVEAL_BYTES);
  const open = key < 0 ? -1 : bytes.indexOf(ENTRY_BYTES, key);
  const close = open < 0 || open + ENTRY_BYTES.length > first.start ? -1 : closingQuote(bytes, last.end);
  if (close < 0) return undefined;
  const body = open + ENTRY_BYTES.length;
  // Boundaries fall on ASCII bytes (after the key's colon, after the list's bracket, at the entry's quotes): each piece
  // reads as in place, and as one-byte text (json-text.ts) even where a signed note's em dash stands.
  let bundle: unknown;
  try {
    bundle = JSON.parse(jsonText(bytes.subarray(0, body)) + ENTRY_STAND_IN_JSON + jsonText(bytes.subarray(close)));
  } catch {
    return undefined;
  }
  const reveal = typeof bundle === 'object' && bundle !== null ? (bundle as { reveal?: { entry?: unknown } }).reveal : undefined;
  // A stand-in anywhere else (a repeated "reveal" key replaced it, or the string is another entry's) is read whole.
  if (!reveal || reveal.entry !== ENTRY_STAND_IN) return undefined;
  const parts: Array<string | CutList> = [];
  let from = body;
  for (const cut of cuts) {
    if (!decodePieces(bytes, from, cut.start, parts)) return undefined;
    // The list stands in the entry's text as a placeholder naming it (CutText reads it).
    parts.push({ placeholder: `${PLACEHOLDER_START}${cut.name}"`, name: cut.name, list: tables.get(cut.name)! });
    from = cut.end;
  }
  if (!decodePieces(bytes, from, close, parts)) return undefined;
  const text = new CutText(parts);
  reveal.entry = text.text;
  return { bundle, reveal: text };
}

/**
 * Decodes bytes [from, to) of a JSON string's content into `out`, in pieces of at most about DECODE_PIECE bytes, each
 * ending at an ASCII byte other than a backslash before an ASCII byte (so no escape or UTF-8 sequence is split; the
 * caller's bounds are such bytes too). False when a piece is not the inside of a JSON string.
 */
function decodePieces(bytes: Buffer, from: number, to: number, out: Array<string | CutList>): boolean {
  while (from < to) {
    let end = Math.min(from + DECODE_PIECE, to);
    while (end < to && (bytes[end - 1] === BACKSLASH || bytes[end - 1]! >= 0x80 || bytes[end]! >= 0x80)) end++;
    // The piece between quotes, copied into a buffer kept from piece to piece: one text made and parsed, where quoting
    // the piece's text would copy it once more.
    const length = end - from + 2;
    if (quoted.length < length) quoted = Buffer.allocUnsafe(Math.max(2 * quoted.length, length));
    quoted[0] = QUOTE;
    bytes.copy(quoted, 1, from, end);
    quoted[length - 1] = QUOTE;
    try {
      out.push(JSON.parse(jsonText(quoted.subarray(0, length))) as string);
    } catch {
      return false;
    }
    from = end;
  }
  return true;
}

/** Does `bytes` hold `sought` at `start`? The first bytes first: most candidates differ there. */
function sameBytes(bytes: Buffer, start: number, sought: Buffer): boolean {
  if (start + sought.length > bytes.length) return false;
  const head = Math.min(sought.length, 256);
  return sought.compare(bytes, start, start + head, 0, head) === 0 && sought.compare(bytes, start, start + sought.length) === 0;
}

/**
 * A \u escape in a piece of the file's bytes: a u after an odd run of backslashes (an even run is escaped
 * backslashes). Found from each u, which is rare there, where backslashes are everywhere (every escaped quote, tab
 * and line feed): a search for the pair stops at each of them.
 */
function hasUnicodeEscape(piece: Buffer): boolean {
  for (let at = piece.indexOf(LETTER_U, 1); at >= 0; at = piece.indexOf(LETTER_U, at + 1)) {
    let run = 0;
    while (at - run - 1 >= 0 && piece[at - run - 1] === BACKSLASH) run++;
    if (run % 2 === 1) return true;
  }
  return false;
}

const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const BRACKET = 0x5b;
const LETTER_U = 0x75;
/** Bytes of the entry's content decoded at a time: far below V8's 128 KiB large-object size. */
const DECODE_PIECE = 16 * 1024;
/** Where decodePieces quotes a piece (it grows for a longer one). */
let quoted = Buffer.allocUnsafe(2 * DECODE_PIECE);
/** `"reveal":{` and `"entry":"` as the bundle file writes them (JSON.stringify, no spaces); a file written otherwise is read whole. */
const REVEAL_BYTES = Buffer.from('"reveal":{', 'latin1');
const ENTRY_BYTES = Buffer.from('"entry":"', 'latin1');
/** Stands for the reveal entry's string while the rest of the file is parsed. */
const ENTRY_STAND_IN = `${STAND_IN}entry`;
const ENTRY_STAND_IN_JSON = JSON.stringify(ENTRY_STAND_IN).slice(1, -1);
const MARK_BYTES = Buffer.from(MARK, 'latin1');
/** A key as it stands in the entry's text inside the bundle file: its quotes escaped. */
const keyBytes = (key: string) => Buffer.from(JSON.stringify(key).slice(1, -1), 'latin1');
const MEMBERS_KEY_BYTES = keyBytes(MEMBERS_KEY);
const FACT_KEY_BYTES = { status: keyBytes('"status":'), unavailable: keyBytes('"unavailable":') };

/**
 * The lists that may be cut, by the key whose value they are: kept member tables (at least 64 lines) by their digest,
 * kept facts lists by their name.
 */
function keptLists(): Array<[key: Buffer, lists: Array<[name: string, list: ListText]>]> {
  const kept: Array<[Buffer, Array<[string, ListText]>]> = [];
  const tables = keptTables();
  if (tables.length > 0) kept.push([MEMBERS_KEY_BYTES, tables]);
  const facts = keptFactLists();
  for (const key of ['status', 'unavailable'] as const) {
    const lists = facts.flatMap(([name, k, list]) => (k === key ? [[name, list] as [string, ListText]] : []));
    if (lists.length > 0) kept.push([FACT_KEY_BYTES[key], lists]);
  }
  return kept;
}
