// Bulk import parser: both formats, BOM and line endings, header variants, RFC 4180 quoting, every error code with exact line numbers, no personal data in errors, and a round trip.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expert, ExpertPersonal } from '../../src/domain/expert.js';
import { LANGS } from '../../src/i18n/language.js';
import { localize } from '../../src/i18n/message.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import {
  CSV_COLUMNS,
  CSV_HEADER_ALIASES,
  IMPORT_ERROR_CODES,
  MAX_IMPORT_ROWS,
  detectFormat,
  parseImport,
  parseImportInTurns,
  type CsvColumn,
  type ImportError,
  type ImportErrorCode,
  type ImportFormat,
  type ImportOptions,
  type ImportResult,
} from '../../src/pool/import-parser.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const BOM = '\uFEFF';
const USCC = syntheticUscc(1);
const P1 = syntheticPersonal(1);
const P2 = syntheticPersonal(2);
const HEADER = 'id,name,phone,idNumber,specialties,region,employer,status';
const csvRow = (id: string, p: ExpertPersonal, rest = `A01,110105,${USCC},active`) => `${id},${p.name},${p.phone},${p.idNumber},${rest}`;
const jsonRow = (id: string, p: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, specialties: ['A01'], region: '110105', employer: USCC, status: 'active', ...extra, personal: p });

/** Errors as [line, code, field] triples, the shape most assertions compare. */
const brief = (r: ImportResult) => r.errors.map((e) => [e.line, e.code, e.field ?? null]);
const lines = (r: ImportResult) => r.rows.map((row) => row.line);

describe('detectFormat', () => {
  it('trusts the content types it knows, ignoring case and parameters', () => {
    expect(detectFormat('application/x-ndjson', '')).toBe('jsonl');
    expect(detectFormat('application/jsonl; charset=utf-8', 'id,name')).toBe('jsonl');
    expect(detectFormat('Text/CSV; charset=UTF-8', '{')).toBe('csv');
  });

  it('sniffs JSON lines and a CSV header row (English or Chinese, with or without a BOM)', () => {
    expect(detectFormat(undefined, Buffer.from('\n  {"id":"E1"}\n'))).toBe('jsonl');
    expect(detectFormat('application/octet-stream', fixture('experts-zh.csv').subarray(0, 64))).toBe('csv');
    expect(detectFormat('text/plain', `${BOM}"ID", Name ,手机`)).toBe('csv');
    expect(detectFormat(null, fixture('experts-mixed.csv'))).toBe('csv');
  });

  it('returns null when neither the type nor the content tells', () => {
    expect(detectFormat(undefined, '')).toBeNull();
    expect(detectFormat('application/vnd.ms-excel', Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))).toBeNull();
    expect(detectFormat('text/plain', 'E0000001,王伟,13800000000')).toBeNull();
  });
});

