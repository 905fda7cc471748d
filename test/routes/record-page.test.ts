// The expert's own record page over HTTP (docs/records.md "The expert's own page"): a pool manager has a link sent
// through the call channel (the answer never holds it, no log entry does), the page shows the expert's records of
// disclosed draws, consequences and objections, its form lodges an objection as the API does — by the expert, through
// the link — and refuses another expert's record and a sealed draw's alike; unknown, expired and replaced links. And
// a pool manager closes the review a rule set. On both stores.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Built } from '../helper.js';
import { drawnCalls, importPool, sentMessages, tokenOf } from '../helpers/calls.js';
import { person, type Person } from '../helpers/people.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const stateOf = (body: string) => /<main data-state="([a-z]+)"/.exec(body)?.[1];
const codeOf = (body: string) => /<main [^>]*data-code="([A-Z_]+)"/.exec(body)?.[1];
const at = (iso: string) => Date.parse(iso);
const REASON = '当天接到通知时正在外地出差，无法按时到场，已电话说明';
/** A decline refers the expert for review; a call not answered in time suspends for a month. */
const POLICY = {
  sanctions: {
    rules: [
      { id: 'DECLINE_REVIEW', zh: '拒绝邀请，提交复核', en: 'Declined a call: review', withinDays: 365, measure: { kind: 'count', codes: ['decline'], atLeast: 1 }, consequence: { kind: 'review' } },
      { id: 'NO_ANSWER', zh: '未在答复期限内答复，暂停抽取1个月', en: 'Did not answer in time: suspended for a month', withinDays: 365, measure: { kind: 'count', codes: ['timeout'], atLeast: 1 }, consequence: { kind: 'suspend', months: 1 } },
    ],
  },
};

