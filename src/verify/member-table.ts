// A group's revealed member lines (docs/draw-proof.md §4), read once into columns the checks index into. Tables are
// kept by the SHA-256 of their lines: every draw at one pool version reveals the same lines for one specialty, so an
// inspector checking many draws reads each list once. The lines are hashed for every bundle all the same; only a
// table whose lines hash to the same digest is reused, and what it holds is a pure function of those lines.
import type { PanelMember } from '../draw/conflicts.js';
import { ListText } from './kept-text.js';

export class MemberTable extends ListText {
  readonly size: number;
  readonly ids: readonly string[];
  readonly employers: readonly string[];
  /** 6-digit region codes as numbers (what the region filter reads). */
  readonly regions: Int32Array;
  /** Each member's relatives as written (comma-joined), '' for none. */
  readonly relatives: readonly string[];
  /** Indices of the members with relatives. */
  readonly withRelatives: readonly number[];
  private readonly index = new Map<string, number>();
  private readonly byEmployer = new Map<string, number[]>();
  private readonly regionLists = new Map<string, Int32Array>();

  /** Throws naming the first line that is not what memberLine writes, or out of id order. */
  constructor(lines: readonly string[]) {
    super(lines);
    const n = (this.size = lines.length);
    const ids: string[] = new Array<string>(n);
    const employers: string[] = new Array<string>(n);
    const relatives: string[] = new Array<string>(n);
    const withRelatives: number[] = [];
    this.regions = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const line = lines[i]!;
      const a = line.indexOf('\t');
      const b = line.indexOf('\t', a + 1);
      const c = line.indexOf('\t', b + 1);
      const end = line.length - 1;
      if (a <= 0 || b < 0 || c < 0 || line.indexOf('\t', c + 1) >= 0 || line.indexOf('\n') !== end) throw new Error(`malformed member line ${JSON.stringify(line)}`);
      const id = line.slice(0, a);
      const region = line.slice(b + 1, c);
      if (!ID.test(id) || b === a + 1 || !REGION.test(region)) throw new Error(`malformed member line ${JSON.stringify(line)}`);
      if (i > 0 && !(ids[i - 1]! < id)) throw new Error(`member lines are not in strictly ascending id order at ${id}`);
      ids[i] = id;
      employers[i] = line.slice(a + 1, b);
      this.regions[i] = Number(region);
      const rel = line.slice(c + 1, end);
      relatives[i] = rel;
      if (rel !== '') {
        const list = rel.split(',');
        for (let k = 0; k < list.length; k++) {
          if (!ID.test(list[k]!) || list[k] === id || (k > 0 && !(list[k - 1]! < list[k]!))) throw new Error(`member line of ${id}: relatives ${rel} are not distinct other ids in ascending order`);
        }
        withRelatives.push(i);
      }
      this.index.set(id, i);
    }
    this.ids = ids;
    this.employers = employers;
    this.relatives = relatives;
    this.withRelatives = withRelatives;
  }

  indexOf(id: string): number | undefined {
    return this.index.get(id);
  }

  /** Members employed by `org`, ascending (built on first use). */
  employedBy(org: string): readonly number[] {
    if (this.byEmployer.size === 0) {
      for (let i = 0; i < this.size; i++) {
        const list = this.byEmployer.get(this.employers[i]!);
        if (list) list.push(i);
        else this.byEmployer.set(this.employers[i]!, [i]);
      }
    }
    return this.byEmployer.get(org) ?? NONE;
  }

  /** The indices inside a region filter, ascending, kept per filter (`key` names the filter). */
  inRegion(key: string, test: (region: number) => boolean): Int32Array {
    let list = this.regionLists.get(key);
    if (!list) {
      const out: number[] = [];
      for (let i = 0; i < this.size; i++) if (test(this.regions[i]!)) out.push(i);
      list = Int32Array.from(out);
      if (this.regionLists.size >= 16) this.regionLists.clear();
      this.regionLists.set(key, list);
    }
    return list;
  }

  /** What rule 7 reads of member i. */
  member(i: number): PanelMember {
    const rel = this.relatives[i]!;
    return { id: this.ids[i]!, employer: this.employers[i]!, relatives: rel === '' ? NONE_IDS : rel.split(',') };
  }

  /** The line of the member with this id, if any. */
  lineOf(id: string): string | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.lines[i];
  }
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const REGION = /^\d{6}$/;
const NONE: readonly number[] = Object.freeze([]);
const NONE_IDS: readonly string[] = Object.freeze([]);

