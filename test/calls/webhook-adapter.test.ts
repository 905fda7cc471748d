// Webhook delivery against a real local HTTP server: signing, canonical body, classification, and no personal data in
// anything the adapter returns or throws.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { jcs } from '../../src/crypto/canonical.js';
import type { DeliveryOutcome, OutboundMessage } from '../../src/calls/message.js';
import { verifyWebhookSignature, WebhookAdapter, webhookSignature } from '../../src/calls/webhook-adapter.js';

const PHONE = '13912345678';
const TEXT = '【评标专家通知】您被抽选参加评标，时间：2026-12-01 09:00，地点：第 2 评标室。';
const NOW = 1_796_000_000_123;
const secret = randomBytes(32);

const msg: OutboundMessage = {
  messageId: 'M-0b5e7c1e-6a0f-4a36-9d8e-2f2d7c1a9b10',
  kind: 'call',
  channel: 'sms',
  to: PHONE,
  text: TEXT,
  responseUrl: 'https://draw.example.cn/r/tok_abc123',
  expiresAt: '2026-12-01T00:15:00.000Z',
};

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface TestServer {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A gateway on 127.0.0.1, port 0. `respond` may leave the response open to simulate a hung gateway. */
async function startGateway(respond: (req: Received, res: ServerResponse) => void): Promise<TestServer> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      respond(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const s: TestServer = {
    url: `http://127.0.0.1:${port}/calls`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(s);
  return s;
}

function reply(status: number, body = ''): (req: Received, res: ServerResponse) => void {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body);
  };
}

function adapterFor(url: string, timeoutMs = 2_000): WebhookAdapter {
  return new WebhookAdapter({ url, secret, timeoutMs, now: () => NOW });
}

/** Every string a caller could log: outcome reasons and thrown messages. */
function leaked(values: unknown[]): string {
  return values.map((v) => (v instanceof Error ? `${v.name}: ${v.message}` : JSON.stringify(v))).join('\n');
}

describe('WebhookAdapter request', () => {
  it('POSTs the canonical JSON with idempotency key, timestamp and a signature that verifies', async () => {
    const gw = await startGateway(reply(202, '{"id":"gw-42"}'));
    const outcome = await adapterFor(gw.url).deliver(msg);
    expect(outcome).toEqual({ ok: true, providerId: 'gw-42' });

    expect(gw.received).toHaveLength(1);
    const [req] = gw.received;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/calls');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['idempotency-key']).toBe(msg.messageId);
    expect(req!.headers['x-expert-draw-timestamp']).toBe(String(Math.floor(NOW / 1000)));
    expect(req!.headers['x-expert-draw-signature']).toMatch(/^v1=[0-9a-f]{64}$/);

    expect(JSON.parse(req!.body)).toEqual(msg);
    expect(req!.body).toBe(jcs(msg));
    expect(req!.body.startsWith('{"channel":"sms","expiresAt":')).toBe(true);

    const signed = {
      secret,
      timestamp: req!.headers['x-expert-draw-timestamp'] as string,
      body: req!.body,
      signature: req!.headers['x-expert-draw-signature'] as string,
      now: NOW + 1_000,
    };
    expect(verifyWebhookSignature(signed)).toBe(true);
    expect(verifyWebhookSignature({ ...signed, body: Buffer.from(req!.body, 'utf8') })).toBe(true);
  });

  it('sends only the message fields, whatever else the caller attached', async () => {
    const gw = await startGateway(reply(200));
    const extended = { ...msg, expertId: 'E-1', projectName: 'X 市道路改造工程' };
    expect(await adapterFor(gw.url).deliver(extended)).toEqual({ ok: true });
    expect(Object.keys(JSON.parse(gw.received[0]!.body) as object).sort()).toEqual(Object.keys(msg).sort());
  });

  it('is ok on 2xx without a usable id', async () => {
    for (const body of ['', 'accepted', '{"id":{"x":1}}', '[1]', '{"id":7}']) {
      const gw = await startGateway(reply(200, body));
      const expected = body === '{"id":7}' ? { ok: true, providerId: '7' } : { ok: true };
      expect(await adapterFor(gw.url).deliver(msg)).toEqual(expected);
    }
  });
});

