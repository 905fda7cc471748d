// Response tokens are credentials: the answer page (GET and POST /r/{token}), the gateways' JSON route
// (POST /v1/responses/{token}) and the expert's record page (GET and POST /m/{token}) are driven through every status they answer with — 200, 303, 400, 404, 409, 410, 413,
// 415, 429 and 5xx — and other spellings of the path, with the service log at its most verbose. No captured line may
// hold a token, or even half of one.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Built } from '../helper.js';
import { drawnCalls, importPool, sentMessages, tokenOf } from '../helpers/calls.js';
import { faultyStore } from '../helpers/faulty-store.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const UNKNOWN = 'Zq3_unknownTokenForLogs-00000000';
let t: Built;
let faults: ReturnType<typeof faultyStore>;
let clock = Date.parse('2026-12-01T08:00:00+08:00');
let tokens: string[] = [];

beforeAll(async () => {
  t = await build({ EXPERT_DRAW_RATE_LIMIT: '60' }, { now: () => clock, logger: { level: 'trace', stream: sink }, wrapStore: (s) => (faults = faultyStore(s)).store });
  await importPool(t, 'answer-link-logs');
  tokens = (await drawnCalls(t, 'P-LOGS', { bidOpeningAt: '2026-12-01T10:00:00+08:00', venue: '7号评标室' })).links.map(tokenOf);
}, 60_000);
afterAll(async () => {
  faults?.set(null);
  await t?.close();
});