/** Tables by the SHA-256 of their lines, most recent last; a failed read is kept as its error. */
const tables = new Map<string, MemberTable | Error>();
const KEPT = 32;

/**
 * A kept table whose lines are, one by one, equal to `lines`, with their digest: comparing strings is far cheaper than
 * hashing them again, and equal lines have the digest the table was kept under. The answer is remembered per array.
 */
export function knownTable(lines: readonly unknown[]): { digest: string; table: MemberTable } | undefined {
  if (matched.has(lines)) return matched.get(lines);
  let found: { digest: string; table: MemberTable } | undefined;
  if (lines.length > 0) {
    for (const [digest, table] of tables) {
      if (table instanceof Error || table.size !== lines.length || table.lines[0] !== lines[0]) continue;
      let same = true;
      for (let i = 0; i < lines.length && same; i++) same = table.lines[i] === lines[i];
      if (same) {
        found = { digest, table };
        break;
      }
    }
  }
  matched.set(lines, found);
  return found;
}
const matched = new WeakMap<readonly unknown[], { digest: string; table: MemberTable } | undefined>();

/** The kept tables that long lists are taken from (at least 64 lines, with a canonical text), by digest. */
export function keptTables(): Array<[digest: string, table: MemberTable]> {
  const kept: Array<[string, MemberTable]> = [];
  for (const [digest, table] of tables) if (!(table instanceof Error) && table.size >= 64 && table.json !== undefined) kept.push([digest, table]);
  return kept;
}

/** What precedes a group's member list in a reveal entry's canonical text (§10.2). */
export const MEMBERS_KEY = '"members":';
/** Stands for a kept table's list while the rest of the text is parsed; a text that holds it is parsed as it is. */
export const MARK = 'expert-draw kept member list ';
export const STAND_IN = `\u0001${MARK}`;

const NO_LISTS: ReadonlyMap<string, readonly string[]> = new Map();

/**
 * Puts each kept table's lines back where its stand-in was parsed: `lines` answers the list for what follows STAND_IN.
 * A stand-in among an array's elements that `wholeLists` names stands for the whole array instead: a run left out of
 * a list (list-runs.ts), which the reader already read whole. Only texts whose every stand-in was put there by the
 * reader come here.
 */
export function restore(value: unknown, lines: (key: string) => readonly string[], wholeLists: ReadonlyMap<string, readonly string[]> = NO_LISTS): unknown {
  if (typeof value === 'string') return value.startsWith(STAND_IN) ? lines(value.slice(STAND_IN.length)) : value;
  if (value === null || typeof value !== 'object') return value;
  // Only a changed value is written back (a parsed "__proto__" key is an own property, and stays one).
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const was: unknown = value[i];
      const whole = typeof was === 'string' && was.startsWith(STAND_IN) ? wholeLists.get(was.slice(STAND_IN.length)) : undefined;
      if (whole) return whole;
      const now = restore(was, lines, wholeLists);
      if (now !== was) value[i] = now;
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const now = restore(record[key], lines, wholeLists);
    if (now !== record[key]) Object.defineProperty(record, key, { value: now, enumerable: true, writable: true, configurable: true });
  }
  return value;
}

/** The table of lines whose SHA-256 is `digest` (the caller computed it from these very lines). */
export function memberTable(digest: string, lines: readonly string[]): MemberTable {
  let table = tables.get(digest);
  if (table === undefined) {
    try {
      table = new MemberTable(lines);
    } catch (err) {
      table = err instanceof Error ? err : new Error(String(err));
    }
    if (tables.size >= KEPT) tables.delete(tables.keys().next().value!);
    tables.set(digest, table);
    // These very lines are the table's from now on (cutText and readCut hand them out again).
    if (!(table instanceof Error)) matched.set(lines, { digest, table });
  }
  if (table instanceof Error) throw table;
  return table;
}
