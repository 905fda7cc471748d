// The answer page's rendering, without a server: each state's words in both languages, times in the service's zone,
// the buttons only while the call is open, the countdown from the service's clock, and the venue escaped.
import { describe, expect, it } from 'vitest';
import { answerPage, pageLang, troublePage } from '../../src/pages/answer-page.js';
import type { CallView } from '../../src/services/roster.service.js';

const NOW = Date.parse('2026-12-01T08:02:30+08:00');
const view = (over: Partial<CallView> = {}): CallView => ({
  state: 'waiting',
  deadline: '2026-12-01T00:15:00.000Z',
  answeredAt: null,
  bidOpeningAt: '2026-12-01T10:00:00+08:00',
  venue: '5号评标室',
  ...over,
});
const render = (over: Partial<CallView> = {}, lang: 'zh-CN' | 'en' = 'zh-CN', timeZone = 'Asia/Shanghai') => answerPage({ lang, view: view(over), now: NOW, timeZone });
const stateOf = (html: string) => /<main data-state="([a-z-]+)"/.exec(html)?.[1];

describe('answerPage', () => {
  it('shows a waiting call with time, place, deadline, countdown and both buttons', () => {
    const html = render();
    expect(stateOf(html)).toBe('waiting');
    expect(html).toContain('<dt>评标时间</dt><dd>2026-12-01 10:00</dd><dt>地点</dt><dd>5号评标室</dd><dt>答复期限</dt><dd>08:15 前</dd>');
    expect(html).toContain(`data-deadline="${Date.parse('2026-12-01T00:15:00.000Z')}" data-now="${NOW}"`);
    expect(html).toContain('>还剩 12 分 30 秒</p>');
    expect(html).toContain('value="accept" class="accept">接受</button>');
    expect(html).toContain('value="decline" class="decline">拒绝</button>');
    expect(html).toContain('答复提交后不能更改。');
    // The page's code lives in files: nothing inline for the CSP to allow.
    expect(html).not.toMatch(/<script>|<style|\son[a-z]+=/);
  });

  it('says each state in Chinese and English, with buttons only while the call is open', () => {
    const words = {
      accepted: ['您已接受邀请', 'You have accepted.'],
      'checked-in': ['您已在评标地点签到，无需再答复。', 'You have checked in at the venue'],
      busy: ['您已接受同一天另一项评标的邀请，不能同时参加', 'You have already accepted another evaluation on the same day'],
      cancelled: ['本次评标已取消，无需前往，也无需答复。', 'This evaluation has been cancelled.'],
      declined: ['您已拒绝本次邀请', 'You have declined'],
      expired: ['答复期限已过，本次邀请已失效。', 'The time to answer has passed; this invitation is no longer valid.'],
      superseded: ['本次评标已由其他专家递补，无需前往。', 'another expert has taken the seat'],
      closed: ['本次邀请已结束，无需再答复。', 'This invitation is closed'],
    } as const;
    for (const [state, [zh, en]] of Object.entries(words)) {
      const s = state as keyof typeof words;
      for (const [lang, text] of [['zh-CN', zh], ['en', en]] as const) {
        const html = render({ state: s, answeredAt: '2026-12-01T00:05:00.000Z' }, lang);
        expect(stateOf(html), `${s} ${lang}`).toBe(s);
        expect(html, `${s} ${lang}`).toContain(text);
        expect(html).toContain(`<html lang="${lang}">`);
        expect(html).not.toContain('<form');
        expect(html).not.toContain('data-deadline');
      }
    }
    expect(render({ state: 'accepted', answeredAt: '2026-12-01T00:05:00.000Z' })).toContain('（08:05 答复）');
    expect(render({ state: 'declined', answeredAt: '2026-12-01T00:05:00.000Z' }, 'en')).toContain(' (answered at 08:05)');
    // A checked-in expert may never have answered the link: no answer time is claimed.
    expect(render({ state: 'checked-in', answeredAt: '2026-12-01T00:05:00.000Z' })).not.toContain('答复）');
    expect(render({}, 'en')).toContain('>Accept</button>');
  });

  it('shows times in the given zone, and the deadline with its date when it is on another day', () => {
    const london = render({}, 'zh-CN', 'Europe/London');
    expect(london).toContain('<dd>2026-12-01 02:00</dd>');
    expect(london).toContain('<dd>00:15 前</dd>');
    const eve = render({ deadline: '2026-11-30T15:30:00.000Z' });
    expect(eve).toContain('<dd>2026-11-30 23:30 前</dd>');
  });

  it('escapes the venue, and says where the venue is unknown', () => {
    const html = render({ venue: '<img src=x onerror="alert(1)">&"\'' });
    expect(html).toContain('<dd>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&quot;&#39;</dd>');
    expect(render({ venue: null })).toContain('<dd>以交易中心通知为准</dd>');
  });

  it('shows a notice above the call, and the stable code on <main>', () => {
    const html = answerPage({ lang: 'zh-CN', view: view({ state: 'accepted' }), now: NOW, timeZone: 'Asia/Shanghai', code: 'CONFLICT', notice: 'answered' });
    expect(html).toContain('<main data-state="accepted" data-code="CONFLICT">');
    expect(html).toContain('<p class="notice" role="alert">此邀请已经答复，答复不能更改。</p>');
    expect(render()).toContain('<main data-state="waiting">');
  });

  it('renders the unknown link and failures in the same frame', () => {
    const unknown = answerPage({ lang: 'zh-CN', view: null, now: NOW, timeZone: 'Asia/Shanghai', code: 'NOT_FOUND' });
    expect(unknown).toContain('<main data-state="unknown" data-code="NOT_FOUND">');
    expect(unknown).toContain('此链接无效');
    expect(unknown).not.toContain('<dl>');
    const busy = troublePage('en', 'busy', 'RATE_LIMITED');
    expect(busy).toContain('<main data-state="error" data-code="RATE_LIMITED">');
    expect(busy).toContain('Too many requests');
    expect(troublePage('zh-CN', 'unavailable', 'STORE_UNAVAILABLE')).toContain('服务暂时不可用');
  });
});

describe('pageLang', () => {
  it('is English only when asked for, Chinese otherwise', () => {
    expect(pageLang({ lang: 'en' })).toBe('en');
    for (const q of [undefined, {}, { lang: 'zh-CN' }, { lang: 'EN' }, { lang: ['en', 'en'] }, { lang: 'fr' }]) expect(pageLang(q)).toBe('zh-CN');
  });
});