describe('JSON lines', () => {
  it('parses the fixture, skipping blank lines while keeping line numbers true to the file', () => {
    const r = parseImport(fixture('experts.jsonl'), 'jsonl');
    expect(r.errors).toEqual([]);
    expect(lines(r)).toEqual([1, 2, 4, 6]);
    const [first, second, third] = r.rows;
    expect(first!.expert.relations).toEqual([
      { kind: 'org', holder: 'self', role: 'employee', org: '911101050000000035', until: '2025-06-30' },
      { kind: 'relative', expertId: 'E0000003' },
    ]);
    // The fixture's rows were written from an earlier generator: their personal data is fixed text.
    expect(first!.personal).toEqual({ name: '杨丽', phone: '15973994367', idNumber: '110105198909125198' });
    // Omitted optional fields take the schema defaults.
    expect(second!.expert).toEqual({
      id: 'E0000002',
      specialties: ['C03'],
      region: '310101',
      employer: '91310101000000002M',
      status: 'active',
      suspendedUntil: null,
      unavailable: [],
      relations: [],
    });
    expect(third!.expert).toMatchObject({ status: 'suspended', suspendedUntil: '2027-01-31', unavailable: ['2026-12-03', '2026-12-04'] });
    expect(third!.personal.idNumber.endsWith('X')).toBe(true);
  });

  it('gives the same result with a BOM, with CRLF, and from a string', () => {
    const text = fixture('experts.jsonl').toString('utf8');
    const plain = parseImport(text, 'jsonl');
    expect(parseImport(Buffer.from(BOM + text), 'jsonl')).toEqual(plain);
    expect(parseImport(Buffer.from(BOM + text.replaceAll('\n', '\r\n')), 'jsonl')).toEqual(plain);
    expect(parseImport(BOM + text, 'jsonl')).toEqual(plain);
  });

  it('reports every bad line of the bad fixture with its line number, field and code', () => {
    const r = parseImport(fixture('bad.jsonl'), 'jsonl');
    expect(lines(r)).toEqual([1]);
    expect(brief(r)).toEqual([
      [2, 'BAD_JSON', null],
      [3, 'BAD_JSON', null],
      [4, 'BAD_JSON', null],
      [6, 'INVALID_FIELD', 'personal.phone'],
      [7, 'INVALID_FIELD', 'nickname'],
      [7, 'INVALID_FIELD', null], // a key that looks like personal data is not named
      [7, 'INVALID_FIELD', 'personal.email'],
      [8, 'INVALID_FIELD', 'relations.0.org'],
      [9, 'DUPLICATE_ID', 'id'],
      [10, 'DUPLICATE_ID_NUMBER', 'personal.idNumber'],
      [11, 'INVALID_FIELD', 'specialties'],
      [11, 'INVALID_FIELD', 'personal.idNumber'],
      [12, 'INVALID_FIELD', 'personal'],
      [13, 'BAD_JSON', null],
    ]);
    expect(r.errors.find((e) => e.line === 2)!.message.text('en')).toMatch(/^not valid JSON \(near column \d+\)$/);
    expect(r.errors.find((e) => e.line === 4)!.message.text('en')).toBe('expected a JSON object, found an array');
    expect(r.errors.find((e) => e.line === 13)!.message.text('en')).toBe('expected a JSON object, found null');
    expect(r.errors.find((e) => e.code === 'DUPLICATE_ID')!.message.text('en')).toBe('expert id already used on line 1');
    expect(r.errors.find((e) => e.code === 'DUPLICATE_ID_NUMBER')!.message.text('en')).toBe('ID number already used on line 1');
  });

  it('rejects lines that are not one object', () => {
    const r = parseImport(['42', '"E1"', 'true', '{} {}', '{"a":1}x'].join('\n'), 'jsonl');
    expect(brief(r)).toEqual([1, 2, 3, 4, 5].map((line) => [line, 'BAD_JSON', null]));
    expect(r.errors.map((e) => e.message.text('en')).slice(0, 3)).toEqual([
      'expected a JSON object, found number',
      'expected a JSON object, found string',
      'expected a JSON object, found boolean',
    ]);
  });

  it('an empty file is empty, not an error', () => {
    expect(parseImport('', 'jsonl')).toEqual({ rows: [], errors: [] });
    expect(parseImport(`${BOM}\n\r\n  \n`, 'jsonl')).toEqual({ rows: [], errors: [] });
  });
});

