// The message catalogue: every text a person can read in an answer, by area. A key is `area.name` (e.g.
// `project.notFound`). To add messages: write them in the area's file under messages/, or add a file for a new area
// and one line below. Chinese wording follows docs/glossary.md (test/i18n/glossary.test.ts holds it to its list).
import type { Entry } from './define.js';
import { account, session } from './messages/accounts.js';
import { auth, resource, role } from './messages/auth.js';
import { call, checkin, exclusion } from './messages/calls.js';
import { beacon } from './messages/beacon.js';
import { codes } from './messages/codes.js';
import { consolePage } from './messages/console.js';
import { draw, drawState } from './messages/draws.js';
import { field } from './messages/fields.js';
import { http } from './messages/http.js';
import { log } from './messages/log.js';
import { importRow, jsonValue, pool } from './messages/pool.js';
import { project, projectState } from './messages/projects.js';
import { certificate, site } from './messages/sites.js';
import { records } from './messages/records.js';
import { alerts } from './messages/alerts.js';
import { consequenceState, sanctions } from './messages/sanctions.js';
import { witness } from './messages/witness.js';
import { exitReason, lifecycle } from './messages/lifecycle.js';
import { exchange } from './messages/exchange.js';

export const CATALOGUE = {
  code: codes,
  http,
  auth,
  role,
  resource,
  account,
  session,
  pool,
  lifecycle,
  exitReason,
  exchange,
  importRow,
  jsonValue,
  project,
  projectState,
  draw,
  drawState,
  beacon,
  call,
  checkin,
  exclusion,
  site,
  certificate,
  log,
  field,
  console: consolePage,
  records,
  alerts,
  sanctions,
  consequenceState,
  witness,
} as const satisfies Record<string, Record<string, Entry>>;

type Catalogue = typeof CATALOGUE;
type Area = keyof Catalogue & string;

/** Every message key, `area.name`. */
export type MessageKey = { [A in Area]: `${A}.${keyof Catalogue[A] & string}` }[Area];

/** The entry of a key, as written (its literal texts give the placeholders). */
export type EntryOf<K extends MessageKey> = K extends `${infer A extends Area}.${infer N}` ? (N extends keyof Catalogue[A] ? Catalogue[A][N] : never) : never;

/** The entry of a key, or undefined for a string that is not one. */
export function entryOf(key: string): Entry | undefined {
  const dot = key.indexOf('.');
  const [areaName, name] = [key.slice(0, dot), key.slice(dot + 1)];
  if (dot < 0 || !Object.hasOwn(CATALOGUE, areaName)) return undefined;
  const area: Readonly<Record<string, Entry>> = CATALOGUE[areaName as Area];
  return Object.hasOwn(area, name) ? area[name] : undefined;
}

/** Every key with its entry, in catalogue order (for the table tests). */
export function allEntries(): Array<[MessageKey, Entry]> {
  return Object.entries(CATALOGUE).flatMap(([area, entries]) => Object.entries(entries as Record<string, Entry>).map(([name, e]) => [`${area}.${name}` as MessageKey, e] as [MessageKey, Entry]));
}
