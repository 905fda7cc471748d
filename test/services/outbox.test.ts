// The outbox stores a placement's calls once: the words around the link, and per call the expert and the link. The
// phone number is looked up when the message is sent, so a number corrected after the draw is the one called, and a
// batch written in the earlier layout (whole messages) is still delivered as it was stored.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/calls/message.js';
import { syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { callBatches, outboxDue, type SealedCalls } from '../../src/records/outbox.js';
import { build, type Built } from '../helper.js';
import { drawnCalls, importPool, sentMessages, SPECIALTY } from '../helpers/calls.js';

const ADMIN = { sub: 'pool-desk', role: 'admin', iat: 0, exp: 0 } as const;
let t: Built;

beforeEach(async () => {
  t = await build({}, { now: () => Date.parse('2026-12-01T08:00:00+08:00') });
  await importPool(t, 'outbox-layout', 30);
});
afterEach(async () => {
  await t?.close();
});

describe('the outbox layout', () => {
  it('seals the expert ids and links of a placement with the text once, and never a phone number', async () => {
    await drawnCalls(t, 'P-OUTBOX-1', { bidOpeningAt: '2026-12-01T10:00:00+08:00', venue: '3号评标室' });
    const batches = await callBatches.list(t.ctx.store);
    expect(batches).toHaveLength(1);
    const { value: batch } = batches[0]!;
    const sealed = t.ctx.vault.openJson<SealedCalls>(`${callBatches.collection}/${batch.batchId}`, batch.sealed);
    expect(sealed.calls).toHaveLength(5);
    expect(sealed.template.before).toContain('3号评标室');
    const phones = Array.from({ length: 30 }, (_, i) => syntheticPersonal(i).phone);
    const opened = JSON.stringify(sealed);
    for (const phone of phones) expect(opened).not.toContain(phone);
    for (const call of sealed.calls) expect(t.ctx.pool.expert(call.expertId)?.specialties).toContain(SPECIALTY);
  });

  it('calls the number the pool holds when the message is sent, not when the call was placed', async () => {
    const op = t.auth('operator', { subject: 'op-outbox' });
    const reg = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: op, payload: { id: 'P-OUTBOX-2', tenderer: syntheticUscc(9611), agency: null, bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106', groups: [{ specialty: SPECIALTY, count: 5 }] } });
    expect(reg.statusCode, reg.body).toBe(201);
    const draw = await t.app.inject({ method: 'POST', url: '/v1/projects/P-OUTBOX-2/draw', headers: op });
    expect(draw.statusCode, draw.body).toBe(201);
    const { roster } = await t.ctx.roster.read(draw.json().drawId as string);
    const first = roster.calls.find((c) => c.seat === 0 && c.group === 0)!;
    // The pool desk corrects seat 0's number after the draw, before the message goes out.
    const personal = t.ctx.pool.personal(first.expertId);
    const corrected = { ...personal, phone: '13900001111' };
    const expert = t.ctx.pool.expert(first.expertId)!;
    const report = await t.ctx.pool.upsert([{ line: 1, expert, personal: corrected }], [], { dryRun: false, retireMissing: false }, ADMIN);
    expect(report.held).toEqual([{ id: first.expertId, fields: ['phone'] }]);
    // Held until a second person approves it (docs/security.md T6); approved, the next send uses it.
    const [held] = await t.ctx.pool.heldChanges();
    await t.ctx.pool.approvePersonalChange(first.expertId, held!.changeId, { sub: 'pool-desk-2', role: 'pool-manager', iat: 0, exp: 0 });
    const sent = (await sentMessages(t)).filter((m) => m.messageId === first.messageId);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe('13900001111');
    expect(sent[0]!.text).toContain(sent[0]!.responseUrl!);
  });

  it('still delivers a batch stored as whole messages, as it was stored', async () => {
    const batchId = 'OLDLAYOUT123';
    const message: OutboundMessage = { messageId: `M-${batchId}.0`, kind: 'call', channel: 'sms', to: '13800002222', text: '【评标专家通知】旧格式', responseUrl: 'http://127.0.0.1:3000/r/OLDLAYOUT123secret', expiresAt: '2026-12-01T08:30:00.000Z' };
    const at = '2026-12-01T00:00:00.000Z';
    const sealed = t.ctx.vault.sealJson(`${callBatches.collection}/${batchId}`, [message]);
    await callBatches.putUnlogged(t.ctx.store, batchId, { batchId, drawId: 'D-old', kind: 'call', sealed, messages: [{ messageId: message.messageId, tokenHash: null, expiresAt: message.expiresAt, state: 'pending', attempts: 0, nextAttemptAt: at, lastReason: null }] });
    await outboxDue.putUnlogged(t.ctx.store, batchId, at);
    const sent = (await sentMessages(t)).filter((m) => m.messageId === message.messageId);
    expect(sent).toEqual([message]);
  });

  it('fails for good a message the adapter cannot take, with a reason that names no content, and still delivers every other batch', async () => {
    const at = '2026-12-01T00:00:00.000Z';
    const store = async (batchId: string, text: string) => {
      const message: OutboundMessage = { messageId: `M-${batchId}.0`, kind: 'call', channel: 'sms', to: '13800002222', text, responseUrl: `http://127.0.0.1:3000/r/${batchId}secret`, expiresAt: '2026-12-01T08:30:00.000Z' };
      const sealed = t.ctx.vault.sealJson(`${callBatches.collection}/${batchId}`, [message]);
      await callBatches.putUnlogged(t.ctx.store, batchId, { batchId, drawId: `D-${batchId}`, kind: 'call', sealed, messages: [{ messageId: message.messageId, tokenHash: null, expiresAt: message.expiresAt, state: 'pending', attempts: 0, nextAttemptAt: at, lastReason: null }] });
      await outboxDue.putUnlogged(t.ctx.store, batchId, at);
      return message;
    };
    // Stored before input was checked for it: a venue with an unpaired surrogate, which the file adapter cannot encode.
    const broken = await store('AAAABROKEN01', '【评标专家通知】\udc00 评标室');
    const fine = await store('ZZZZFINE0001', '【评标专家通知】3号评标室');
    const sent = await sentMessages(t);
    expect(sent.map((m) => m.messageId)).toEqual([fine.messageId]);
    const batch = (await callBatches.read(t.ctx.store, 'AAAABROKEN01'))!.value;
    expect(batch.messages[0]).toEqual(expect.objectContaining({ state: 'failed', attempts: 1, lastReason: 'the adapter could not take the message (TypeError)' }));
    const entries = await Promise.all(Array.from({ length: await t.ctx.store.logSize() }, (_, i) => t.ctx.auditLog.entry(i)));
    const delivery = entries.map((e) => JSON.parse(e.toString())).find((e) => e.type === 'call.delivery' && e.payload.messageId === broken.messageId);
    expect(delivery.payload).toEqual(expect.objectContaining({ ok: false, final: true }));
    // Nothing is left due: the next pass sends nothing again.
    expect((await sentMessages(t)).map((m) => m.messageId)).toEqual([fine.messageId]);
  });
});
