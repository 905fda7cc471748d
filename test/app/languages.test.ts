// Answers a person reads, in the language the request asks for: zh-CN by default, English on request, the same code in
// both, Content-Language and Vary on every error answer; validation summaries and issues, import row reasons and the
// check-in desk's answers included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';

let t: Built;
const clock = Date.parse('2026-12-01T06:00:00+08:00');
const pool = generatePool({ size: 40, seed: 'languages', fixed: [{ code: 'C990101', members: 30 }] });

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
});
afterAll(async () => {
  await t.close();
});

interface Req {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly payload?: object | string;
}
/** The same request without Accept-Language, in Chinese, and in English. */
async function inEach(req: Req) {
  const send = async (language?: string) => {
    const res = await t.app.inject({ ...req, headers: { ...(req.headers ?? {}), ...(language ? { 'accept-language': language } : {}) } });
    return { status: res.statusCode, headers: res.headers, body: res.json() };
  };
  return { none: await send(), zh: await send('zh-CN,zh;q=0.9,en;q=0.8'), en: await send('en-US,en;q=0.9,zh-CN;q=0.5') };
}

const project = (id: string) => ({ id, tenderer: syntheticUscc(7001), agency: syntheticUscc(7002), bidOpeningAt: '2026-12-01T09:00:00+08:00', region: '330106', groups: [{ specialty: 'C990101', count: 5 }] });

describe('error answers in two languages', () => {
  it('the same error: Chinese by default and on request, English on request, one code, Content-Language and Vary', async () => {
    const { none, zh, en } = await inEach({ method: 'GET', url: '/v1/projects/P-NONE', headers: t.auth('operator') });
    for (const r of [none, zh, en]) {
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('NOT_FOUND');
      expect(r.headers['vary']).toMatch(/Accept-Language/);
    }
    expect(none.body.error.message).toBe('没有编号为 P-NONE 的项目');
    expect(zh.body.error.message).toBe('没有编号为 P-NONE 的项目');
    expect(en.body.error.message).toBe('no project P-NONE');
    expect([none.headers['content-language'], zh.headers['content-language'], en.headers['content-language']]).toEqual(['zh-CN', 'zh-CN', 'en']);
  });

  it('refusals before any route: no token, an unknown route, a path parameter too long', async () => {
    const token = await inEach({ method: 'GET', url: '/v1/session' });
    expect([token.none.status, token.en.status]).toEqual([401, 401]);
    expect(token.none.body.error).toEqual({ code: 'UNAUTHENTICATED', message: '需要 Authorization: Bearer 访问令牌' });
    expect(token.en.body.error).toEqual({ code: 'UNAUTHENTICATED', message: 'an Authorization: Bearer token is required' });

    const route = await inEach({ method: 'GET', url: '/v1/nowhere' });
    expect(route.zh.body.error.message).toBe('没有此路由：GET /v1/nowhere');
    expect(route.en.body.error.message).toBe('no route GET /v1/nowhere');

    const long = await inEach({ method: 'GET', url: `/v1/projects/${'P'.repeat(200)}`, headers: t.auth('operator') });
    expect([long.none.body.error.code, long.en.body.error.code]).toEqual(['URI_TOO_LONG', 'URI_TOO_LONG']);
    expect(long.none.body.error.message).toBe('路径参数超过 128 个字符');
    expect(long.en.body.error.message).toBe('a path parameter is longer than 128 characters');
    expect([long.none.headers['content-language'], long.en.headers['content-language']]).toEqual(['zh-CN', 'en']);
  });

  it('a validation error: a localized summary; each issue ours in Chinese, zod’s in English; no value echoed', async () => {
    const body = { ...project('P L'), tenderer: '91110105000000001X' };
    const { none, en } = await inEach({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: body });
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('INVALID_INPUT');
    expect(en.body.error.code).toBe('INVALID_INPUT');
    expect(none.body.error.message).toBe('请求体无效');
    expect(en.body.error.message).toBe('invalid body');
    const byPath = (r: typeof none) => Object.fromEntries(r.body.error.details.issues.map((i: { path: string; message: string }) => [i.path, i.message]));
    expect(byPath(none)).toMatchObject({ '/id': '项目编号：1–64 个字符，限 A–Z、a–z、0–9、_、. 或 -', '/tenderer': '不是有效的统一社会信用代码（18 位，含校验码）' });
    expect(byPath(en)).toMatchObject({ '/id': 'project id: 1–64 characters of A–Z, a–z, 0–9, _, . or -', '/tenderer': 'not a valid unified social credit code (18 characters with a check character)' });
    for (const r of [none, en]) expect(JSON.stringify(r.body)).not.toContain('91110105000000001X');
  });

  it('a rule of the service names its values in either language', async () => {
    const body = { ...project('P-EVEN'), groups: [{ specialty: 'C990101', count: 6 }] };
    const { none, en } = await inEach({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: body });
    expect([none.status, en.status]).toEqual([422, 422]);
    expect(none.body.error.code).toBe('POLICY_RULES');
    expect(none.body.error.message).toBe('不符合评标委员会的组成规则：评标委员会 6 人，人数须为单数');
    expect(none.body.error.details).toEqual({ rules: ['评标委员会 6 人，人数须为单数'] });
    expect(en.body.error.message).toBe('the committee rules are not met: committee of 6 must have an odd number of members');
    expect(en.body.error.details).toEqual({ rules: ['committee of 6 must have an odd number of members'] });
  });

  it('the check-in desk reads its refusals in Chinese', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: project('P-DESK') })).statusCode).toBe(201);
    const { none, en } = await inEach({ method: 'POST', url: '/v1/checkins', headers: t.auth('checkin'), payload: { projectId: 'P-DESK', idNumber: syntheticPersonal(1).idNumber } });
    expect([none.status, en.status]).toEqual([409, 409]);
    expect(none.body.error).toEqual({ code: 'CONFLICT', message: '项目 P-DESK 没有已完成的抽取' });
    expect(en.body.error).toEqual({ code: 'CONFLICT', message: 'project P-DESK has no completed draw' });
  });
});

