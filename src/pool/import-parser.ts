// Bulk import of experts: an uploaded JSON-lines or CSV file becomes validated rows, or a complete list of what is wrong.
/**
 * Pure and framework-free: bytes (or a string) in, `{ rows, errors }` out. The import is acceptable only when `errors`
 * is empty; `rows` holds the rows that passed, and is empty when a file-level problem (encoding, header, row count)
 * stops parsing. Rules live in the domain schemas (`Expert`, `ExpertPersonal`); this module only reshapes input.
 *
 * - JSON lines: one object per line, `{ ...Expert fields, personal: { name, phone, idNumber } }`; may carry `relations`.
 * - CSV (RFC 4180) with a header row in English and/or Chinese (see `CSV_HEADER_ALIASES`). Cells are trimmed.
 *   Relations (回避 declarations) are NOT imported through CSV: they are nested records; use JSON lines for them.
 *
 * Line numbers are 1-based and true to the file (blank lines count; a CSV record is numbered by the line it starts on).
 * Errors never contain personal values (names, phones, ID numbers): only line numbers, field names and reasons.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { setImmediate as yieldTurn } from 'node:timers/promises';
import { holdsLoneSurrogate, mayHoldLoneSurrogate } from '../crypto/canonical.js';
import { Expert, ExpertPersonal, samePhone } from '../domain/expert.js';
import { ExpertId, PERSON_TEXT_ISSUE, ResidentId } from '../domain/primitives.js';
import { AppError } from '../errors.js';
import { Message, msg, type Localized } from '../i18n/message.js';
import { issueText, type IssueLike } from '../i18n/zod-issues.js';

export const IMPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** The closed set of error codes, with what each means. */
export const IMPORT_ERROR_CODES = {
  BAD_ENCODING: 'the line is not valid UTF-8',
  BAD_HEADER: 'the CSV header row is missing, empty or ambiguous',
  UNKNOWN_COLUMN: 'a CSV column header is not one this import knows',
  MISSING_COLUMN: 'a required CSV column is absent',
  BAD_JSON: 'a JSON line does not hold one JSON object',
  BAD_CSV: 'a CSV record is malformed (quotes, field count)',
  LINE_TOO_LONG: 'a line (for CSV, a record) is longer than the cap',
  INVALID_FIELD: 'a field fails the expert or personal-data schema',
  BAD_TEXT: 'a name is blank or invisible, or holds a bidirectional or other control character',
  DUPLICATE_ID: 'the expert id already appears on an earlier line',
  DUPLICATE_ID_NUMBER: 'the ID number already appears on an earlier line',
  DUPLICATE_PHONE: 'the phone number already appears on an earlier line, or belongs to another expert in the pool (two experts on one phone: one would get the other’s calls and links)',
  TOO_MANY_ROWS: 'the file holds more rows than one import may',
} as const;
/** Reasons the pool gives for a row of a revised file (mode=upsert) that the parser could not know (docs/admission.md). */
export const POOL_ROW_ERROR_CODES = {
  EXITED_EXPERT: 'the row changes the status of an expert who has left the pool',
  CONFIRMATION_LAPSED: 'the row reinstates an expert whose confirmation lapsed: re-confirm them instead',
  SANCTION_IN_FORCE: 'the row weakens or undoes a sanction still in force (only an upheld objection lifts it)',
} as const;
export type ImportErrorCode = keyof typeof IMPORT_ERROR_CODES | keyof typeof POOL_ROW_ERROR_CODES;

export const MAX_IMPORT_ROWS = 100_000;
/** Characters per line (JSON lines) or per record (CSV); a full expert with 64 relations needs well under 16 KiB. */
export const MAX_LINE_LENGTH = 65_536;

export interface ImportOptions {
  readonly maxRows?: number;
  readonly maxLineLength?: number;
  /**
   * The file's declared character set: UTF-8 (the default), or GB18030, which also reads GBK and GB2312 (what Excel on
   * a Chinese Windows saves a CSV in).
   */
  readonly charset?: ImportCharset;
}

export const IMPORT_CHARSETS = ['utf-8', 'gb18030'] as const;
export type ImportCharset = (typeof IMPORT_CHARSETS)[number];