describe('CSV', () => {
  it('parses Chinese headers, a BOM, CRLF, Chinese statuses and every list separator', () => {
    const r = parseImport(fixture('experts-zh.csv'), 'csv');
    expect(r.errors).toEqual([]);
    expect(lines(r)).toEqual([2, 3, 5, 6]);
    expect(r.rows.map((row) => row.expert.status)).toEqual(['active', 'suspended', 'blacklisted', 'retired']);
    expect(r.rows[0]!.expert).toEqual({
      id: 'E0000005',
      specialties: ['A0101', 'B02'],
      region: '110105',
      employer: '91110105000000001Y',
      status: 'active',
      suspendedUntil: null,
      unavailable: [],
      relations: [],
    });
    expect(r.rows[0]!.personal).toEqual({ name: '陈芳', phone: '18636357175', idNumber: '110105198110019458' });
    expect(r.rows[1]!.expert).toMatchObject({ specialties: ['C03', 'A010203'], suspendedUntil: '2027-03-01', unavailable: ['2026-12-10', '2026-12-11'] });
    expect(r.rows[3]!.expert.unavailable).toEqual(['2026-12-24']);
  });

  it('says which statuses a file may write, the Chinese words as well as the codes, in both languages', () => {
    const r = parseImport([HEADER, csvRow('E1', P1, `A01,110105,${USCC},在职`)].join('\n'), 'csv');
    expect(brief(r)).toEqual([[2, 'INVALID_FIELD', 'status']]);
    expect(localize(r.errors[0]!.message, 'zh-CN')).toBe('取值须为以下之一：active、suspended、blacklisted、retired（CSV 文件中也可写 正常、暂停、黑名单、退休）');
    expect(localize(r.errors[0]!.message, 'en')).toBe('must be one of: active, suspended, blacklisted, retired (a CSV file may also write them in Chinese)');
    expect(localize(r.errors[0]!.message, 'en')).not.toContain('在职');
  });

  it('gives the same result without the BOM and with LF line endings', () => {
    const text = fixture('experts-zh.csv').toString('utf8');
    expect(text.startsWith(BOM)).toBe(true);
    expect(text).toContain('\r\n');
    const withBom = parseImport(fixture('experts-zh.csv'), 'csv');
    expect(parseImport(text.slice(1), 'csv')).toEqual(withBom);
    expect(parseImport(Buffer.from(text.slice(1).replaceAll('\r\n', '\n')), 'csv')).toEqual(withBom);
  });

  it('parses mixed English/Chinese headers (any case, padded) and quoted fields with commas, quotes and newlines', () => {
    const r = parseImport(fixture('experts-mixed.csv'), 'csv');
    // The third record spans lines 4–5, so the next one starts on line 6; a line break is no part of a name.
    expect(brief(r)).toEqual([[4, 'BAD_TEXT', 'name']]);
    expect(lines(r)).toEqual([2, 3, 6]);
    expect(r.rows.map((row) => row.personal.name)).toEqual(['张,杰', '张"军"', '吴磊强']);
    expect(r.rows[0]!.expert.specialties).toEqual(['A01', 'B0203']);
    expect(r.rows.map((row) => row.expert.status)).toEqual(['active', 'suspended', 'active']);
    expect(r.rows[2]!.expert.region).toBe('320102'); // unquoted cells are trimmed
    // Optional columns absent: defaults.
    expect(r.rows[0]!.expert).toMatchObject({ suspendedUntil: null, unavailable: [], relations: [] });
  });

  it('keeps CRLF inside quotes, empty quoted cells, and line numbers after multi-line records', () => {
    const text = [
      HEADER,
      `E1,"王\r\n伟",${P1.phone},${P1.idNumber},"A01|B02",110105,"${USCC}",ACTIVE`,
      '',
      ',,,,,,,',
      `"E2","李""四""\n\n",${P2.phone},${P2.idNumber},A01,110105,${USCC},""`,
      `E3,赵,${syntheticPersonal(3).phone},${syntheticPersonal(3).idNumber},A01,110105,${USCC},retired`,
    ].join('\r\n');
    const r = parseImport(text, 'csv');
    expect(lines(r)).toEqual([9]);
    // A line break is no part of a name; an empty status; each record reported on the line it started on.
    expect(brief(r)).toEqual([
      [2, 'BAD_TEXT', 'name'],
      [6, 'INVALID_FIELD', 'status'],
    ]);
  });

  it('reads a last record without a line end, and one ended by a bare CR', () => {
    const body = `${HEADER}\n${csvRow('E1', P1)}`;
    expect(lines(parseImport(body, 'csv'))).toEqual([2]);
    expect(lines(parseImport(`${body}\r`, 'csv'))).toEqual([2]);
    expect(lines(parseImport(`${HEADER}\n${csvRow('E1', P1, `A01,110105,${USCC},"active"`)}\r`, 'csv'))).toEqual([2]);
  });

  it('reports every bad record of the bad fixture with the line it starts on', () => {
    const r = parseImport(fixture('bad.csv'), 'csv');
    expect(lines(r)).toEqual([2]);
    expect(brief(r)).toEqual([
      [3, 'INVALID_FIELD', 'phone'],
      [4, 'INVALID_FIELD', 'idNumber'],
      [5, 'DUPLICATE_ID', 'id'],
      [6, 'DUPLICATE_ID_NUMBER', 'idNumber'],
      [7, 'INVALID_FIELD', 'specialties.0'],
      [7, 'INVALID_FIELD', 'region'],
      [7, 'INVALID_FIELD', 'employer'],
      [7, 'INVALID_FIELD', 'status'],
      [8, 'BAD_CSV', null],
      [9, 'BAD_CSV', null],
      [10, 'BAD_CSV', null],
      [11, 'INVALID_FIELD', 'specialties'],
      [11, 'INVALID_FIELD', 'name'],
      [12, 'BAD_CSV', null],
      // Duplicates are found on raw values, even against a row (line 3) that failed for another reason.
      [13, 'DUPLICATE_ID', 'id'],
      [13, 'DUPLICATE_ID_NUMBER', 'idNumber'],
      // An unclosed quote runs to the end of the file: one error, at the line the record starts on.
      [14, 'BAD_CSV', null],
    ]);
    const messages = new Map(r.errors.map((e) => [`${e.line}:${e.code}:${e.field ?? ''}`, e.message.text('en')]));
    expect(messages.get('5:DUPLICATE_ID:id')).toBe('expert id already used on line 2');
    expect(messages.get('6:DUPLICATE_ID_NUMBER:idNumber')).toBe('ID number already used on line 2');
    expect(messages.get('13:DUPLICATE_ID:id')).toBe('expert id already used on line 3');
    expect(messages.get('8:BAD_CSV:')).toBe('expected 8 fields as in the header, found 3');
    expect(messages.get('9:BAD_CSV:')).toBe('field 2: a quote inside an unquoted field');
    expect(messages.get('10:BAD_CSV:')).toBe('expected 8 fields as in the header, found 9');
    expect(messages.get('12:BAD_CSV:')).toBe('field 2: text after a closing quote');
    expect(messages.get('14:BAD_CSV:')).toBe('a quoted field starting on this line is never closed');
  });

  it('names unknown columns on the header line and still checks every row', () => {
    const text = [`${HEADER},备注,relations,`, `${csvRow('E1', { ...P1, phone: 'x' })},note,[],`, `${csvRow('E2', P2)},,,`].join('\n');
    const r = parseImport(text, 'csv');
    expect(brief(r)).toEqual([
      [1, 'UNKNOWN_COLUMN', null],
      [1, 'UNKNOWN_COLUMN', null],
      [1, 'UNKNOWN_COLUMN', null],
      [2, 'INVALID_FIELD', 'phone'],
    ]);
    expect(r.errors.map((e) => e.message.text('en')).slice(0, 3)).toEqual([
      'unknown column 9 "备注"',
      'column 10 "relations": relations are not imported through CSV; use JSON lines',
      'column 11 has no header',
    ]);
    expect(lines(r)).toEqual([3]);
  });

  it('names every missing required column and reads no rows', () => {
    const r = parseImport(`\n\nid,姓名,手机,专业,地区,单位\n${'E1,王伟,13800000000,A01,110105,' + USCC}\n`, 'csv');
    expect(r.rows).toEqual([]);
    // Leading blank lines are skipped: the header is on line 3.
    expect(brief(r)).toEqual([
      [3, 'MISSING_COLUMN', 'idNumber'],
      [3, 'MISSING_COLUMN', 'status'],
    ]);
    expect(r.errors[0]!.message.text('en')).toBe('required column idNumber (身份证号 / 身份证号码) is missing');
  });

  it('refuses a header that maps two columns to one field, or that is not a header at all', () => {
    const doubled = parseImport(`${HEADER},联系电话\n${csvRow('E1', P1)},${P1.phone}\n`, 'csv');
    expect(brief(doubled)).toEqual([[1, 'BAD_HEADER', 'phone']]);
    expect(doubled.errors[0]!.message.text('en')).toBe('columns 3 and 9 both give phone');
    expect(doubled.rows).toEqual([]);

    const headerless = parseImport(`${csvRow('E1', P1)}\n${csvRow('E2', P2)}\n`, 'csv');
    expect(brief(headerless)).toEqual([[1, 'BAD_HEADER', null]]);
    expect(headerless.errors[0]!.message.text('en')).toBe('no recognised column names in the first row; is the header row missing?');

    expect(brief(parseImport(`${BOM}\r\n\r\n`, 'csv'))).toEqual([[1, 'BAD_HEADER', null]]);
    expect(brief(parseImport(`"id,name\n`, 'csv'))).toEqual([[1, 'BAD_CSV', null]]);
  });

  it('a header with no rows is an empty import', () => {
    expect(parseImport(`${HEADER}\r\n`, 'csv')).toEqual({ rows: [], errors: [] });
  });
});

