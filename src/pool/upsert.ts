// A revised pool file against the pool as it is: which experts it adds, which it changes (and what), which it leaves as
// they are, and which are in the pool but not in the file (to be retired, when asked). Pure: the pool service applies
// the plan, and shows it unapplied for a dry run.
import { PERSONAL_FIELDS, type Expert, type ExpertPersonal, type PersonalField } from '../domain/expert.js';
import { msg } from '../i18n/message.js';
import { idHoldsPersonalNumber } from '../domain/primitives.js';
import { idNumberHeld, idPersonal, type ImportError, type ImportRow } from './import-parser.js';

/** The pool attributes a file may change; its changes of name, phone or ID number are listed apart (held for approval). */
const COMPARED = ['specialties', 'region', 'employer', 'status', 'suspendedUntil', 'unavailable', 'relations'] as const satisfies ReadonlyArray<keyof Expert>;

/** An expert as the pool holds it, for the comparison. */
export interface Held {
  readonly expert: Expert;
  readonly idHash: string;
  /** Has left the pool (an exit recorded): never missing, whatever their status (a blacklisting outlives the exit). */
  readonly exited?: boolean;
  /** Opens the expert's sealed personal data (only to compare it). */
  readonly personal: () => ExpertPersonal;
}

export interface UpsertPlan {
  readonly add: ReadonlyArray<{ readonly row: ImportRow; readonly idHash: string }>;
  /** `changes`: the pool attributes that differ (applied at once); `personal`: the personal data that differ (held). */
  readonly change: ReadonlyArray<{ readonly row: ImportRow; readonly idHash: string; readonly changes: readonly string[]; readonly personal: readonly PersonalField[] }>;
  readonly unchanged: number;
  /** Ids in the pool, not retired and not exited, that the file leaves out. */
  readonly missing: readonly string[];
  readonly errors: readonly ImportError[];
  /**
   * Rows that give a known expert another ID number with the same name and phone. The report's `unchanged` against
   * `personal` would tell a sender who knows the name and phone whether a guessed number is the expert's; the pool
   * service counts these against the same allowance as the numbers found held (src/services/id-matches.ts).
   */
  readonly idNumberOnly: number;
}

/**
 * What changed between an expert and its row: the names of the attributes, and which personal data (an ID number only
 * when it differs in more than the case of its X); and whether the ID number alone changed, name and phone as held
 * (see UpsertPlan.idNumberOnly).
 */
export function changedFields(held: Held, row: ImportRow): { changes: string[]; personal: PersonalField[]; idNumberOnly: boolean } {
  const changes: string[] = COMPARED.filter((k) => JSON.stringify(held.expert[k]) !== JSON.stringify(row.expert[k]));
  const p = held.personal();
  const personal = PERSONAL_FIELDS.filter((f) => (f === 'idNumber' ? p.idNumber.toUpperCase() !== row.personal.idNumber.toUpperCase() : p[f] !== row.personal[f]));
  return { changes, personal, idNumberOnly: personal.length === 1 && personal[0] === 'idNumber' };
}

/**
 * The plan for `rows` against `pool`. An ID number may move with its expert but never to another one (in the pool or
 * earlier in the file); an id given twice is refused (the parser refuses it first for files).
 */
export function planUpsert(pool: ReadonlyMap<string, Held>, rows: readonly ImportRow[], parseErrors: readonly ImportError[], idHash: (idNumber: string) => string): UpsertPlan {
  const errors: ImportError[] = [...parseErrors];
  const holderOf = new Map<string, string>();
  for (const [id, held] of pool) holderOf.set(held.idHash, id);
  const seen = new Set<string>();
  const add: Array<UpsertPlan['add'][number]> = [];
  const change: Array<UpsertPlan['change'][number]> = [];
  let unchanged = 0;
  let idNumberOnly = 0;
  for (const row of rows) {
    const id = row.expert.id;
    if (seen.has(id)) {
      errors.push({ line: row.line, field: 'id', code: 'DUPLICATE_ID', message: msg('importRow.idInPool', { id }) });
      continue;
    }
    const hash = idHash(row.personal.idNumber);
    const holder = holderOf.get(hash);
    if (holder !== undefined && holder !== id) {
      errors.push(idNumberHeld(row));
      continue;
    }
    seen.add(id);
    holderOf.set(hash, id);
    const held = pool.get(id);
    if (!held && idHoldsPersonalNumber(id)) {
      errors.push(idPersonal(row.line));
      continue;
    }
    if (!held) {
      add.push({ row, idHash: hash });
      continue;
    }
    const { changes, personal, idNumberOnly: guessed } = changedFields(held, row);
    if (guessed) idNumberOnly++;
    if (changes.length + personal.length === 0) unchanged++;
    else change.push({ row, idHash: hash, changes, personal });
  }
  const missing = [...pool.values()].filter((h) => !seen.has(h.expert.id) && h.expert.status !== 'retired' && h.exited !== true).map((h) => h.expert.id).sort();
  errors.sort((a, b) => a.line - b.line);
  return { add, change, unchanged, missing, errors, idNumberOnly };
}