/** The import charset a declared one names (GBK and GB2312 are read as GB18030, their superset); undefined if none. */
export function importCharset(declared: string | undefined): ImportCharset | undefined {
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8') return 'utf-8';
  if (declared === 'gb18030' || declared === 'gbk' || declared === 'gb2312' || declared === 'cp936') return 'gb18030';
  return undefined;
}

/** More undecodable lines than this, and the file is in another encoding: one error says so, not one a line. */
const BAD_LINES_SAID_ONE_BY_ONE = 3;

export interface ImportRow {
  line: number;
  expert: Expert;
  personal: ExpertPersonal;
  /**
   * Where the file put the personal fields, so that an error about one names it as the file does: `personal` in JSON
   * lines (`personal.phone`); none in CSV (`phone`) and for rows handed over directly.
   */
  personalPrefix?: string;
}

export interface ImportError {
  line: number;
  field?: string;
  code: ImportErrorCode;
  /** The reason, in either language (src/i18n/). */
  message: Localized;
}

/**
 * A row refused because its ID number already belongs to an expert of the pool (or a pending application). Every such
 * answer is knowledge of write-only personal data, counted per person (src/services/id-matches.ts): made here only, so
 * that heldIdNumbers finds every one.
 */
export function idNumberHeld(row: Pick<ImportRow, 'line' | 'personalPrefix'>): ImportError {
  return { line: row.line, field: join(row.personalPrefix ?? '', 'idNumber'), code: 'DUPLICATE_ID_NUMBER', message: msg('importRow.idNumberInPool') };
}

/** A row whose phone number belongs to another expert still in the pool: never which, nor the number. */
export function phoneHeld(row: Pick<ImportRow, 'line' | 'personalPrefix'>): ImportError {
  return { line: row.line, field: join(row.personalPrefix ?? '', 'phone'), code: 'DUPLICATE_PHONE', message: msg('importRow.phoneInPool') };
}

/** A new expert's id that holds an ID number (ids are logged and published): refused for that row. */
export function idPersonal(line: number): ImportError {
  return { line, field: 'id', code: 'INVALID_FIELD', message: msg('field.idPersonal') };
}

/**
 * How many of these errors tell that the pool holds a row's personal number: idNumberHeld's and phoneHeld's (not a
 * duplicate within the file). Each is knowledge of the pool, spent from the same allowance (src/services/id-matches.ts).
 */
export function heldIdNumbers(errors: readonly ImportError[]): number {
  return errors.filter((e) => e.message instanceof Message && ((e.code === 'DUPLICATE_ID_NUMBER' && e.message.key === 'importRow.idNumberInPool') || (e.code === 'DUPLICATE_PHONE' && e.message.key === 'importRow.phoneInPool'))).length;
}

/**
 * The most errors an answer lists. A file of 100,000 empty objects has 600,000 (six missing fields a row): listed whole,
 * they made a 72 MB answer that held the event loop for seconds. The count is always whole (`errorCount`), and the
 * errors listed are the first by line, so a person fixes those and checks again.
 */
export const MAX_ERRORS_LISTED = 1000;

/** The errors an answer lists (the first MAX_ERRORS_LISTED, by line), and how many there are in all. */
export function listedErrors<E extends { readonly line: number }>(errors: readonly E[]): { errors: E[]; errorCount: number } {
  return { errors: errors.slice(0, MAX_ERRORS_LISTED), errorCount: errors.length };
}

/** The refusal of a whole file: every error counted, the first MAX_ERRORS_LISTED listed. */
export function importRejected(errors: readonly ImportError[], rows: number): AppError {
  return new AppError('IMPORT_REJECTED', msg('pool.importRejected', { count: errors.length }), { ...listedErrors(errors), rows });
}

export interface ImportResult {
  rows: ImportRow[];
  errors: ImportError[];
}