describe('limits and encoding', () => {
  it('counts rows (not blank lines) against the row limit and names the first row over it', () => {
    const jsonl = [jsonRow('E1', P1), '', jsonRow('E2', P2), jsonRow('E3', syntheticPersonal(3))].join('\n');
    expect(parseImport(jsonl, 'jsonl', { maxRows: 3 }).errors).toEqual([]);
    expect(localize(parseImport(jsonl, 'jsonl', { maxRows: 2 }), 'en')).toEqual({
      rows: [],
      errors: [{ line: 4, code: 'TOO_MANY_ROWS', message: 'more than 2 rows; split the file' }],
    });
    const csv = [HEADER, csvRow('E1', P1), '', csvRow('E2', P2)].join('\n');
    expect(parseImport(csv, 'csv', { maxRows: 2 }).errors).toEqual([]);
    expect(brief(parseImport(csv, 'csv', { maxRows: 1 }))).toEqual([[4, 'TOO_MANY_ROWS', null]]);
  });

  it(`refuses more than ${MAX_IMPORT_ROWS} rows by default, before validating any`, () => {
    const jsonl = parseImport('{}\n'.repeat(MAX_IMPORT_ROWS + 1), 'jsonl');
    expect(brief(jsonl)).toEqual([[MAX_IMPORT_ROWS + 1, 'TOO_MANY_ROWS', null]]);
    const csv = parseImport(`id\n${'x\n'.repeat(MAX_IMPORT_ROWS + 1)}`, 'csv');
    expect(brief(csv)).toEqual([[MAX_IMPORT_ROWS + 2, 'TOO_MANY_ROWS', null]]);
  });

  it('caps the length of a line (JSON lines) or a record (CSV)', () => {
    const long = jsonRow('E2', P2, { unavailable: ['2026-12-01'] });
    const options: ImportOptions = { maxLineLength: long.length - 1 };
    const jsonl = parseImport([jsonRow('E1', P1), long].join('\n'), 'jsonl', options);
    expect(lines(jsonl)).toEqual([1]);
    expect(brief(jsonl)).toEqual([[2, 'LINE_TOO_LONG', null]]);

    // A record of many short lines (a quoted name full of newlines) is capped as a whole.
    const row = csvRow('E1', P1);
    const longRecord = csvRow('E1', { ...P1, name: `"${P1.name}${'\n'.repeat(20)}${P1.name}"` });
    const csv = parseImport([HEADER, csvRow('E0', P2), longRecord, csvRow('E2', syntheticPersonal(3))].join('\n'), 'csv', {
      maxLineLength: row.length + 10,
    });
    expect(brief(csv)).toEqual([[3, 'LINE_TOO_LONG', null]]);
    expect(lines(csv)).toEqual([2, 24]);
  });

  it('reports lines that are not UTF-8 and reads nothing', () => {
    const good = Buffer.from(`${jsonRow('E1', P1)}\n\n`);
    const bad = Buffer.concat([good, Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), good, Buffer.from([0xe4, 0xb8])]);
    expect(localize(parseImport(bad, 'jsonl'), 'en')).toEqual({
      rows: [],
      errors: [
        { line: 3, code: 'BAD_ENCODING', message: 'not valid UTF-8; save the file as UTF-8' },
        { line: 6, code: 'BAD_ENCODING', message: 'not valid UTF-8; save the file as UTF-8' },
      ],
    });
    // GBK-encoded Chinese (a common export) is not UTF-8.
    expect(brief(parseImport(Buffer.from([0x69, 0x64, 0x2c, 0xd0, 0xd5, 0xc3, 0xfb]), 'csv'))).toEqual([[1, 'BAD_ENCODING', null]]);
  });
});

