// helmet's headers on every kind of answer, byte for byte and in order, as they go out on the wire: a JSON answer, an
// error before a route's checks, a route not found and the docs page (the console's own policy: routes/console.test.ts);
// and no-store on every API answer.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Built } from '../helper.js';

const HELMET = [
  ['Content-Security-Policy', "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests"],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

/** The raw header lines of an answer, as [name, value] in the order sent. */
function rawHeaders(base: string, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; lines: string[][] }> {
  return new Promise((resolve, reject) => {
    // A path that is a whole URL is sent as it is: an absolute-form request target.
    const req = http.request(path.startsWith('http') ? base : base + path, { method, headers, ...(path.startsWith('http') ? { path } : {}) }, (res) => {
      res.resume();
      res.on('end', () => {
        const lines: string[][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        resolve({ status: res.statusCode ?? 0, lines });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

let t: Built;
let base: string;
beforeAll(async () => {
  t = await build();
  base = await t.listen();
});
afterAll(async () => {
  await t.close();
});

describe('security headers', () => {
  it('come first on every answer, helmet’s names and values in helmet’s order', async () => {
    const answers = [
      await rawHeaders(base, 'GET', '/livez'),
      await rawHeaders(base, 'GET', '/v1/projects/P-1', t.auth('operator')),
      await rawHeaders(base, 'POST', '/v1/projects/P-1/draw', { authorization: 'Bearer not.a.token' }),
      await rawHeaders(base, 'GET', '/no-such-route'),
      await rawHeaders(base, 'GET', '/docs/'),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 404, 401, 404, 200]);
    for (const a of answers) expect(a.lines.slice(0, HELMET.length)).toEqual(HELMET);
  });

  it('tell no cache to keep an API answer, an error or a success', async () => {
    const cacheOf = (a: { lines: string[][] }) => a.lines.filter(([name]) => name!.toLowerCase() === 'cache-control').map(([, value]) => value);
    for (const a of [
      await rawHeaders(base, 'GET', '/v1/projects/P-1', t.auth('operator')),
      await rawHeaders(base, 'GET', '/v1/session', t.auth('operator')),
      await rawHeaders(base, 'POST', '/v1/checkins', { ...t.auth('checkin'), 'content-type': 'application/json' }),
    ]) expect(cacheOf(a)).toEqual(['no-store']);
    // An absolute-form request target routes alike, and is told alike.
    const absolute = await rawHeaders(base, 'GET', `${base}/v1/session`, t.auth('operator'));
    expect(absolute.status).toBe(200);
    expect(cacheOf(absolute)).toEqual(['no-store']);
    // Outside the API, each route says what it means (the console's assets are cached).
    expect(cacheOf(await rawHeaders(base, 'GET', '/livez'))).toEqual([]);
  });
});