/** CSV columns by their canonical (English, = schema field) names. */
export const CSV_COLUMNS = ['id', 'name', 'phone', 'idNumber', 'specialties', 'region', 'employer', 'status', 'suspendedUntil', 'unavailable'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly CsvColumn[] = ['id', 'name', 'phone', 'idNumber', 'specialties', 'region', 'employer', 'status'];

/** Chinese headers accepted for each column, besides the English name (matched trimmed, case-insensitively). */
export const CSV_HEADER_ALIASES: Readonly<Record<CsvColumn, readonly string[]>> = {
  id: ['专家编号'],
  name: ['姓名'],
  phone: ['手机', '手机号', '联系电话'],
  idNumber: ['身份证号', '身份证号码'],
  specialties: ['专业', '专业代码'],
  region: ['地区', '行政区划', '地区代码'],
  employer: ['单位', '工作单位代码', '统一社会信用代码'],
  status: ['状态'],
  suspendedUntil: ['暂停至'],
  unavailable: ['不可用日期'],
};

const HEADER_LOOKUP = new Map<string, CsvColumn>(
  CSV_COLUMNS.flatMap((c) => [[c.toLowerCase(), c] as const, ...CSV_HEADER_ALIASES[c].map((a) => [a, c] as const)]),
);

/** Status cell values, English or Chinese, matched trimmed and case-insensitively. */
const STATUS_VALUES = new Map<string, string>([
  ['active', 'active'],
  ['suspended', 'suspended'],
  ['blacklisted', 'blacklisted'],
  ['retired', 'retired'],
  ['正常', 'active'],
  ['在库', 'active'],
  ['暂停', 'suspended'],
  ['黑名单', 'blacklisted'],
  ['退休', 'retired'],
  ['退出', 'retired'],
]);

/** Separators between several codes or dates inside one CSV cell. */
const LIST_SEPARATOR = /[;；|]/;
const JSONL_CONTENT_TYPES = new Set(['application/x-ndjson', 'application/jsonl', 'application/x-jsonlines']);
const CSV_CONTENT_TYPES = new Set(['text/csv']);
const BOM = 0xfeff;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
/** Longest header text echoed back in an UNKNOWN_COLUMN message. */
const MAX_ECHOED_HEADER = 40;
/** Unrecognised JSON keys are named in errors only when they look like field names. */
const SAFE_KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** The format of an upload from its Content-Type, or by sniffing its first bytes; null when neither tells. */
export function detectFormat(contentType: string | null | undefined, firstBytes: Uint8Array | string): ImportFormat | null {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (JSONL_CONTENT_TYPES.has(mediaType)) return 'jsonl';
  if (CSV_CONTENT_TYPES.has(mediaType)) return 'csv';
  let text = typeof firstBytes === 'string' ? firstBytes : new TextDecoder('utf-8', { ignoreBOM: true }).decode(firstBytes);
  if (text.charCodeAt(0) === BOM) text = text.slice(1);
  const start = text.trimStart();
  if (start.startsWith('{')) return 'jsonl';
  // A CSV upload must open with our header row: at least one recognised column name.
  const firstLine = start.split('\n', 1)[0] ?? '';
  const cells = firstLine.split(',').map((c) => c.trim().replace(/^"|"$/g, '').trim().toLowerCase());
  if (cells.some((c) => HEADER_LOOKUP.has(c))) return 'csv';
  return null;
}

/** Parse and validate a whole upload. Never throws on bad input; every problem is in `errors`. */
export function parseImport(input: Uint8Array | string, format: ImportFormat, options: ImportOptions = {}): ImportResult {
  const steps = parseSteps(input, format, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same, giving the event loop a turn every ROWS_PER_TURN rows: a file of 100,000 bad rows takes seconds to check,
 * and the service's other requests (a draw, a check-in, its health probe) must not wait all that time, nor be shed.
 */
export async function parseImportInTurns(input: Uint8Array | string, format: ImportFormat, options: ImportOptions = {}): Promise<ImportResult> {
  const steps = parseSteps(input, format, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await yieldTurn();
  }
}
const ROWS_PER_TURN = 2000;

function* parseSteps(input: Uint8Array | string, format: ImportFormat, options: ImportOptions): Generator<void, ImportResult> {
  const limits = { maxRows: options.maxRows ?? MAX_IMPORT_ROWS, maxLineLength: options.maxLineLength ?? MAX_LINE_LENGTH };
  const decoded = decode(input, options.charset ?? 'utf-8');
  if (typeof decoded !== 'string') return { rows: [], errors: decoded };
  const text = decoded.charCodeAt(0) === BOM ? decoded.slice(1) : decoded;
  return format === 'csv' ? yield* parseCsv(text, limits) : yield* parseJsonl(text, limits);
}

interface Limits {
  readonly maxRows: number;
  readonly maxLineLength: number;
}

function decode(input: Uint8Array | string, charset: ImportCharset): string | ImportError[] {
  if (typeof input === 'string') return input;
  if (charset === 'gb18030') {
    // Declared GBK but valid UTF-8 with Chinese in it: GBK text is almost never valid UTF-8, so the declaration is wrong;
    // read as GBK it would store every name garbled.
    if (!isAscii(input) && isUtf8(input)) return [{ line: 1, code: 'BAD_ENCODING', message: msg('importRow.utf8DeclaredGbk') }];
    try {
      return new TextDecoder('gb18030', { fatal: true }).decode(input);
    } catch {
      return [{ line: 1, code: 'BAD_ENCODING', message: msg('importRow.notGb18030') }];
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
  } catch {
    // Rare path: find the offending lines so the uploader knows where to look.
    const errors: ImportError[] = [];
    const strict = new TextDecoder('utf-8', { fatal: true });
    let line = 1;
    let start = 0;
    for (let i = 0; i <= input.length; i++) {
      if (i < input.length && input[i] !== LF) continue;
      try {
        strict.decode(input.subarray(start, i));
      } catch {
        errors.push({ line, code: 'BAD_ENCODING', message: msg('importRow.badEncoding') });
      }
      line++;
      start = i + 1;
    }
    // Line after line not UTF-8: the file is in another encoding (Excel's GBK, most likely). Said once, with what to do.
    if (errors.length > BAD_LINES_SAID_ONE_BY_ONE) return [{ line: errors[0]!.line, code: 'BAD_ENCODING', message: msg('importRow.notUtf8File', { count: errors.length }) }];
    return errors;
  }
}

/** Collects errors, tracks duplicates and builds rows; shared by both formats. */
class RowValidator {
  readonly rows: ImportRow[] = [];
  readonly errors: ImportError[] = [];
  private readonly idLines = new Map<string, number>();
  private readonly idNumberLines = new Map<string, number>();
  private readonly phoneLines = new Map<string, number>();

  /** `personalPrefix` names personal fields as the file does: `personal.phone` in JSON lines, `phone` in CSV. */
  validate(line: number, expertInput: Record<string, unknown>, input: unknown, personalPrefix: string): void {
    const before = this.errors.length;
    // An ID number's final check character is written x as often as X (check-in takes either): stored as X.
    const personalInput = isRecord(input) && typeof input['idNumber'] === 'string' && /x$/.test(input['idNumber']) ? { ...input, idNumber: input['idNumber'].toUpperCase() } : input;
    const expert = Expert.safeParse(expertInput);
    const personal = ExpertPersonal.safeParse(personalInput);
    if (!expert.success) this.addIssues(line, expert.error.issues, '');
    if (!personal.success) this.addIssues(line, personal.error.issues, personalPrefix);
    // Duplicates are checked on the raw values, so a row is reported even when another of its fields is bad.
    const rawId = expertInput['id'];
    if (typeof rawId === 'string' && (expert.success || ExpertId.safeParse(rawId).success)) {
      const first = this.idLines.get(rawId);
      if (first === undefined) this.idLines.set(rawId, line);
      else this.push({ line, field: 'id', code: 'DUPLICATE_ID', message: msg('importRow.duplicateId', { line: first }) });
    }
    const rawIdNumber = isRecord(personalInput) ? personalInput['idNumber'] : undefined;
    if (typeof rawIdNumber === 'string' && (personal.success || ResidentId.safeParse(rawIdNumber).success)) {
      const first = this.idNumberLines.get(rawIdNumber);
      if (first === undefined) this.idNumberLines.set(rawIdNumber, line);
      else this.push({ line, field: join(personalPrefix, 'idNumber'), code: 'DUPLICATE_ID_NUMBER', message: msg('importRow.duplicateIdNumber', { line: first }) });
    }
    // Two experts on one phone: whoever holds it gets both experts' calls and record links, and answers as either.
    const rawPhone = isRecord(personalInput) ? personalInput['phone'] : undefined;
    if (typeof rawPhone === 'string' && personal.success) {
      const key = samePhone(rawPhone);
      const first = this.phoneLines.get(key);
      if (first === undefined) this.phoneLines.set(key, line);
      else this.push({ line, field: join(personalPrefix, 'phone'), code: 'DUPLICATE_PHONE', message: msg('importRow.duplicatePhone', { line: first }) });
    }
    if (this.errors.length > before) {
      redact(this.errors, before, personalInput);
      return;
    }
    if (expert.success && personal.success) this.rows.push({ line, expert: expert.data, personal: personal.data, ...(personalPrefix === '' ? {} : { personalPrefix }) });
  }

  push(error: ImportError): void {
    this.errors.push(error);
  }

  result(): ImportResult {
    return { rows: this.rows, errors: this.errors };
  }

  private addIssues(line: number, issues: readonly ZodIssueLike[], prefix: string): void {
    for (const issue of issues) {
      const path = join(prefix, ...issue.path.map(String));
      if (issue.code === 'unrecognized_keys') {
        // Keys are file content: name them only when they look like field names.
        for (const key of issue.keys ?? []) {
          if (SAFE_KEY.test(key)) this.push({ line, field: join(path, key), code: 'INVALID_FIELD', message: msg('importRow.unknownField') });
          else this.push({ line, ...(path ? { field: path } : {}), code: 'INVALID_FIELD', message: msg('importRow.unknownFieldHidden') });
        }
        continue;
      }
      const code = issue.params?.['code'] === PERSON_TEXT_ISSUE ? 'BAD_TEXT' : 'INVALID_FIELD';
      // A status the file wrote otherwise: the words a CSV file may use as well as the codes.
      const message = path === 'status' && issue.code === 'invalid_value' ? msg('importRow.statusValues') : issueText(issue);
      this.push({ line, ...(path ? { field: path } : {}), code, message });
    }
  }
}

interface ZodIssueLike extends IssueLike {
  readonly path: readonly PropertyKey[];
  readonly keys?: readonly string[];
  readonly params?: Readonly<Record<string, unknown>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('.');
}

/** Safety net: schema messages do not echo input, but make sure no personal value of the row slips into one. */
function redact(errors: ImportError[], from: number, personalInput: unknown): void {
  if (!isRecord(personalInput)) return;
  const secrets = [personalInput['name'], personalInput['phone'], personalInput['idNumber']].filter(
    // Short ASCII values could match ordinary words of a message; non-ASCII or 6+ characters cannot by accident.
    (v): v is string => typeof v === 'string' && (v.length >= 6 || (v.length >= 1 && /[^\x00-\x7f]/.test(v))),
  );
  if (secrets.length === 0) return;
  for (let i = from; i < errors.length; i++) {
    const e = errors[i]!;
    const original = e.message;
    // In both languages: a text could only hold a value through a schema's own message.
    e.message = { text: (lang) => secrets.reduce((text, s) => text.split(s).join('[redacted]'), original.text(lang)) };
    for (const s of secrets) if (e.field?.includes(s)) delete e.field;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// JSON lines

function* parseJsonl(text: string, limits: Limits): Generator<void, ImportResult> {
  const lines = text.split('\n');
  // Count first, so an oversized file is refused before any validation work.
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    if (isBlank(lines[i]!) || ++count <= limits.maxRows) continue;
    return { rows: [], errors: [tooManyRows(i + 1, limits.maxRows)] };
  }
  const validator = new RowValidator();
  for (let i = 0; i < lines.length; i++) {
    if (i > 0 && i % ROWS_PER_TURN === 0) yield;
    const raw = lines[i]!;
    const line = i + 1;
    if (isBlank(raw)) continue;
    const content = raw.charCodeAt(raw.length - 1) === CR ? raw.slice(0, -1) : raw;
    if (content.length > limits.maxLineLength) {
      validator.push({ line, code: 'LINE_TOO_LONG', message: msg('importRow.lineTooLong', { max: limits.maxLineLength }) });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (err) {
      // The engine's message quotes the source text, which may hold personal data: keep only the position.
      const position = /at position (\d+)/.exec(err instanceof Error ? err.message : '')?.[1];
      const message = position === undefined ? msg('importRow.badJson') : msg('importRow.badJsonAt', { column: Number(position) + 1 });
      validator.push({ line, code: 'BAD_JSON', message });
      continue;
    }
    if (mayHoldLoneSurrogate(content) && holdsLoneSurrogate(value)) {
      validator.push({ line, code: 'BAD_JSON', message: msg('importRow.loneSurrogate') });
      continue;
    }
    if (!isRecord(value)) {
      validator.push({ line, code: 'BAD_JSON', message: msg('importRow.notObject', { found: msg(`jsonValue.${value === null ? 'null' : Array.isArray(value) ? 'array' : (typeof value as 'number' | 'string' | 'boolean')}`) }) });
      continue;
    }
    const { personal, ...expert } = value;
    validator.validate(line, expert, personal, 'personal');
  }
  return validator.result();
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

function tooManyRows(line: number, maxRows: number): ImportError {
  return { line, code: 'TOO_MANY_ROWS', message: msg('importRow.tooManyRows', { max: maxRows }) };
}

// ---------------------------------------------------------------------------------------------------------------------
// CSV

interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
  readonly problem?: { readonly code: 'BAD_CSV' | 'LINE_TOO_LONG'; readonly message: Localized };
}

/** RFC 4180 records in one linear pass. A CR is dropped only before LF or at the end of input. */
function tokenizeCsv(text: string, maxRecordLength = MAX_LINE_LENGTH): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const recordStart = i;
    const recordLine = line;
    const fields: string[] = [];
    let problem: CsvRecord['problem'];
    let endOfRecord = false;
    while (!endOfRecord) {
      let value = '';
      let unquotedFrom = -1;
      const quoted = text.charCodeAt(i) === QUOTE;
      if (quoted) {
        i++;
        let segment = i;
        let closed = false;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            if (text.charCodeAt(i + 1) === QUOTE) {
              value += text.slice(segment, i + 1);
              i += 2;
              segment = i;
              continue;
            }
            value += text.slice(segment, i);
            i++;
            closed = true;
            break;
          }
          if (c === LF) line++;
          i++;
        }
        if (!closed) {
          value += text.slice(segment, i);
          problem ??= { code: 'BAD_CSV', message: msg('importRow.unclosedQuote') };
        }
        const next = text.charCodeAt(i);
        if (i < n && next !== COMMA && next !== LF && !(next === CR && (i + 1 === n || text.charCodeAt(i + 1) === LF))) {
          problem ??= { code: 'BAD_CSV', message: msg('importRow.textAfterQuote', { field: fields.length + 1 }) };
          unquotedFrom = i; // skip the rest of the field as unquoted text
        }
      } else {
        unquotedFrom = i;
      }
      if (unquotedFrom >= 0) {
        let j = unquotedFrom;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === LF) break;
          if (c === QUOTE) problem ??= { code: 'BAD_CSV', message: msg('importRow.quoteInside', { field: fields.length + 1 }) };
          j++;
        }
        let end = j;
        if (end > unquotedFrom && text.charCodeAt(end - 1) === CR) end--;
        if (!quoted) value = text.slice(unquotedFrom, end);
        i = j;
      } else if (text.charCodeAt(i) === CR) {
        i++; // CR of a CRLF (or a final CR) after a closing quote
      }
      fields.push(value);
      if (i >= n) {
        endOfRecord = true;
      } else if (text.charCodeAt(i) === COMMA) {
        i++; // a comma as the very last character still opens one more (empty) field
      } else {
        // LF
        i++;
        line++;
        endOfRecord = true;
      }
    }
    if (!problem && i - recordStart > maxRecordLength) {
      problem = { code: 'LINE_TOO_LONG', message: msg('importRow.recordTooLong', { max: maxRecordLength }) };
    }
    records.push(problem ? { line: recordLine, fields, problem } : { line: recordLine, fields });
  }
  return records;
}

