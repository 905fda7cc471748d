// The service calling experts through the webhook adapter, against a real HTTP gateway on a local port: a draw's five
// calls arrive signed, a gateway failure is retried with the same message id after the back-off, every attempt is a
// log entry without the phone or the text, and the link in the message answers the call.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '../../src/calls/webhook-adapter.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';

interface Received {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly status: number;
}

const secret = randomBytes(32);
const received: Received[] = [];
/** The gateway refuses the first attempt of every message with a 503, then accepts. */
const seen = new Set<string>();
let gateway: Server;
let t: Built;
let clock = Date.parse('2026-12-01T08:00:00+08:00');
const pool = generatePool({ size: 60, seed: 'webhook-calls', fixed: [{ code: 'C990101', members: 30 }] });
const phoneOf = new Map(pool.experts.map((e, i) => [e.id, syntheticPersonal(i).phone]));

beforeAll(async () => {
  gateway = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers[IDEMPOTENCY_HEADER.toLowerCase()]);
      const status = seen.has(id) ? 200 : 503;
      seen.add(id);
      received.push({ headers: req.headers, body, status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? JSON.stringify({ id: `gw-${received.length}` }) : '{"error":"busy"}');
    });
  });
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
  const { port } = gateway.address() as AddressInfo;
  t = await build(
    { EXPERT_DRAW_CALL_ADAPTER: 'webhook', EXPERT_DRAW_CALL_WEBHOOK_URL: `http://127.0.0.1:${port}/sms`, EXPERT_DRAW_CALL_WEBHOOK_SECRET: secret.toString('hex') },
    { now: () => clock },
  );
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
});
afterAll(async () => {
  await t?.close();
  await new Promise((r) => gateway.close(r));
});

describe('calls through the webhook adapter', () => {
  it('delivers each call signed, retries a refused one with the same message id, and logs every attempt without the phone', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/projects',
      headers: t.auth('operator'),
      payload: { id: 'P-HOOK', tenderer: syntheticUscc(9301), agency: null, bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106', venue: '5号评标室', groups: [{ specialty: 'C990101', count: 5 }] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const drawId = (await t.ctx.draws.run('P-HOOK', 'immediate', { sub: 'op', role: 'operator', iat: 0, exp: 0 })).drawId;
    const seated = (await t.ctx.roster.read(drawId)).roster.groups[0]!.ranking.slice(0, 5);
    const size = await t.ctx.store.logSize();

    // First pass: the gateway refuses all five; nothing is sent twice in the same pass.
    expect(await t.ctx.outbox.dispatch()).toEqual({ sent: 0, retried: 5, failed: 0, undeliveredDraws: [], lastFailure: expect.stringMatching(/^http 5\d\d$/) });
    expect(received).toHaveLength(5);
    // Before the back-off has passed, nothing is retried; after it, each message goes again and is accepted.
    expect(await t.ctx.outbox.dispatch()).toEqual({ sent: 0, retried: 0, failed: 0, undeliveredDraws: [], lastFailure: null });
    clock += 10 * 60_000;
    expect(await t.ctx.outbox.dispatch()).toEqual({ sent: 5, retried: 0, failed: 0, undeliveredDraws: [], lastFailure: null });
    expect(received).toHaveLength(10);

    const bodies = received.map((r) => JSON.parse(r.body) as { messageId: string; to: string; text: string; responseUrl: string; kind: string });
    for (const [i, r] of received.entries()) {
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(verifyWebhookSignature({ secret, timestamp: r.headers[TIMESTAMP_HEADER.toLowerCase()] as string, body: r.body, signature: r.headers[SIGNATURE_HEADER.toLowerCase()] as string })).toBe(true);
      expect(verifyWebhookSignature({ secret: randomBytes(32), timestamp: r.headers[TIMESTAMP_HEADER.toLowerCase()] as string, body: r.body, signature: r.headers[SIGNATURE_HEADER.toLowerCase()] as string })).toBe(false);
      expect(r.headers[IDEMPOTENCY_HEADER.toLowerCase()]).toBe(bodies[i]!.messageId);
    }
    // The retry carries the same message id and body as the first attempt.
    expect(received.slice(5).map((r) => r.body).sort()).toEqual(received.slice(0, 5).map((r) => r.body).sort());
    // The gateway gets the phones of exactly the seated experts, with time and place only.
    expect(bodies.slice(0, 5).map((b) => b.to).sort()).toEqual(seated.map((id) => phoneOf.get(id)!).sort());
    for (const b of bodies) {
      expect(b.kind).toBe('call');
      expect(b.text).toContain('5号评标室');
      expect(b.text).not.toContain('P-HOOK');
    }

    // Ten attempts, ten entries: outcome and message id only.
    const entries = [];
    for (let i = size; i < (await t.ctx.store.logSize()); i++) entries.push((await t.ctx.auditLog.entry(i)).toString());
    const deliveries = entries.map((e) => JSON.parse(e)).filter((e) => e.type === 'call.delivery');
    expect(deliveries.map((e) => [e.payload.attempt, e.payload.ok, e.payload.reason ?? null])).toEqual([...Array(5).fill([1, false, 'http 503']), ...Array(5).fill([2, true, null])]);
    for (const e of entries) for (const b of bodies) for (const secretText of [b.to, b.text, b.responseUrl]) expect(e).not.toContain(secretText);

    // The link in the message is the expert's page; a gateway answers with its token through the JSON route.
    const link = new URL(bodies[5]!.responseUrl);
    expect(link.pathname).toMatch(/^\/r\/[A-Za-z0-9_-]{32}$/);
    const answer = await t.app.inject({ method: 'POST', url: `/v1/responses/${link.pathname.split('/').pop()}`, payload: { answer: 'accept' } });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json().state).toBe('accepted');
  });
});