describe('import rows', () => {
  const post = (payload: string, mode: 'all' | 'valid', language?: string) =>
    t.app.inject({ method: 'POST', url: `/v1/experts/import?mode=${mode}`, headers: { ...t.auth('pool-manager'), 'content-type': 'application/x-ndjson', ...(language ? { 'accept-language': language } : {}) }, payload });
  const file = ['[1]', '{"id":"E-NEW"', JSON.stringify({ ...pool.experts[0], personal: { ...syntheticPersonal(0), idNumber: '110105199001011230' } })].join('\n');

  it('are refused with each reason in the language asked, no personal value in either', async () => {
    const zh = await post(file, 'all');
    const en = await post(file, 'all', 'en');
    expect([zh.statusCode, en.statusCode]).toEqual([422, 422]);
    expect(zh.json().error.message).toBe('文件中有 3 处问题；未导入任何专家');
    expect(en.json().error.message).toBe('3 problem(s) in the file; nothing was imported');
    const reasons = (res: typeof zh) => res.json().error.details.errors.map((e: { line: number; code: string; message: string }) => [e.line, e.code, e.message]);
    expect(reasons(zh)).toEqual([
      [1, 'BAD_JSON', '应为 JSON 对象，实际为数组'],
      [2, 'BAD_JSON', expect.stringMatching(/^不是有效的 JSON/)],
      [3, 'INVALID_FIELD', '不是有效的居民身份证号码（18 位，含校验码）'],
    ]);
    expect(reasons(en)).toEqual([
      [1, 'BAD_JSON', 'expected a JSON object, found an array'],
      [2, 'BAD_JSON', expect.stringMatching(/^not valid JSON/)],
      [3, 'INVALID_FIELD', 'not a valid resident ID number (18 characters with a check digit)'],
    ]);
    const personal = syntheticPersonal(0);
    for (const res of [zh, en]) for (const value of ['110105199001011230', personal.name, personal.phone]) expect(res.body).not.toContain(value);
  });

  it('skipped in mode=valid are reported in the answer’s language, with Content-Language', async () => {
    const res = await post('[1]', 'valid', 'en;q=0.4, zh;q=0.6');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-language']).toBe('zh-CN');
    expect(res.json().errors).toEqual([{ line: 1, code: 'BAD_JSON', message: '应为 JSON 对象，实际为数组' }]);
    const en = await post('[1]', 'valid', 'en');
    expect(en.headers['content-language']).toBe('en');
    expect(en.json().errors).toEqual([{ line: 1, code: 'BAD_JSON', message: 'expected a JSON object, found an array' }]);
  });
});