function* parseCsv(text: string, limits: Limits): Generator<void, ImportResult> {
  const records = tokenizeCsv(text, limits.maxLineLength).filter((r) => r.problem || !r.fields.every((f) => f === ''));
  const header = records[0];
  if (!header) return { rows: [], errors: [{ line: 1, code: 'BAD_HEADER', message: msg('importRow.emptyFile') }] };
  if (records.length - 1 > limits.maxRows) return { rows: [], errors: [tooManyRows(records[limits.maxRows + 1]!.line, limits.maxRows)] };
  if (header.problem) return { rows: [], errors: [{ line: header.line, code: header.problem.code, message: msg('importRow.headerRow', { problem: header.problem.message }) }] };

  const mapped = mapHeader(header);
  if (mapped.fatal) return { rows: [], errors: mapped.errors };
  const validator = new RowValidator();
  for (const e of mapped.errors) validator.push(e);
  const { index, width } = mapped;
  const cell = (fields: string[], column: CsvColumn): string | undefined => {
    const at = index.get(column);
    return at === undefined ? undefined : fields[at]!.trim();
  };
  for (let r = 1; r < records.length; r++) {
    if (r % ROWS_PER_TURN === 0) yield;
    const { line, fields, problem } = records[r]!;
    if (problem) {
      validator.push({ line, code: problem.code, message: problem.message });
      continue;
    }
    if (fields.length !== width) {
      validator.push({ line, code: 'BAD_CSV', message: msg('importRow.fieldCount', { expected: width, found: fields.length }) });
      continue;
    }
    const expert: Record<string, unknown> = {
      id: cell(fields, 'id'),
      specialties: splitList(cell(fields, 'specialties')!),
      region: cell(fields, 'region'),
      employer: cell(fields, 'employer'),
      status: statusValue(cell(fields, 'status')!),
    };
    const suspendedUntil = cell(fields, 'suspendedUntil');
    if (suspendedUntil !== undefined) expert['suspendedUntil'] = suspendedUntil === '' ? null : suspendedUntil;
    const unavailable = cell(fields, 'unavailable');
    if (unavailable !== undefined) expert['unavailable'] = splitList(unavailable);
    const personal = { name: cell(fields, 'name'), phone: cell(fields, 'phone'), idNumber: cell(fields, 'idNumber') };
    validator.validate(line, expert, personal, '');
  }
  return validator.result();
}