describe('WebhookAdapter outcomes', () => {
  it('500 is retryable; the retry with the same message id then succeeds', async () => {
    let calls = 0;
    const gw = await startGateway((req, res) => (++calls === 1 ? reply(500, req.body)(req, res) : reply(200, '{"id":"p-1"}')(req, res)));
    const adapter = adapterFor(gw.url);
    expect(await adapter.deliver(msg)).toEqual({ ok: false, retryable: true, reason: 'http 500' });
    expect(await adapter.deliver(msg)).toEqual({ ok: true, providerId: 'p-1' });
    expect(gw.received.map((r) => r.headers['idempotency-key'])).toEqual([msg.messageId, msg.messageId]);
  });

  it.each([408, 425, 429, 502, 503, 504])('%i is retryable', async (status) => {
    const gw = await startGateway(reply(status));
    expect(await adapterFor(gw.url).deliver(msg)).toEqual({ ok: false, retryable: true, reason: `http ${status}` });
  });

  it.each([400, 401, 403, 404, 409, 413, 422])('%i is not retryable', async (status) => {
    const gw = await startGateway(reply(status));
    expect(await adapterFor(gw.url).deliver(msg)).toEqual({ ok: false, retryable: false, reason: `http ${status}` });
  });

  it('does not follow a redirect (it would resend the phone number elsewhere)', async () => {
    const gw = await startGateway((req, res) => {
      res.writeHead(307, { Location: '/elsewhere' });
      res.end();
    });
    expect(await adapterFor(gw.url).deliver(msg)).toEqual({ ok: false, retryable: false, reason: 'http 307' });
    expect(gw.received.map((r) => r.path)).toEqual(['/calls']);
  });

  it('a gateway that never answers is a retryable timeout', async () => {
    const gw = await startGateway(() => undefined);
    const started = Date.now();
    expect(await adapterFor(gw.url, 150).deliver(msg)).toEqual({ ok: false, retryable: true, reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(gw.received).toHaveLength(1);
  });

  it('connection refused is retryable', async () => {
    const gw = await startGateway(reply(200));
    await gw.close();
    servers.splice(servers.indexOf(gw), 1);
    expect(await adapterFor(gw.url).deliver(msg)).toEqual({ ok: false, retryable: true, reason: 'network ECONNREFUSED' });
  });

  it('refuses a message id that cannot be an HTTP header, without sending anything', async () => {
    const gw = await startGateway(reply(200));
    const outcome = await adapterFor(gw.url).deliver({ ...msg, messageId: 'M-1\r\nX-Injected: 1' });
    expect(outcome).toEqual({ ok: false, retryable: false, reason: 'invalid messageId' });
    expect(gw.received).toHaveLength(0);
  });

  it('never puts the phone number or the text in an outcome or an error', async () => {
    const seen: unknown[] = [];
    const echo = (status: number) => (req: Received, res: ServerResponse) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'X-Echo': encodeURIComponent(req.body) });
      const id = status === 201 ? `sms-+86 139-1234-5678` : PHONE;
      res.end(JSON.stringify({ error: `bad number ${PHONE}`, id, received: req.body }));
    };
    for (const status of [200, 201, 302, 400, 429, 500]) {
      const gw = await startGateway(echo(status));
      const outcome: DeliveryOutcome = await adapterFor(gw.url).deliver(msg);
      if (!outcome.ok) seen.push(outcome.reason);
      seen.push(outcome);
    }
    seen.push(await adapterFor((await startGateway(() => undefined)).url, 100).deliver(msg));
    seen.push(await adapterFor('http://127.0.0.1:1/calls').deliver(msg));
    seen.push(await adapterFor('http://localhost:1/calls').deliver({ ...msg, to: PHONE, text: TEXT, messageId: PHONE + '\n' }));
    for (const bad of [
      () => new WebhookAdapter({ url: `https://gw.example/${PHONE}?token=${TEXT}`, secret: Buffer.alloc(8) }),
      () => new WebhookAdapter({ url: `http://gw.example/${PHONE}`, secret }),
      () => new WebhookAdapter({ url: `not a url ${PHONE}`, secret }),
    ]) {
      try {
        bad();
        seen.push('no error');
      } catch (err) {
        seen.push(err);
      }
    }
    const all = leaked(seen);
    expect(all).not.toContain('no error');
    expect(all).not.toContain(PHONE);
    expect(all).not.toContain('5678');
    expect(all).not.toContain(TEXT);
    expect(all).not.toContain('评标');
  });
});