describe('error codes', () => {
  const cases: ReadonlyArray<{ code: ImportErrorCode; format: ImportFormat; input: string | Buffer; options?: ImportOptions }> = [
    { code: 'BAD_ENCODING', format: 'csv', input: Buffer.from([0xff]) },
    { code: 'BAD_HEADER', format: 'csv', input: '' },
    { code: 'UNKNOWN_COLUMN', format: 'csv', input: `${HEADER},remark\n` },
    { code: 'MISSING_COLUMN', format: 'csv', input: 'id,name\n' },
    { code: 'BAD_JSON', format: 'jsonl', input: '{' },
    { code: 'BAD_CSV', format: 'csv', input: `${HEADER}\na,b\n` },
    { code: 'LINE_TOO_LONG', format: 'jsonl', input: '{"id":"E1"}', options: { maxLineLength: 5 } },
    { code: 'INVALID_FIELD', format: 'jsonl', input: '{}' },
    { code: 'BAD_TEXT', format: 'jsonl', input: jsonRow('E1', { ...P1, name: '\u202e伟王' }) },
    { code: 'DUPLICATE_ID', format: 'jsonl', input: `${jsonRow('E1', P1)}\n${jsonRow('E1', P2)}` },
    { code: 'DUPLICATE_ID_NUMBER', format: 'jsonl', input: `${jsonRow('E1', P1)}\n${jsonRow('E2', { ...P2, idNumber: P1.idNumber })}` },
    // The same mobile number, once with the country code: one phone.
    { code: 'DUPLICATE_PHONE', format: 'jsonl', input: `${jsonRow('E1', P1)}\n${jsonRow('E2', { ...P2, phone: `+86${P1.phone}` })}` },
    { code: 'TOO_MANY_ROWS', format: 'jsonl', input: '{}\n{}', options: { maxRows: 1 } },
  ];

  it('the closed set is exactly the codes exercised here', () => {
    expect(cases.map((c) => c.code).sort()).toEqual(Object.keys(IMPORT_ERROR_CODES).sort());
  });

  it.each(cases)('$code is produced', ({ code, format, input, options }) => {
    const r = parseImport(input, format, options);
    expect(r.errors.map((e) => e.code)).toContain(code);
  });
});