interface MappedHeader {
  readonly index: Map<CsvColumn, number>;
  readonly width: number;
  readonly errors: ImportError[];
  /** Rows cannot be read reliably: missing, doubled or unrecognisable columns. */
  readonly fatal: boolean;
}

function mapHeader(header: CsvRecord): MappedHeader {
  const { line, fields } = header;
  const index = new Map<CsvColumn, number>();
  const errors: ImportError[] = [];
  let fatal = false;
  const unknown: number[] = [];
  fields.forEach((raw, at) => {
    const name = raw.trim();
    const column = HEADER_LOOKUP.get(name.toLowerCase());
    if (column === undefined) {
      unknown.push(at);
      return;
    }
    const earlier = index.get(column);
    if (earlier !== undefined) {
      errors.push({ line, field: column, code: 'BAD_HEADER', message: msg('importRow.columnTwice', { first: earlier + 1, second: at + 1, column }) });
      fatal = true;
    } else {
      index.set(column, at);
    }
  });
  if (index.size === 0) {
    // Most likely the header row is missing and this is data: do not echo any of it.
    return { index, width: fields.length, fatal: true, errors: [{ line, code: 'BAD_HEADER', message: msg('importRow.noHeader') }] };
  }
  for (const at of unknown) {
    const name = fields[at]!.trim();
    if (name === '') {
      errors.push({ line, code: 'UNKNOWN_COLUMN', message: msg('importRow.blankColumn', { column: at + 1 }) });
    } else if (name.toLowerCase() === 'relations' || name === '回避关系') {
      errors.push({ line, code: 'UNKNOWN_COLUMN', message: msg('importRow.relationsColumn', { column: at + 1, name }) });
    } else {
      const shown = name.length > MAX_ECHOED_HEADER ? `${name.slice(0, MAX_ECHOED_HEADER)}…` : name;
      errors.push({ line, code: 'UNKNOWN_COLUMN', message: msg('importRow.unknownColumn', { column: at + 1, name: JSON.stringify(shown) }) });
    }
  }
  for (const column of REQUIRED_COLUMNS) {
    if (!index.has(column)) {
      errors.push({ line, field: column, code: 'MISSING_COLUMN', message: msg('importRow.missingColumn', { column, aliases: CSV_HEADER_ALIASES[column].join(' / ') }) });
      fatal = true;
    }
  }
  return { index, width: fields.length, errors, fatal };
}

function splitList(cell: string): string[] {
  if (cell === '') return [];
  return cell
    .split(LIST_SEPARATOR)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** English or Chinese status; an unknown value goes through unchanged so the schema reports it. */
function statusValue(cell: string): string {
  return STATUS_VALUES.get(cell.toLowerCase()) ?? cell;
}
