// The service log's line per request (src/plugins/app/request-log.ts): one line when the answer has gone, holding the
// request (method, path, route, address), its status and its time; never a header, never Fastify's 'incoming request'.
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Built } from '../helper.js';

interface Line {
  readonly level: number;
  readonly msg: string;
  readonly reqId?: string;
  readonly method?: string;
  readonly remoteAddress?: string;
  readonly code?: string;
  readonly req?: { method: string; url: string; route?: string; remoteAddress: string };
  readonly res?: { statusCode: number };
  readonly responseTime?: number;
}

const lines: Line[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    for (const text of chunk.toString().split('\n')) if (text !== '') lines.push(JSON.parse(text) as Line);
    done();
  },
});

let t: Built;

beforeAll(async () => {
  t = await build({}, { logger: { level: 'info', stream: sink } });
});
afterAll(async () => {
  await t?.close();
});

/** The app listening on a loopback port (once for the file). */
let listening: Promise<number> | null = null;
const port = () => (listening ??= t.app.listen({ host: '127.0.0.1', port: 0 }).then((address) => Number(new URL(address).port)));

/** Bytes sent as they are, over a socket of their own; the answer's status and request id. */
async function raw(bytes: string): Promise<{ status: number; requestId: string | undefined }> {
  const at = await port();
  const text = await new Promise<string>((resolve, reject) => {
    let got = '';
    const socket = connect(at, '127.0.0.1', () => socket.write(bytes));
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('close', () => resolve(got));
    socket.on('error', (err) => (got ? resolve(got) : reject(err)));
  });
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), requestId: /\r\nx-request-id: ([^\r]+)\r\n/i.exec(text)?.[1] };
}

/** The lines written for one request, by the id it answered with. */
async function linesOf(method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}, payload?: object): Promise<{ status: number; lines: Line[] }> {
  const res = await t.app.inject({ method, url, headers, ...(payload ? { payload } : {}), remoteAddress: '198.51.100.9' });
  const id = res.headers['x-request-id'];
  expect(typeof id).toBe('string');
  return { status: res.statusCode, lines: lines.filter((l) => l.reqId === id) };
}

describe('the request line', () => {
  it('is one line per answered request, with the request, its status and its time', async () => {
    const auth = t.auth('operator');
    const { status, lines: mine } = await linesOf('GET', '/v1/projects/P-LOG-404?x=1', auth);
    expect(status).toBe(404);
    expect(mine).toHaveLength(1);
    const [line] = mine as [Line];
    expect(line.msg).toBe('request completed');
    expect(line.level).toBe(30);
    expect(line.req).toEqual({ method: 'GET', url: '/v1/projects/P-LOG-404', route: '/v1/projects/:id', remoteAddress: '198.51.100.9' });
    expect(line.res).toEqual({ statusCode: 404 });
    expect(line.responseTime).toBeGreaterThanOrEqual(0);
    // The token is in no line.
    const token = auth.authorization.slice('Bearer '.length);
    expect(lines.some((l) => JSON.stringify(l).includes(token))).toBe(false);
    expect(lines.some((l) => l.msg === 'incoming request')).toBe(false);
  });

  it('is written for a refused request and for a path no route serves', async () => {
    const refused = await linesOf('POST', '/v1/projects', t.auth('operator'), { id: '' });
    expect(refused.status).toBe(400);
    expect(refused.lines.filter((l) => l.msg === 'request completed').map((l) => l.res?.statusCode)).toEqual([400]);
    const unknown = await linesOf('GET', '/v1/no-such-thing');
    expect(unknown.status).toBe(404);
    const completed = unknown.lines.filter((l) => l.msg === 'request completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]!.req?.url).toBe('/v1/no-such-thing');
  });

  it('keeps no phone or ID number typed into a path, however split (an outside audit found six ways past the first rule)', async () => {
    const drawId = 'D-550e8400-e29b-41d4-a716-446655440000';
    for (const [path, shown] of [
      ['/v1/projects/1597399_4367', '/v1/projects/[redacted]'],
      ['/v1/projects/159~7399~4367', '/v1/projects/[redacted]'],
      ['/v1/projects/159,7399,4367', '/v1/projects/[redacted]'],
      ['/v1/projects/159x7399x4367', '/v1/projects/[redacted]'],
      ['/v1/projects/1597399/4367', '/v1/projects/[redacted]/[redacted]'],
      ['/v1/projects/110105_19760906_0009', '/v1/projects/[redacted]'],
      [`/v1/draws/${drawId}/proof`, `/v1/draws/${drawId}/proof`],
    ] as const) {
      const sent = await linesOf('GET', path, t.auth('operator'));
      const completed = sent.lines.filter((l) => l.msg === 'request completed');
      expect(completed.map((l) => l.req?.url), path).toEqual([shown]);
    }
  });
});

describe('a client that goes away mid-body', () => {
  it('leaves no error line (nothing failed on this side)', async () => {
    const at = await port();
    const before = lines.length;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(at, '127.0.0.1', () => {
        socket.write(`POST /v1/experts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n${Object.entries(t.auth('pool-manager')).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n{"id":"E`);
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 100);
      });
      socket.on('error', reject);
    });
    // The service sees the abort when the parser next reads.
    await new Promise((r) => setTimeout(r, 300));
    expect(lines.slice(before).filter((l) => l.level >= 50)).toEqual([]);
  });
});

describe("a request Node's parser refuses", () => {
  it('leaves one line with its answer, address and method, never its path or headers', async () => {
    // A URL too long for the parser, made of a phone number over and over, and a token in a header.
    const token = t.auth('operator').authorization;
    const long = await raw(`GET /v1/projects/${'15973994367'.repeat(4000)} HTTP/1.1\r\nHost: x\r\nAuthorization: ${token}\r\n\r\n`);
    expect(long.status).toBe(431);
    const garbage = await raw('HELLO\x00 WORLD\r\n\r\n');
    expect(garbage.status).toBe(400);
    await new Promise((r) => setTimeout(r, 50));
    const refused = (id: string | undefined) => lines.filter((l) => l.reqId === id);
    expect(refused(long.requestId)).toEqual([
      { level: 30, time: expect.any(Number), pid: process.pid, hostname: expect.any(String), reqId: long.requestId, method: 'GET', remoteAddress: '127.0.0.1', res: { statusCode: 431 }, code: 'HEADERS_TOO_LARGE', msg: 'request refused by the HTTP parser' },
    ]);
    // Not HTTP at all: no method to name.
    expect(refused(garbage.requestId).map((l) => [l.msg, l.method, l.res?.statusCode, l.code])).toEqual([['request refused by the HTTP parser', undefined, 400, 'INVALID_INPUT']]);
    expect(lines.some((l) => JSON.stringify(l).includes('15973994367') || JSON.stringify(l).includes(token.slice(7)))).toBe(false);
  });
});