describe('no personal data in errors', () => {
  /** Every name, phone and ID number written in the bad fixtures, valid or not. */
  const PERSONAL_VALUES = {
    'bad.csv': [
      ...['杨丽', '周洋', '陈娜杰', '张芳娜', '陈芳', '徐伟芳', '周明强', '敏勇', '张杰', '孙勇', '吴磊强', '张军'],
      ...['15973994367', '1813428387x', '13001440022', '17223147566', '18636357175', '19865526171', '17990252044'],
      ...['18138657903', '15631448374', '17830361372', '13857789919', '18134283873', '15756604950'],
      ...['110105198909125198', '110105198901064968', '110105197101142531', '110105196811236966', '110105199409012247'],
      ...['110105196004192370', '110105198511062895', '11010519630425799X', '110105198209276737', '110105196205110351'],
    ],
    'bad.jsonl': [
      ...['杨丽', '周洋', '陈娜杰', '张芳娜', '陈芳', '徐伟芳', '周明强', '孙敏勇', '张杰', '张军'],
      ...['15973994367', '18134283873', '13001440022', '17223147566', '186-3635-7175', '19865526171', '17990252044'],
      ...['18138657903', '15631448374', '17830361372'],
      ...['110105198909125198', '110105198901064968', '110105198110019458', '110105199409012247', '110105198408240016'],
      ...['110105196004192370'],
    ],
  } as const;

  const leaks = (errors: readonly ImportError[], values: readonly string[]) =>
    errors.flatMap((e) => values.filter((v) => LANGS.some((lang) => e.message.text(lang).includes(v)) || (e.field ?? '').includes(v)).map((v) => `line ${e.line}: ${v}`));

  it.each(Object.entries(PERSONAL_VALUES))('%s: no name, phone or ID number appears in any error', (name, values) => {
    const text = fixture(name).toString('utf8');
    for (const v of values) expect(text).toContain(v); // the list is real
    const r = parseImport(fixture(name), name.endsWith('.csv') ? 'csv' : 'jsonl');
    expect(r.errors.length).toBeGreaterThan(10);
    expect(leaks(r.errors, values)).toEqual([]);
    for (const e of r.errors) for (const lang of LANGS) expect(e.message.text(lang)).not.toMatch(/\d{6,}/);
  });

  it('holds for arbitrary malformed personal values in either format', () => {
    const han = fc.constantFrom(...'王李张刘陈杨赵黄周吴徐孙伟芳娜敏静丽强磊军·');
    const value = fc.oneof(
      fc.string({ unit: han, minLength: 1, maxLength: 8 }),
      fc.stringMatching(/^[+0-9X ()-]{6,24}$/),
      fc.stringMatching(/^[0-9]{14,20}[0-9Xx]?$/),
    );
    const personalArb = fc.record({ name: value, phone: value, idNumber: value });
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    fc.assert(
      fc.property(fc.array(personalArb, { minLength: 1, maxLength: 6 }), fc.boolean(), (people, asCsv) => {
        // Each person twice, so duplicate checks run too.
        const all = [...people, ...people];
        const input = asCsv
          ? [HEADER, ...all.map((p, i) => `E${i},${quote(p.name)},${quote(p.phone)},${quote(p.idNumber)},A01,110105,${USCC},active`)].join('\n')
          : all.map((p, i) => jsonRow(`E${i}`, p)).join('\n');
        const r = parseImport(input, asCsv ? 'csv' : 'jsonl');
        const values = all.flatMap((p) => [p.name, p.phone, p.idNumber].map((v) => v.trim())).filter((v) => v.length >= 6 || /[^\x00-\x7f]/.test(v));
        expect(leaks(r.errors, values)).toEqual([]);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Round trip: generated pools written as JSON lines or CSV by the writers below, parsed back unchanged.

const STATUS_ZH: Record<Expert['status'], string> = { active: '正常', suspended: '暂停', blacklisted: '黑名单', retired: '退休' };
const MAX_ROUND_TRIP = 20;
const PERSONALS = Array.from({ length: MAX_ROUND_TRIP }, (_, i) => syntheticPersonal(i + 1));

interface Written {
  readonly text: string;
  readonly lines: number[];
}

interface JsonlStyle {
  readonly crlf: boolean;
  readonly bom: boolean;
  /** A blank line before every k-th row (0: none). */
  readonly blankEvery: number;
}

function writeJsonl(rows: ReadonlyArray<{ expert: Expert; personal: ExpertPersonal }>, style: JsonlStyle): Written {
  const out: string[] = [];
  const lineNumbers: number[] = [];
  rows.forEach(({ expert, personal }, i) => {
    if (style.blankEvery > 0 && i % style.blankEvery === 0) out.push('');
    out.push(JSON.stringify({ ...expert, personal }));
    lineNumbers.push(out.length);
  });
  return { text: (style.bom ? BOM : '') + out.join(style.crlf ? '\r\n' : '\n'), lines: lineNumbers };
}

interface CsvStyle extends JsonlStyle {
  readonly order: readonly CsvColumn[];
  /** Per column (in `order`), which of its header spellings to use. */
  readonly headerPick: readonly number[];
  readonly chineseStatus: boolean;
  readonly separator: string;
  readonly quoteAll: boolean;
}

function csvCell(value: string, quoteAll: boolean): string {
  return quoteAll || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function cellOf(column: CsvColumn, expert: Expert, personal: ExpertPersonal, style: CsvStyle): string {
  switch (column) {
    case 'name':
    case 'phone':
    case 'idNumber':
      return personal[column];
    case 'specialties':
      return expert.specialties.join(style.separator);
    case 'unavailable':
      return expert.unavailable.join(style.separator);
    case 'status':
      return style.chineseStatus ? STATUS_ZH[expert.status] : expert.status.toUpperCase();
    case 'suspendedUntil':
      return expert.suspendedUntil ?? '';
    default:
      return expert[column];
  }
}

function writeCsv(rows: ReadonlyArray<{ expert: Expert; personal: ExpertPersonal }>, style: CsvStyle): Written {
  const eol = style.crlf ? '\r\n' : '\n';
  const spellings = (c: CsvColumn) => [c, c.toUpperCase(), ` ${c.toLowerCase()} `, ...CSV_HEADER_ALIASES[c], ` ${CSV_HEADER_ALIASES[c][0]}\t`];
  const header = style.order.map((c, k) => csvCell(spellings(c)[style.headerPick[k]! % spellings(c).length]!, style.quoteAll)).join(',');
  let text = (style.bom ? BOM : '') + header + eol;
  let line = 2;
  const lineNumbers: number[] = [];
  rows.forEach(({ expert, personal }, i) => {
    if (style.blankEvery > 0 && i % style.blankEvery === 0) {
      text += eol;
      line++;
    }
    const record = style.order.map((c) => csvCell(cellOf(c, expert, personal, style), style.quoteAll)).join(',') + eol;
    lineNumbers.push(line);
    text += record;
    line += record.split('\n').length - 1;
  });
  return { text, lines: lineNumbers };
}

describe('round trip', () => {
  const nameArb = fc
    // Line breaks are refused in names (PersonText), so quoted multi-line cells are covered by the CSV cases above.
    .string({ unit: fc.constantFrom(...'王李a Z,"；;|·'.split(''), '明'), minLength: 1, maxLength: 12 })
    .filter((s) => s.length <= 64 && s.trim() === s && s !== '');
  const rowsArb = fc
    .record({ size: fc.integer({ min: 1, max: MAX_ROUND_TRIP }), seed: fc.string({ maxLength: 6 }), names: fc.array(nameArb, { minLength: MAX_ROUND_TRIP, maxLength: MAX_ROUND_TRIP }) })
    .map(({ size, seed, names }) =>
      generatePool({ size, seed }).experts.map((expert, i) => ({ expert, personal: { ...PERSONALS[i]!, name: names[i]! } })),
    );
  const jsonlStyleArb = fc.record({ crlf: fc.boolean(), bom: fc.boolean(), blankEvery: fc.integer({ min: 0, max: 4 }) });
  const csvStyleArb = fc.record({
    crlf: fc.boolean(),
    bom: fc.boolean(),
    blankEvery: fc.integer({ min: 0, max: 4 }),
    order: fc.shuffledSubarray([...CSV_COLUMNS], { minLength: CSV_COLUMNS.length }),
    headerPick: fc.array(fc.nat(), { minLength: CSV_COLUMNS.length, maxLength: CSV_COLUMNS.length }),
    chineseStatus: fc.boolean(),
    separator: fc.constantFrom(';', '；', '|'),
    quoteAll: fc.boolean(),
  });

  it('the synthetic ID numbers used are distinct', () => {
    expect(new Set(PERSONALS.map((p) => p.idNumber)).size).toBe(MAX_ROUND_TRIP);
  });

  it('JSON lines: every field, relations included, and every line number', () => {
    fc.assert(
      fc.property(rowsArb, jsonlStyleArb, (rows, style) => {
        const written = writeJsonl(rows, style);
        const r = parseImport(Buffer.from(written.text), 'jsonl');
        expect(r.errors).toEqual([]);
        // Each row says where the file put its personal fields, for errors found later (a phone already in the pool).
        expect(r.rows).toEqual(rows.map((row, i) => ({ line: written.lines[i], ...row, personalPrefix: 'personal' })));
      }),
    );
  });

  it('CSV: every field but relations (not carried by CSV), any column order and header spelling', () => {
    fc.assert(
      fc.property(rowsArb, csvStyleArb, (rows, style) => {
        const written = writeCsv(rows, style);
        const r = parseImport(Buffer.from(written.text), 'csv');
        expect(r.errors).toEqual([]);
        expect(r.rows).toEqual(rows.map((row, i) => ({ line: written.lines[i], expert: { ...row.expert, relations: [] }, personal: row.personal })));
      }),
    );
  });
});

describe('parseImportInTurns', () => {
  it('gives the event loop a turn every 2,000 rows while it checks a large file, and answers what parseImport does', async () => {
    const file = `${'{}\n'.repeat(19_999)}{"id": 1}\n`;
    let turns = 0;
    let done = false;
    const tick = () => {
      if (done) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const inTurns = await parseImportInTurns(file, 'jsonl');
    done = true;
    // Ten slices of 2,000 rows: the loop ran between each.
    expect(turns).toBeGreaterThanOrEqual(9);
    const whole = parseImport(file, 'jsonl');
    expect(brief(inTurns)).toEqual(brief(whole));
    expect(inTurns.errors.length).toBe(whole.errors.length);
  });
});