describe('answer links in the service log', () => {
  it('never appear, on any status of the page or the JSON route', async () => {
    const [t0, t1, t2, t3, t4] = tokens as [string, string, string, string, string];
    const send = async (method: 'GET' | 'HEAD' | 'POST', url: string, payload?: string | object, headers: Record<string, string> = {}) =>
      (await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }), remoteAddress: '198.51.100.7' })).statusCode;
    const seen: number[] = [];
    const expectStatus = async (status: number | number[], sent: Promise<number>) => {
      const got = await sent;
      expect(Array.isArray(status) ? status : [status]).toContain(got);
      seen.push(got);
    };

    // The page: shown, in English, HEAD; refused answers; taken; answered again; unknown.
    await expectStatus(200, send('GET', `/r/${t0}`));
    await expectStatus(200, send('GET', `/r/${t0}?lang=en&t=${t0}`));
    await expectStatus(200, send('HEAD', `/r/${t0}`));
    await expectStatus(400, send('POST', `/r/${t0}`, 'answer=maybe', FORM));
    await expectStatus(400, send('POST', `/r/${t0}`, `answer=accept&answer=${t0}`, FORM));
    await expectStatus(413, send('POST', `/r/${t0}`, `answer=accept&pad=${t0.repeat(20)}`, FORM));
    await expectStatus(415, send('POST', `/r/${t0}`, { answer: 'accept' }));
    await expectStatus(303, send('POST', `/r/${t0}`, 'answer=accept', FORM));
    await expectStatus(409, send('POST', `/r/${t0}`, 'answer=decline', FORM));
    await expectStatus(404, send('GET', `/r/${UNKNOWN}`));
    await expectStatus(404, send('POST', `/r/${UNKNOWN}`, 'answer=accept', FORM));
    // The JSON route for gateways.
    await expectStatus(200, send('POST', `/v1/responses/${t1}`, { answer: 'accept' }));
    await expectStatus(409, send('POST', `/v1/responses/${t1}`, { answer: 'decline' }));
    await expectStatus(400, send('POST', `/v1/responses/${t2}`, { answer: 'maybe' }));
    await expectStatus(415, send('POST', `/v1/responses/${t2}`, 'answer=accept', FORM));
    await expectStatus(404, send('POST', `/v1/responses/${UNKNOWN}`, { answer: 'accept' }));
    await expectStatus(404, send('GET', `/v1/responses/${t2}`));
    // Other spellings of the same paths.
    for (const url of [`/R/${t3}`, `//r//${t3}`, `/%72/${t3}`, `/r/${t3}/more`, `/r/%${t3}`, `/v1/responses/${t3}/x`]) await expectStatus([200, 400, 404], send('GET', url));
    // Dot segments a client may send as they are (curl --path-as-is), and a token under no route at all.
    for (const url of [`/./r/${t3}`, `/x/../r/${t3}`, `/assets/../r/${t3}`, `/${t3}`, `/v1/${t3}`, `/assets/${t3}.js`]) await expectStatus([200, 400, 404], send('GET', url));
    // Glued to other characters, after a backslash or a double-encoded slash, or most of it.
    for (const url of [`/r%252f${t3}`, `/r\\${t3}`, `/x/abc${t3}`, `/x/${t3};jsessionid=1`, `/${t3}.`, `/x/${t3}%23frag`, `/x/${t3.slice(0, 31)}`, `/x/${t3}@`]) await expectStatus([200, 400, 404], send('GET', url));
    // The expert's record page, its link sent twice (the first one replaced).
    const manager = { sub: 'pm-logs', role: 'pool-manager' as const, iat: 0, exp: 0 };
    const expertId = t.ctx.pool.list({ limit: 1 }).items[0]!.id;
    const linkTokens: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { messageId } = await t.ctx.recordLinks.send(expertId, manager);
      linkTokens.push(tokenOf((await sentMessages(t)).find((m) => m.messageId === messageId)!.responseUrl!));
    }
    const [m0, m1] = linkTokens as [string, string];
    tokens.push(m0, m1);
    await expectStatus(200, send('GET', `/m/${m1}`));
    await expectStatus(200, send('GET', `/m/${m1}?lang=en&t=${m1}`));
    await expectStatus(410, send('GET', `/m/${m0}`));
    await expectStatus(400, send('POST', `/m/${m1}`, `reason=${m1}`, FORM));
    await expectStatus(404, send('POST', `/m/${m1}`, `record=1&reason=${m1}`, FORM));
    await expectStatus(413, send('POST', `/m/${m1}`, `reason=${m1.repeat(400)}`, FORM));
    await expectStatus(415, send('POST', `/m/${m1}`, { reason: m1 }));
    await expectStatus(404, send('GET', `/m/${UNKNOWN}`));
    for (const url of [`/M/${m1}`, `//m//${m1}`, `/%6d/${m1}`, `/m/${m1}/more`]) await expectStatus([200, 400, 404], send('GET', url));
    // The store fails: 500 or 503, and the error is logged.
    faults.set('broken');
    try {
      await expectStatus([500, 503], send('GET', `/r/${t3}`));
      await expectStatus([500, 503], send('POST', `/r/${t3}`, 'answer=accept', FORM));
      await expectStatus([500, 503], send('POST', `/v1/responses/${t3}`, { answer: 'accept' }));
      await expectStatus([500, 503], send('GET', `/m/${m1}`));
    } finally {
      faults.set(null);
    }
    // Past the deadline.
    clock = Date.parse('2026-12-01T08:20:00+08:00');
    await expectStatus(410, send('GET', `/r/${t4}`));
    await expectStatus(410, send('POST', `/r/${t4}`, 'answer=accept', FORM));
    await expectStatus(410, send('POST', `/v1/responses/${t4}`, { answer: 'accept' }));
    // The rate limit (60 a minute from this address).
    for (let i = 0; i < 60 && !seen.includes(429); i++) seen.push(await send('GET', `/r/${t4}`));

    expect([...new Set(seen)].sort()).toEqual(expect.arrayContaining([200, 303, 400, 404, 409, 410, 413, 415, 429]));
    expect(seen.some((s) => s >= 500)).toBe(true);
    // The log saw these requests, every status among them, and the failures.
    const text = lines.join('\n');
    expect(lines.filter((l) => l.includes('/r/[redacted]')).length).toBeGreaterThan(20);
    expect(text).toContain('/v1/responses/[redacted]');
    expect(lines.filter((l) => l.includes('/m/[redacted]')).length).toBeGreaterThan(10);
    for (const status of new Set(seen)) expect(text, `a line for ${status}`).toContain(`"statusCode":${status}`);
    expect(lines.some((l) => /"level":50/.test(l))).toBe(true);
    for (const token of [...tokens, UNKNOWN]) {
      expect(text).not.toContain(token.slice(0, 16));
      expect(text).not.toContain(token.slice(16));
    }
  });

  it('keep no phone number, ID number or name a client put in a URL, on any route', async () => {
    // Also as people write them, with separators: a clerk pastes a number into a search box as it was written down.
    const personal = ['110105199306290009', '11010519930629000X', '13857789919', '+8613857789919', '孙勇', '138-5778-9919', '138 5778 9919', '+86 (138) 5778.9919', '110105 1993 0629 000X'];
    const ops = t.auth('operator');
    for (const value of personal) {
      // Alone in a segment, or inside one (`tel:…`, `E0000001;…`, `id-…`).
      const glued = [`tel:${value}`, `E0000001;${value}`, `id-${value}`].map(encodeURIComponent);
      for (const url of [`/v1/experts/${encodeURIComponent(value)}`, `/v1/projects/${encodeURIComponent(value)}`, `/nonexistent/${encodeURIComponent(value)}`, ...glued.map((g) => `/v1/experts/${g}`)]) {
        const res = await t.app.inject({ method: 'GET', url, headers: ops });
        expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      }
    }
    const text = lines.join('\n');
    for (const value of personal) for (const form of [value, encodeURIComponent(value)]) expect(text).not.toContain(form);
    expect(text).toContain('/v1/projects/[redacted]');
    // Ids of the service's own stay readable.
    await t.app.inject({ method: 'GET', url: '/v1/projects/P-LOGS', headers: ops });
    expect(lines.join('\n')).toContain('"url":"/v1/projects/P-LOGS"');
    const draw = 'D-123e4567-e89b-12d3-a456-426614174000';
    await t.app.inject({ method: 'GET', url: `/v1/draws/${draw}`, headers: ops });
    expect(lines.join('\n')).toContain(`"url":"/v1/draws/${draw}"`);
  });
});