describe.each(['sqlite', 'redis'] as const)('the expert’s own record page (%s store)', (store) => {
  let t: Built;
  let clock = at('2026-12-01T08:00:00+08:00');
  let manager: Person;
  /** The first draw's first five experts by seat, and its id; the second draw (sealed) and the expert who accepted its call. */
  let ranked: string[] = [];
  let first = '';
  let sealedDraw = '';
  let sealedExpert = '';
  /** The link's token, as the expert's phone received it, and its message. */
  let token = '';
  let messageId = '';
  const decliner = () => ranked[0]!;
  const entries = async (from = 0) => {
    const out: Array<{ index: number; type: string; payload: Record<string, unknown> }> = [];
    for (let i = from; i < (await t.ctx.store.logSize()); i++) out.push({ index: i, ...JSON.parse((await t.ctx.auditLog.entry(i)).toString()) });
    return out;
  };
  /** Runs a request and returns it with the types of the log entries it wrote. */
  const logged = async <T>(run: () => Promise<T>): Promise<[T, string[]]> => {
    const before = await t.ctx.store.logSize();
    const res = await run();
    return [res, (await entries(before)).map((e) => e.type)];
  };
  const sendLink = (expertId: string, headers = manager.auth) => t.app.inject({ method: 'POST', url: `/v1/experts/${expertId}/record-link`, headers });
  /** The message with a record link the development adapter sent to `expertId`'s phone, by its id. */
  const linkSent = async (expertId: string, id: string) => {
    const message = (await sentMessages(t)).find((m) => m.messageId === id)!;
    expect(message.to).toBe(t.ctx.pool.phone(expertId));
    return message;
  };
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  const post = (url: string, payload: string) => t.app.inject({ method: 'POST', url, payload, headers: FORM });
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const recordIndex = async (drawId: string, seat: number, type: string) => (await entries()).find((e) => e.type === type && e.payload.drawId === drawId && e.payload.seat === seat && e.payload.rank === seat)!.index;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'record-page-policy-'));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(POLICY));
    t = await build({ EXPERT_DRAW_STORE: store, EXPERT_DRAW_POLICY_FILE: join(dir, 'policy.json'), EXPERT_DRAW_PUBLIC_URL: 'https://draw.example-centre.gov.cn/' }, { now: () => clock });
    await importPool(t, 'record-page', 30);
    const { drawId, links } = await drawnCalls(t, 'P-REC-1', { bidOpeningAt: '2026-12-01T10:00:00+08:00', venue: '5号评标室' });
    first = drawId;
    ranked = (await t.ctx.roster.read(drawId)).roster.groups[0]!.ranking.slice(0, 5);
    // Seat 0 declines, seats 1–3 accept, seat 4 never answers.
    clock = at('2026-12-01T08:02:00+08:00');
    for (const [i, answer] of [[0, 'decline'], [1, 'accept'], [2, 'accept'], [3, 'accept']] as const) {
      expect((await t.app.inject({ method: 'POST', url: `/v1/responses/${tokenOf(links[i]!)}`, payload: { answer } })).statusCode).toBe(200);
    }
    clock = at('2026-12-01T08:16:00+08:00');
    expect(await t.ctx.roster.expire()).toBeGreaterThanOrEqual(1);
    // After bid opening, an operator and a supervisor open the list, and the draw is disclosed.
    clock = at('2026-12-01T10:30:00+08:00');
    for (const who of [await person(t, 'operator'), await person(t, 'supervisor')]) expect((await t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/unseal`, headers: who.auth })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/disclose`, headers: t.auth('operator') })).statusCode).toBe(200);
    // A second draw stays sealed: its first seat held by someone other than the decliner accepts. (The ranking is
    // random: were it the decliner, the link sent to them below would replace the one the later tests use.)
    const second = await drawnCalls(t, 'P-REC-2', { bidOpeningAt: '2026-12-03T10:00:00+08:00' });
    sealedDraw = second.drawId;
    const called = (await t.ctx.roster.read(sealedDraw)).roster.groups[0]!.ranking.slice(0, 5);
    const seat = called.findIndex((id) => id !== decliner());
    sealedExpert = called[seat]!;
    expect((await t.app.inject({ method: 'POST', url: `/v1/responses/${tokenOf(second.links[seat]!)}`, payload: { answer: 'accept' } })).statusCode).toBe(200);
    await t.ctx.rules.tick();
    manager = await person(t, 'pool-manager');
  }, 90_000);
  afterAll(async () => {
    await t?.close();
  });

  it('sends the link to the expert’s phone through the call channel; neither the answer nor the log holds it', async () => {
    // A machine token cannot have a link sent: a person does, and is logged.
    expect((await sendLink(decliner(), t.auth('pool-manager'))).statusCode).toBe(403);
    expect((await sendLink(decliner(), t.auth('supervisor'))).statusCode).toBe(403);
    const [res, types] = await logged(() => sendLink(decliner()));
    expect(res.statusCode, res.body).toBe(202);
    expect(types).toEqual(['record-link.sent']);
    expect(res.json()).toEqual({ expertId: decliner(), messageId: expect.stringMatching(/^M-/), expiresAt: '2026-12-03T02:30:00.000Z' });
    messageId = res.json().messageId;
    const message = await linkSent(decliner(), messageId);
    expect(message).toMatchObject({ messageId, kind: 'record', expiresAt: '2026-12-03T02:30:00.000Z' });
    expect(message.responseUrl).toMatch(/^https:\/\/draw\.example-centre\.gov\.cn\/m\/[A-Za-z0-9_-]{32}$/);
    expect(message.text).toContain(`（2026-12-03 10:30 前有效）：${message.responseUrl} 此链接仅供本人使用`);
    token = tokenOf(message.responseUrl!);
    expect(res.body).not.toContain(token);
    const log = await entries();
    expect(log.filter((e) => e.type === 'record-link.delivery').map((e) => e.payload)).toEqual([expect.objectContaining({ messageId, ok: true, attempt: 1 })]);
    expect(log.find((e) => e.type === 'record-link.sent')!.payload).toMatchObject({ expertId: decliner(), messageId, by: manager.userId, role: 'pool-manager' });
    expect(JSON.stringify(log)).not.toContain(token);
    // An unknown expert: 404, nothing sent.
    const [none, noneTypes] = await logged(() => sendLink('E9999999'));
    expect([none.statusCode, none.json().error.code, noneTypes]).toEqual([404, 'NOT_FOUND', []]);
  });

  it('shows the expert their records of the disclosed draw, the consequence, and forms to object; headers as the answer page', async () => {
    const res = await get(`/m/${token}`);
    expect(res.statusCode).toBe(200);
    expect(stateOf(res.body)).toBe('open');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(String(res.headers['content-security-policy'])).toContain("form-action 'self'");
    expect(res.body).toContain('<title>本人履职记录</title>');
    expect(res.body).toContain('本链接于 2026-12-03 10:30 前有效');
    expect(res.body).toContain('通知：拒绝邀请');
    // The evaluation as the call named it, so that the expert can tell which one it was.
    expect(res.body).toContain('项目 P-REC-1（开标 2026-12-01 10:00，5号评标室）');
    expect(res.body).toContain('<strong>提交复核</strong>');
    expect(res.body).toContain('拒绝邀请，提交复核');
    const decline = await recordIndex(first, 0, 'record.call');
    expect(res.body).toContain(`<input type="hidden" name="record" value="${decline}">`);
    const { consequences } = (await t.app.inject({ method: 'GET', url: `/v1/experts/${decliner()}/consequences`, headers: manager.auth })).json();
    expect(consequences).toMatchObject([{ ruleId: 'DECLINE_REVIEW', kind: 'review', state: 'in-force' }]);
    expect(res.body).toContain(`<input type="hidden" name="consequence" value="${consequences[0].id}">`);
    // Nothing of the sealed draw, and nobody else's seat.
    for (const secret of ['P-REC-2', sealedDraw, first, ...ranked]) expect(res.body).not.toContain(secret);
    const en = await get(`/m/${token}?lang=en`);
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('Call: declined');
    expect(en.body).toContain('Referred for review');
  });

  it('lodges an objection from the form, by the expert through the link, with the API’s log entry; once', async () => {
    const decline = await recordIndex(first, 0, 'record.call');
    const [res, types] = await logged(() => post(`/m/${token}`, form({ record: String(decline), reason: REASON })));
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`${token}#objections`);
    expect(types).toEqual(['objection.lodged']);
    const entry = (await entries()).at(-1)!;
    expect(entry.payload).toMatchObject({ expertId: decliner(), against: { record: decline }, by: decliner(), role: 'expert', link: messageId });
    expect(JSON.stringify(entry)).not.toContain('出差');
    const page = await get(`/m/${token}`);
    expect(page.body).toMatch(/data-state="open">针对记录：2026-12-01 08:02 通知：拒绝邀请<br><span class="when">2026-12-01 10:30 提出 · 待处理<\/span><br>当天接到通知时正在外地出差/);
    expect(page.body).not.toContain(`name="record" value="${decline}"`);
    // The pool manager sees it with the others, lodged by the expert.
    const { objections } = (await t.app.inject({ method: 'GET', url: `/v1/experts/${decliner()}/consequences`, headers: manager.auth })).json();
    expect(objections).toMatchObject([{ against: { record: decline }, state: 'open', lodgedBy: decliner(), reason: REASON }]);
    // Sent again (a reload of an old form, a second tab): refused, the page says why, nothing logged.
    const [again, againTypes] = await logged(() => post(`/m/${token}`, form({ record: String(decline), reason: REASON })));
    expect([again.statusCode, codeOf(again.body), againTypes]).toEqual([409, 'CONFLICT', []]);
    expect(again.body).toContain('该记录或处理已有申诉');
  });

  it('refuses another expert’s record and a record of a sealed draw alike, and a form without a target or a reason', async () => {
    const others = await recordIndex(first, 1, 'record.call');
    const sealed = (await entries()).find((e) => e.type === 'record.call' && e.payload.drawId === sealedDraw)!.index;
    for (const record of [others, sealed]) {
      const [res, types] = await logged(() => post(`/m/${token}`, form({ record: String(record), reason: REASON })));
      expect([res.statusCode, codeOf(res.body), types]).toEqual([404, 'NOT_FOUND', []]);
      expect(res.body).toContain('您的履职记录中没有该记录或处理');
    }
    const consequence = `C-${'0'.repeat(32)}`;
    for (const body of [form({ reason: REASON }), form({ record: String(others), consequence, reason: REASON }), form({ consequence, reason: '   ' }), form({ record: 'x', reason: REASON }), `${form({ consequence, reason: REASON })}&extra=1`]) {
      const [res, types] = await logged(() => post(`/m/${token}`, body));
      expect([res.statusCode, codeOf(res.body), types], body).toEqual([400, 'INVALID_INPUT', []]);
    }
  });

  it('never shows a draw still sealed: its expert’s page counts only disclosed draws', async () => {
    const sent = await sendLink(sealedExpert);
    expect(sent.statusCode).toBe(202);
    const page = await get(`/m/${tokenOf((await linkSent(sealedExpert, sent.json().messageId)).responseUrl!)}`);
    expect(page.statusCode).toBe(200);
    for (const secret of ['P-REC-2', sealedDraw]) expect(page.body).not.toContain(secret);
    // The same counts as the pool manager's view, which leaves sealed draws out.
    const api = (await t.app.inject({ method: 'GET', url: `/v1/experts/${sealedExpert}/record`, headers: manager.auth })).json();
    expect(page.body).toContain(`<dt>通知次数</dt><dd>${api.tally.calls}</dd>`);
    // Called in the disclosed draw too (in its first five, or as an alternate after the decline), or never: the ranking
    // is random, so which one the page shows follows the pool manager's view of records in disclosed draws (a call
    // never sent before its deadline is a record, undelivered, that counts no call).
    expect(page.body).toContain(api.draws.length > 0 ? '项目 P-REC-1' : '暂无已公开抽取的履职记录');
  });

  it('shows conduct staff entered by its code, without their note or who entered it', async () => {
    const supervisor = await person(t, 'supervisor');
    const entered = await t.app.inject({ method: 'POST', url: `/v1/draws/${first}/records`, headers: supervisor.auth, payload: { group: 0, seat: 1, code: 'CARELESS_SCORING', note: '经与评标组长王五核对，第3项评分有误' } });
    expect(entered.statusCode, entered.body).toBe(201);
    const sent = await sendLink(ranked[1]!);
    const page = await get(`/m/${tokenOf((await linkSent(ranked[1]!, sent.json().messageId)).responseUrl!)}`);
    expect(page.body).toContain('评标行为记录：复核发现评分错误或不认真');
    expect(page.body).toContain(`<input type="hidden" name="record" value="${entered.json().index}">`);
    for (const staff of ['王五', '第3项', supervisor.userId]) expect(page.body).not.toContain(staff);
  });

  it('closes a review with an outcome and a reason: logged, sealed, shown to the expert; only a review in force', async () => {
    const { consequences } = (await t.app.inject({ method: 'GET', url: `/v1/experts/${decliner()}/consequences`, headers: manager.auth })).json();
    const review = consequences[0].id as string;
    const close = (id: string, headers = manager.auth) => t.app.inject({ method: 'POST', url: `/v1/consequences/${id}/review`, headers: { ...headers, 'accept-language': 'en' }, payload: { outcome: 'warning', reason: '已电话约谈，本人说明情况属实' } });
    expect((await close(review, t.auth('pool-manager'))).statusCode).toBe(403);
    const [res, types] = await logged(() => close(review));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: review, state: 'closed', endedWhy: 'reviewed', review: { outcome: 'warning', reason: '已电话约谈，本人说明情况属实', by: manager.userId } });
    expect(types).toEqual(['review.closed']);
    const entry = (await entries()).at(-1)!;
    expect(entry.payload).toMatchObject({ consequenceId: review, expertId: decliner(), ruleId: 'DECLINE_REVIEW', outcome: 'warning', by: manager.userId, role: 'pool-manager' });
    expect(JSON.stringify(entry)).not.toContain('约谈');
    expect(t.ctx.pool.get(decliner()).status).toBe('active');
    // Closed once; a suspension is not a review; the same records raise no new review.
    const [twice, twiceTypes] = await logged(() => close(review));
    expect([twice.statusCode, twice.json().error.code, twiceTypes]).toEqual([409, 'NOT_UNDER_REVIEW', []]);
    const suspension = (await t.app.inject({ method: 'GET', url: '/v1/consequences', headers: manager.auth })).json().consequences.find((c: { ruleId: string }) => c.ruleId === 'NO_ANSWER');
    expect(suspension).toBeDefined();
    const [notReview] = await logged(() => close(suspension.id));
    expect([notReview.statusCode, notReview.json().error.code]).toEqual([409, 'NOT_UNDER_REVIEW']);
    expect(await t.ctx.rules.tick()).toEqual({ applied: 0, lifted: 0 });
    const page = await get(`/m/${token}`);
    expect([page.statusCode, stateOf(page.body), codeOf(page.body)], page.body).toEqual([200, 'open', undefined]);
    expect(page.body).toContain('复核已结束<br>拒绝邀请，提交复核<br>复核结论：约谈提醒');
  });

  it('answers an unknown link 404, a replaced one and an expired one 410, never showing the record', async () => {
    for (const url of [`/m/${'A'.repeat(32)}`, '/m/short', '/m/']) {
      const res = await get(url);
      expect([res.statusCode, stateOf(res.body), codeOf(res.body)], url).toEqual([404, 'unknown', 'NOT_FOUND']);
    }
    const unknownPost = await post(`/m/${'A'.repeat(32)}`, form({ record: '1', reason: REASON }));
    expect([unknownPost.statusCode, codeOf(unknownPost.body)]).toEqual([404, 'NOT_FOUND']);
    // A new link replaces the old one.
    const again = await sendLink(decliner());
    expect(again.statusCode).toBe(202);
    const newer = tokenOf((await linkSent(decliner(), again.json().messageId)).responseUrl!);
    expect(newer).not.toBe(token);
    const old = await get(`/m/${token}`);
    expect([old.statusCode, stateOf(old.body), codeOf(old.body)]).toEqual([410, 'superseded', 'GONE']);
    expect(old.body).not.toContain('通知：拒绝邀请');
    const oldPost = await post(`/m/${token}`, form({ consequence: `C-${'0'.repeat(32)}`, reason: REASON }));
    expect([oldPost.statusCode, codeOf(oldPost.body)]).toEqual([410, 'GONE']);
    expect((await get(`/m/${newer}`)).statusCode).toBe(200);
    // 48 hours later it works no more.
    clock += 48 * 3_600_000;
    const expired = await get(`/m/${newer}`);
    expect([expired.statusCode, stateOf(expired.body), codeOf(expired.body)]).toEqual([410, 'expired', 'GONE']);
    expect(expired.body).toContain('此链接已过期');
  });

  it('sends one expert at most five links a day, whoever asks; the sixth is refused with when the next can go, and nothing is sent or logged', async () => {
    const expert = ranked[4]!;
    // Two pool managers logged in now (the sessions above ended with the clock's two days).
    const [one, other] = [await person(t, 'pool-manager'), await person(t, 'pool-manager')];
    const start = clock;
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock = start + i * 3_600_000;
      const res = await sendLink(expert, (i % 2 === 0 ? one : other).auth);
      expect(res.statusCode, res.body).toBe(202);
      sent.push(res.json().messageId);
    }
    clock = start + 5 * 3_600_000;
    const messagesBefore = (await sentMessages(t)).length;
    const [refused, types] = await logged(() => sendLink(expert, other.auth));
    expect([refused.statusCode, refused.json().error.code, types]).toEqual([429, 'RATE_LIMITED', []]);
    // The first of the five was sent at `start`: the next can go a day after it (told in the centre's time zone).
    const next = new Date(start + 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(refused.json().error.message).toBe(`一天内最多向同一位专家发送 5 条履职记录链接；下一条可在 ${next} 之后发送`);
    expect((await sentMessages(t)).length).toBe(messagesBefore);
    // Another expert is not held up; a day after the first link, this one is sent again.
    expect((await sendLink(decliner(), one.auth)).statusCode).toBe(202);
    clock = start + 86_400_000 + 1;
    expect((await sendLink(expert, (await person(t, 'pool-manager')).auth)).statusCode).toBe(202);
  });
});
