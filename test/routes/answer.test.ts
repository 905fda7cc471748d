// The expert's answer page over HTTP, on both stores: the short link in the message, the page in every state of its
// call, the form answer (303 back to the page), refusals that show the page as it is now and write nothing, the page's
// headers, and form bodies refused (415) everywhere but here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Built } from '../helper.js';
import { drawnCalls, importPool, sentMessages, tokenOf } from '../helpers/calls.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const stateOf = (body: string) => /<main data-state="([a-z-]+)"/.exec(body)?.[1];
const codeOf = (body: string) => /<main [^>]*data-code="([A-Z_]+)"/.exec(body)?.[1];

describe.each(['sqlite', 'redis'] as const)('the answer page (%s store)', (store) => {
  let t: Built;
  let clock = Date.parse('2026-12-01T08:00:00+08:00');
  let drawId = '';
  let links: string[] = [];
  const path = (i: number) => `/r/${tokenOf(links[i]!)}`;
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  const post = (url: string, payload: string, headers: Record<string, string> = FORM) => t.app.inject({ method: 'POST', url, payload, headers });
  /** Runs a request and returns it with the types of the log entries it wrote. */
  const logged = async <T>(run: () => Promise<T>): Promise<[T, string[]]> => {
    const before = await t.ctx.store.logSize();
    const res = await run();
    const types: string[] = [];
    for (let i = before; i < (await t.ctx.store.logSize()); i++) types.push(JSON.parse((await t.ctx.auditLog.entry(i)).toString()).type);
    return [res, types];
  };

  beforeAll(async () => {
    t = await build({ EXPERT_DRAW_STORE: store, EXPERT_DRAW_PUBLIC_URL: 'https://draw.example-centre.gov.cn/' }, { now: () => clock });
    await importPool(t, `answer-page-${store}`);
    ({ drawId, links } = await drawnCalls(t, 'P-ANSWER', { bidOpeningAt: '2026-12-01T10:00:00+08:00', venue: '杭州市公共资源交易中心 5号评标室' }));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('sends a short link under the public URL, and the same link in the text', async () => {
    for (const link of links) expect(link).toMatch(/^https:\/\/draw\.example-centre\.gov\.cn\/r\/[A-Za-z0-9_-]{32}$/);
    const messages = await sentMessages(t);
    for (const link of links) expect(messages.find((m) => m.responseUrl === link)!.text).toContain(`回复：${link} 接受或拒绝`);
  });

  it('shows a waiting call: time and place in the service zone, deadline, countdown, the two buttons; never the project', async () => {
    const res = await get(path(0));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(stateOf(res.body)).toBe('waiting');
    expect(res.body).toContain('<html lang="zh-CN">');
    expect(res.body).toContain('<dd>2026-12-01 10:00</dd>');
    expect(res.body).toContain('<dd>杭州市公共资源交易中心 5号评标室</dd>');
    expect(res.body).toContain('<dd>08:15 前</dd>');
    expect(res.body).toContain('还剩 15 分 00 秒');
    expect(res.body).toMatch(/<form class="answer" method="post"[^>]*><button type="submit" name="answer" value="accept"[^>]*>接受<\/button><button type="submit" name="answer" value="decline"[^>]*>拒绝<\/button><\/form>/);
    // The form posts to the page itself: the token is in the address only.
    expect(res.body).not.toContain(tokenOf(links[0]!));
    for (const secret of ['P-ANSWER', drawId, '9601', '9602']) expect(res.body).not.toContain(secret);
  });

  it('is never cached, sends no referrer, and allows only its own script and style', async () => {
    for (const res of [await get(path(0)), await get('/r/unknown'), await post(path(0), 'answer=maybe')]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
    }
    const script = await get('/assets/answer.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/answer.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('takes an accept from the form, sends the browser back to the page, and never takes a second answer', async () => {
    const [res, types] = await logged(() => post(path(0), 'answer=accept'));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(tokenOf(links[0]!));
    // The answer and its performance record, in one commit.
    expect(types).toEqual(['call.accepted', 'record.call']);
    const page = await get(path(0));
    expect([page.statusCode, stateOf(page.body)]).toEqual([200, 'accepted']);
    expect(page.body).toContain('您已接受邀请');
    expect(page.body).toContain('（08:00 答复）');
    expect(page.body).not.toContain('<form');
    const [again, none] = await logged(() => post(path(0), 'answer=decline'));
    expect([again.statusCode, stateOf(again.body), codeOf(again.body)]).toEqual([409, 'accepted', 'CONFLICT']);
    expect(again.body).toContain('此邀请已经答复，答复不能更改。');
    expect(none).toEqual([]);
  });

  it('takes a decline, and the seat is passed to the next ranked expert at once', async () => {
    clock = Date.parse('2026-12-01T08:05:00+08:00');
    const [res, types] = await logged(() => post(path(1), 'answer=decline'));
    expect(res.statusCode).toBe(303);
    expect(types).toEqual(['call.declined', 'record.call', 'seat.promoted', 'calls.placed']);
    const page = await get(path(1));
    expect([page.statusCode, stateOf(page.body)]).toEqual([200, 'declined']);
    expect(page.body).toContain('您已拒绝本次邀请');
  });

  it('shows what is wrong with an answer the page never sends, and writes nothing', async () => {
    const [maybe, none] = await logged(() => post(path(2), 'answer=maybe'));
    expect([maybe.statusCode, stateOf(maybe.body), codeOf(maybe.body)]).toEqual([400, 'waiting', 'INVALID_INPUT']);
    expect(maybe.body).toContain('请点击“接受”或“拒绝”按钮答复。');
    expect(none).toEqual([]);
    for (const body of ['', 'answer=accept&answer=decline', 'answer=accept&extra=1', 'answer=%FF']) {
      const res = await post(path(2), body);
      expect([res.statusCode, codeOf(res.body)], body).toEqual([400, 'INVALID_INPUT']);
    }
    const tooLarge = await post(path(2), `answer=accept&pad=${'x'.repeat(1000)}`);
    expect([tooLarge.statusCode, codeOf(tooLarge.body)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(stateOf((await get(path(2))).body)).toBe('waiting');
  });

  it('reads forms on this route only: JSON here, and forms anywhere else, are 415', async () => {
    const json = await t.app.inject({ method: 'POST', url: path(2), payload: { answer: 'accept' } });
    expect([json.statusCode, codeOf(json.body)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const latin1 = await post(path(2), 'answer=accept', { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' });
    expect(latin1.statusCode).toBe(415);
    const gateway = await post(`/v1/responses/${tokenOf(links[2]!)}`, 'answer=accept');
    expect([gateway.statusCode, gateway.json().error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const project = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: { ...FORM, ...t.auth('operator') }, payload: 'id=P-FORM' });
    expect(project.statusCode).toBe(415);
    expect(stateOf((await get(path(2))).body)).toBe('waiting');
  });

  it('speaks English when asked, and keeps the language through the answer', async () => {
    const page = await get(`${path(2)}?lang=en`);
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain('>Accept</button>');
    expect(page.body).toContain('<a class="lang" href="?lang=zh-CN"');
    const res = await post(`${path(2)}?lang=en`, 'answer=accept');
    expect([res.statusCode, res.headers.location]).toEqual([303, `${tokenOf(links[2]!)}?lang=en`]);
    expect((await get(`${path(2)}?lang=en`)).body).toContain('You have accepted.');
    expect((await get(`${path(2)}?lang=xx`)).body).toContain('<html lang="zh-CN">');
  });

  it('answers an unknown link with the same page, 404, without looking it up', async () => {
    for (const url of [`/r/${'A'.repeat(32)}`, '/r/short', `/r/${'A'.repeat(31)}!`, '/r/a/b', '/r/']) {
      const res = await get(url);
      expect([res.statusCode, stateOf(res.body), codeOf(res.body)], url).toEqual([404, 'unknown', 'NOT_FOUND']);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    }
    const res = await post(`/r/${'A'.repeat(32)}`, 'answer=accept');
    expect([res.statusCode, stateOf(res.body)]).toEqual([404, 'unknown']);
    expect(res.body).toContain('此链接无效');
    const head = await t.app.inject({ method: 'HEAD', url: path(3) });
    expect([head.statusCode, head.body]).toEqual([200, '']);
    // A link too long for the router is refused as a page too, with the page's headers (the record page's alike).
    for (const url of [`/r/${'A'.repeat(3000)}`, `/r/${'A'.repeat(3000)}?lang=en`, `/m/${'A'.repeat(3000)}`]) {
      const long = await get(url);
      expect([long.statusCode, codeOf(long.body), long.headers['content-type'], long.headers['cache-control'], long.headers['referrer-policy']], url).toEqual([414, 'URI_TOO_LONG', 'text/html; charset=utf-8', 'no-store', 'no-referrer']);
      expect(long.headers['content-security-policy']).toContain("default-src 'none'");
      expect(long.headers['x-content-type-options']).toBe('nosniff');
    }
    // An API path stays JSON.
    expect((await get(`/v1/projects/${'A'.repeat(3000)}`)).headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('is over when the deadline passes, and says so once the seat has gone to the next expert', async () => {
    clock = Date.parse('2026-12-01T08:15:00+08:00');
    // Seat 3 never answered. Before the timeout pass the page already refuses.
    const expired = await get(path(3));
    expect([expired.statusCode, stateOf(expired.body), codeOf(expired.body)]).toEqual([410, 'expired', 'GONE']);
    expect(expired.body).toContain('答复期限已过，本次邀请已失效。');
    expect(expired.body).not.toContain('<form');
    const [late, none] = await logged(() => post(path(3), 'answer=accept'));
    expect([late.statusCode, stateOf(late.body)]).toEqual([410, 'expired']);
    expect(none).toEqual([]);
    // The timeout pass: seats 3 and 4 pass to the next ranks, who are called.
    expect(await t.ctx.roster.expire()).toBe(2);
    const superseded = await get(path(3));
    expect([superseded.statusCode, stateOf(superseded.body)]).toEqual([410, 'superseded']);
    expect(superseded.body).toContain('本次评标已由其他专家递补，无需前往。');
    const { roster } = await t.ctx.roster.read(drawId);
    const next = roster.calls.find((c) => c.seat === 3 && c.state === 'calling')!;
    const link = (await sentMessages(t)).find((m) => m.messageId === next.messageId)!.responseUrl!;
    expect(stateOf((await get(`/r/${tokenOf(link)}`)).body)).toBe('waiting');
    // Answers given before the deadline stand.
    expect(stateOf((await get(path(0))).body)).toBe('accepted');
  });

  it('sends an expert who came without answering back to the page: the desk admits only an accepted call', async () => {
    const { roster } = await t.ctx.roster.read(drawId);
    const open = roster.calls.find((c) => c.state === 'calling' && c.seat !== 0)!;
    const link = (await sentMessages(t)).find((m) => m.messageId === open.messageId)!.responseUrl!;
    const idNumber = t.ctx.pool.personal(open.expertId).idNumber;
    const checkIn = () => t.app.inject({ method: 'POST', url: '/v1/checkins', headers: t.auth('checkin'), payload: { projectId: 'P-ANSWER', idNumber } });
    const size = await t.ctx.store.logSize();
    const unanswered = await checkIn();
    expect([unanswered.statusCode, unanswered.json().error.code]).toEqual([409, 'CONFLICT']);
    expect(unanswered.json().error.message).toContain('请先通过通知中的链接（或电话）接受');
    // Logged, and nothing else changed: the page still asks.
    const logged = (await t.ctx.store.readEntries(size, await t.ctx.store.logSize())).map((b) => (JSON.parse(b.toString('utf8')) as { type: string }).type);
    expect(logged).toEqual(['checkin.unanswered']);
    expect(stateOf((await get(`/r/${tokenOf(link)}`)).body)).toBe('waiting');
    // Accepted on the page at the desk, then admitted; the page says so.
    expect((await t.app.inject({ method: 'POST', url: `/r/${tokenOf(link)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'answer=accept' })).statusCode).toBe(303);
    expect((await checkIn()).statusCode).toBe(200);
    const page = await get(`/r/${tokenOf(link)}`);
    expect([page.statusCode, stateOf(page.body)]).toEqual([200, 'checked-in']);
    expect(page.body).toContain('您已在评标地点签到，无需再答复。');
  });

  it('shows a call refused at check-in for a conflict as closed', async () => {
    const { roster } = await t.ctx.roster.read(drawId);
    const seat0 = roster.calls.find((c) => c.seat === 0 && c.state === 'accepted')!;
    const employer = t.ctx.pool.expert(seat0.expertId)!.employer;
    const op = t.auth('operator');
    expect((await t.app.inject({ method: 'POST', url: '/v1/projects/P-ANSWER/bidders', headers: op, payload: { bidders: [employer] } })).statusCode).toBe(200);
    const idNumber = t.ctx.pool.personal(seat0.expertId).idNumber;
    const refused = await t.app.inject({ method: 'POST', url: '/v1/checkins', headers: t.auth('checkin'), payload: { projectId: 'P-ANSWER', idNumber } });
    expect(refused.json().error?.code).toBe('CHECKIN_REFUSED');
    // The desk is told what happens to the seat as the roster has it: the next expert called, or nobody (a re-test saw
    // "the next is being called" for a seat left unfilled, stop 43).
    const after = (await t.ctx.roster.read(drawId)).roster;
    const calling = after.calls.some((c) => c.group === seat0.group && c.seat === seat0.seat && c.state === 'calling');
    expect(refused.json().error.message).toMatch(calling ? /正在通知下一位备选专家$/ : /此席位无备选专家可通知/);
    const page = await get(path(0));
    expect([page.statusCode, stateOf(page.body)]).toEqual([410, 'closed']);
    expect(page.body).toContain('本次邀请已结束');
  });
});
