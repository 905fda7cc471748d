// Bulk import through inject(): CSV with Chinese headers and a BOM, JSON lines, every bad row reported with its line,
// nothing stored in mode=all, the valid rows in mode=valid, no personal value in any answer or log entry.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal } from '../../../src/pool/generator.js';
import { build, type Built } from '../../helper.js';

let t: Built;
const fixture = (name: string) => readFileSync(new URL(`../../pool/fixtures/${name}`, import.meta.url));
beforeAll(async () => {
  t = await build();
});
afterAll(async () => {
  await t.close();
});

const post = (body: Buffer | string, type: string, mode?: 'all' | 'valid') =>
  t.app.inject({ method: 'POST', url: `/v1/experts/import${mode ? `?mode=${mode}` : ''}`, headers: { ...t.auth('pool-manager'), 'content-type': type }, payload: body });

describe('bulk import', () => {
  it('imports a Chinese-header CSV with a BOM in one transaction, one log entry per expert, one pool version', async () => {
    const logBefore = await t.ctx.store.logSize();
    const res = await post(fixture('experts-zh.csv'), 'text/csv; charset=utf-8');
    expect(res.statusCode).toBe(200);
    const out = res.json();
    expect(out.errors).toEqual([]);
    expect(out.imported).toBeGreaterThan(0);
    expect(await t.ctx.store.logSize()).toBe(logBefore + out.imported);
    expect(out.poolVersion).toBe(1);
    const csv = fixture('experts-zh.csv').toString('utf8');
    const secrets = csv.split(/\r?\n/).slice(1).filter(Boolean).flatMap((l) => l.split(',').slice(1, 4));
    expect(secrets.length).toBeGreaterThan(0);
    for (let i = logBefore; i < logBefore + out.imported; i++) {
      const entry = (await t.ctx.auditLog.entry(i)).toString();
      for (const s of secrets) expect(entry).not.toContain(s);
    }
    for (const s of secrets) expect(res.body).not.toContain(s);
  });

  it('imports a GBK CSV as Excel on a Chinese Windows saves it, when declared; says once what an undeclared one is', async () => {
    // The same rows with new ids, phones and ID numbers, encoded in GBK (GB18030 reads it), without the BOM Excel leaves out.
    const csv = fixture('experts-zh.csv').toString('utf8').replace(/^\uFEFF/, '');
    const [header, ...rows] = csv.split(/\r?\n/).filter(Boolean);
    const renamed = rows.map((r, i) => {
      const cells = r.split(',');
      return [`G${String(i + 1).padStart(7, '0')}`, cells[1], syntheticPersonal(7000 + i).phone, syntheticPersonal(7000 + i).idNumber, ...cells.slice(4)].join(',');
    });
    const gbk = toGbk(`${header}\r\n${renamed.join('\r\n')}\r\n`);
    expect(gbk.equals(Buffer.from(`${header}\r\n${renamed.join('\r\n')}\r\n`))).toBe(false);
    // Undeclared: one error that says what the file is and what to do, not one a line.
    const undeclared = await post(gbk, 'text/csv');
    expect(undeclared.statusCode).toBe(422);
    expect(undeclared.json().error.details.errors).toEqual([{ line: 1, code: 'BAD_ENCODING', message: expect.stringContaining('很可能是 Excel 保存的 GBK 文件') }]);
    // Declared GBK but sent as UTF-8: refused, never stored garbled.
    const wrong = await post(Buffer.from(`${header}\n${renamed.join('\n')}\n`), 'text/csv; charset=gbk');
    expect(wrong.json().error.details.errors[0].message).toContain('内容是 UTF-8');
    const declared = await post(gbk, 'text/csv; charset=gbk');
    expect(declared.statusCode, declared.body).toBe(200);
    expect(declared.json()).toMatchObject({ imported: renamed.length, errors: [] });
    // The names read as written: the first row's name is its UTF-8 fixture's.
    expect(t.ctx.pool.personal('G0000001').name).toBe(rows[0]!.split(',')[1]);
  });

  it('lists the first 1,000 errors of a file with very many, and counts them all (a 72 MB answer held the service)', async () => {
    const logBefore = await t.ctx.store.logSize();
    const empty = '{}\n'.repeat(100_000);
    const res = await post(empty, 'application/x-ndjson');
    expect(res.statusCode).toBe(422);
    const { details } = res.json().error;
    expect(details.errors).toHaveLength(1000);
    // Six fields missing on every one of 100,000 lines.
    expect(details.errorCount).toBe(600_000);
    expect(details.rows).toBe(0);
    expect(details.errors[0].line).toBe(1);
    expect(res.body.length).toBeLessThan(300_000);
    // mode=valid stores what is good and answers 200 with the same cut (within the 100,000 rows a file may hold).
    const good = generatePool({ size: 3, seed: 'import-cap' })
      .experts.map((e, i) => JSON.stringify({ ...e, id: `CAP${i}`, personal: syntheticPersonal(9500 + i) }))
      .join('\n');
    const valid = await post(`${'{}\n'.repeat(50_000)}${good}`, 'application/x-ndjson', 'valid');
    expect(valid.statusCode, valid.body.slice(0, 600)).toBe(200);
    expect(valid.json()).toMatchObject({ errorCount: 300_000 });
    expect(valid.json().imported).toBe(3);
    expect(valid.json().errors).toHaveLength(1000);
    expect(await t.ctx.store.logSize()).toBe(logBefore + valid.json().imported);
  });

  it('takes an ID number whose check character is a lower-case x, stored as X', async () => {
    const n = [...Array(400).keys()].map((i) => 9700 + i).find((i) => syntheticPersonal(i).idNumber.endsWith('X'))!;
    const personal = syntheticPersonal(n);
    const expert = { ...generatePool({ size: 1, seed: 'lower-x' }).experts[0]!, id: 'LOWERX1' };
    const res = await post(`${JSON.stringify({ ...expert, personal: { ...personal, idNumber: personal.idNumber.toLowerCase() } })}\n`, 'application/x-ndjson');
    expect(res.statusCode, res.body).toBe(200);
    expect(t.ctx.pool.personal('LOWERX1').idNumber).toBe(personal.idNumber);
    expect(await t.ctx.pool.byIdNumber(personal.idNumber)).toBe('LOWERX1');
  });

  it('imports JSON lines', async () => {
    const res = await post(fixture('experts.jsonl'), 'application/x-ndjson');
    expect(res.statusCode).toBe(200);
    expect(res.json().errors).toEqual([]);
  });

  it('rejects a file with bad rows whole by default, naming every line, storing nothing', async () => {
    const logBefore = await t.ctx.store.logSize();
    const experts = (await t.ctx.store.listRecords('experts')).length;
    const res = await post(fixture('bad.csv'), 'text/csv');
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.error.code).toBe('IMPORT_REJECTED');
    expect(body.error.details.errors.length).toBeGreaterThan(0);
    for (const e of body.error.details.errors) expect(e.line).toBeGreaterThan(0);
    expect(await t.ctx.store.logSize()).toBe(logBefore);
    expect((await t.ctx.store.listRecords('experts')).length).toBe(experts);
  });

  it('with mode=valid stores the valid rows and reports the others', async () => {
    const logBefore = await t.ctx.store.logSize();
    const fresh = generatePool({ size: 3, seed: 'import-valid' }).experts.map((e, i) => ({ ...e, id: `IMP${i}`, personal: syntheticPersonal(9000 + i) }));
    const lines = [JSON.stringify(fresh[0]), '{"id": "IMP-broken",', JSON.stringify({ ...fresh[1], region: '12' }), JSON.stringify(fresh[2])];
    const res = await post(lines.join('\n'), 'application/x-ndjson', 'valid');
    expect(res.statusCode).toBe(200);
    const out = res.json();
    expect(out.imported).toBe(2);
    expect(out.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
      [2, 'BAD_JSON'],
      [3, 'INVALID_FIELD'],
    ]);
    expect(await t.ctx.store.logSize()).toBe(logBefore + 2);
    expect(t.ctx.pool.get('IMP0').id).toBe('IMP0');
    expect(() => t.ctx.pool.get('IMP1')).toThrow();
  });

  it('reports rows already in the pool (same id or same ID number)', async () => {
    const res = await post(fixture('experts.jsonl'), 'application/x-ndjson');
    expect(res.statusCode).toBe(422);
    const codes = new Set(res.json().error.details.errors.map((e: { code: string }) => e.code));
    expect(codes.has('DUPLICATE_ID') || codes.has('DUPLICATE_ID_NUMBER')).toBe(true);
  });

  it('refuses duplicates within rows handed to the pool service directly, not only those the parser sees', async () => {
    // Ids and ID numbers no earlier test in this file used.
    const pool = { experts: generatePool({ size: 3, seed: 'direct-duplicates' }).experts.map((e, i) => ({ ...e, id: `E-DIRECT-${i}` })) };
    const by = { sub: 'seed', role: 'admin' as const, iat: 0, exp: 0 };
    const twin = syntheticPersonal(9900);
    const rows = [
      { line: 1, expert: pool.experts[0]!, personal: twin },
      { line: 2, expert: pool.experts[1]!, personal: twin },
      { line: 3, expert: pool.experts[0]!, personal: syntheticPersonal(9901) },
      { line: 4, expert: pool.experts[2]!, personal: syntheticPersonal(9902) },
    ];
    const size = await t.ctx.store.logSize();
    await expect(t.ctx.pool.import(rows, [], 'all', by)).rejects.toMatchObject({ code: 'IMPORT_REJECTED' });
    expect(await t.ctx.store.logSize()).toBe(size);
    const out = await t.ctx.pool.import(rows, [], 'valid', by);
    expect(out.imported).toBe(2);
    expect(out.errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'DUPLICATE_ID_NUMBER'],
      [3, 'DUPLICATE_ID'],
    ]);
    expect(await t.ctx.pool.byIdNumber(twin.idNumber)).toBe(pool.experts[0]!.id);
  });

  it('refuses a dry run or a retirement asked outside upsert, storing nothing, where it used to import the file', async () => {
    const logBefore = await t.ctx.store.logSize();
    for (const query of ['dryRun=true', 'retireMissing=true', 'mode=valid&dryRun=true', 'mode=all&retireMissing=true', 'admission=applied&dryRun=true']) {
      const res = await t.app.inject({ method: 'POST', url: `/v1/experts/import?${query}`, headers: { ...t.auth('pool-manager'), 'content-type': 'application/x-ndjson', 'accept-language': 'zh-CN' }, payload: fixture('experts.jsonl') });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.details.issues[0]).toEqual(expect.objectContaining({ path: '/mode', message: 'dryRun 和 retireMissing 只用于 mode=upsert（按修订后的专家库文件更新）' }));
    }
    expect(await t.ctx.store.logSize()).toBe(logBefore);
    const asked = await t.app.inject({ method: 'POST', url: '/v1/experts/import?mode=upsert&admission=applied', headers: { ...t.auth('pool-manager'), 'content-type': 'application/x-ndjson' }, payload: fixture('experts.jsonl') });
    expect(asked.json().error.details.issues[0].message).toBe('admission=applied 将文件中的专家登记为入库申请：请用 mode=all 或 mode=valid');
  });

  it('refuses other content types and other roles', async () => {
    expect((await post('a,b', 'application/pdf')).statusCode).toBe(415);
    const res = await t.app.inject({ method: 'POST', url: '/v1/experts/import', headers: { ...t.auth('operator'), 'content-type': 'text/csv' }, payload: 'x' });
    expect(res.statusCode).toBe(403);
  });
});

/** GBK bytes of text (ASCII as is; each other character by the two-byte code GB18030 decodes to it). */
function toGbk(text: string): Buffer {
  const codes = new Map<string, number[]>();
  const decoder = new TextDecoder('gb18030');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(lead, trail));
      if (ch.length === 1 && !codes.has(ch)) codes.set(ch, [lead, trail]);
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else {
      const code = codes.get(ch);
      if (!code) throw new Error(`no GBK code for ${ch}`);
      out.push(...code);
    }
  }
  return Buffer.from(out);
}