describe('WebhookAdapter configuration', () => {
  it('requires a secret of at least 32 bytes and says how to make one', () => {
    expect(() => new WebhookAdapter({ url: 'https://gw.example/calls', secret: randomBytes(31) })).toThrow(/openssl rand -hex 32/);
  });

  it('requires https except to loopback', () => {
    expect(() => new WebhookAdapter({ url: 'http://gw.example/calls', secret })).toThrow(/https/);
    expect(() => new WebhookAdapter({ url: 'ftp://127.0.0.1/calls', secret })).toThrow(/https/);
    for (const url of ['https://gw.example/calls', 'http://127.0.0.1:8080/', 'http://localhost/', 'http://[::1]/']) {
      expect(new WebhookAdapter({ url, secret }).name).toBe('webhook');
    }
  });

  it('rejects a timeout that is not a positive integer', () => {
    expect(() => new WebhookAdapter({ url: 'https://gw.example/calls', secret, timeoutMs: 0 })).toThrow(RangeError);
  });
});

describe('verifyWebhookSignature', () => {
  const timestamp = String(Math.floor(NOW / 1000));
  const body = jcs(msg);
  const good = { secret, timestamp, body, signature: webhookSignature(secret, timestamp, body), now: NOW };

  it('accepts the signature the adapter makes, within the tolerance either way', () => {
    expect(verifyWebhookSignature(good)).toBe(true);
    expect(verifyWebhookSignature({ ...good, now: NOW + 299_000 })).toBe(true);
    expect(verifyWebhookSignature({ ...good, now: NOW - 299_000 })).toBe(true);
    expect(verifyWebhookSignature({ ...good, signature: good.signature.toUpperCase().replace('V1=', 'v1=') })).toBe(true);
  });

  it('rejects a changed body', () => {
    expect(verifyWebhookSignature({ ...good, body: body.replace(PHONE, '13900000000') })).toBe(false);
    expect(verifyWebhookSignature({ ...good, body: `${body} ` })).toBe(false);
    expect(verifyWebhookSignature({ ...good, body: JSON.stringify(msg) })).toBe(false);
  });

  it('rejects a changed timestamp', () => {
    expect(verifyWebhookSignature({ ...good, timestamp: String(Number(timestamp) + 1) })).toBe(false);
    expect(verifyWebhookSignature({ ...good, timestamp: `0${timestamp}` })).toBe(false);
  });

  it('rejects a stale or future timestamp, even when correctly signed', () => {
    expect(verifyWebhookSignature({ ...good, now: NOW + 301_000 })).toBe(false);
    expect(verifyWebhookSignature({ ...good, now: NOW - 301_000 })).toBe(false);
    const old = String(Number(timestamp) - 3_600);
    expect(verifyWebhookSignature({ ...good, timestamp: old, signature: webhookSignature(secret, old, body) })).toBe(false);
    expect(verifyWebhookSignature({ ...good, timestamp: old, signature: webhookSignature(secret, old, body), toleranceS: 7_200 })).toBe(true);
  });

  it('rejects a wrong secret', () => {
    expect(verifyWebhookSignature({ ...good, secret: randomBytes(32) })).toBe(false);
    expect(verifyWebhookSignature({ ...good, signature: webhookSignature(randomBytes(32), timestamp, body) })).toBe(false);
  });

  it('rejects malformed or missing headers', () => {
    const hex = good.signature.slice(3);
    for (const signature of [undefined, '', hex, `v0=${hex}`, `v1=${hex.slice(2)}`, `v1=${hex}00`, `v1=${hex},v1=${hex}`, ` v1=${hex}`]) {
      expect(verifyWebhookSignature({ ...good, signature })).toBe(false);
    }
    for (const ts of [undefined, '', '-1', '1.5', '1e9', ` ${timestamp}`]) {
      expect(verifyWebhookSignature({ ...good, timestamp: ts })).toBe(false);
    }
  });

  it('refuses to verify with a short secret', () => {
    expect(() => verifyWebhookSignature({ ...good, secret: Buffer.alloc(16) })).toThrow(RangeError);
  });
});
