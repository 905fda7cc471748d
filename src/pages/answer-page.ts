// The expert's answer page (/r/{token}), rendered on the server so that it works without JavaScript: time and place,
// the answer deadline, 接受 / 拒绝 as a plain form. Never the project, the tenderer or the bidders — the call's view
// (RosterService.callView) holds none of them. Texts in Chinese (default) and English.
import { localTime } from '../calls/text.js';
import type { ErrorCode } from '../errors.js';
import type { CallView } from '../services/roster.service.js';

export const PAGE_LANGS = ['zh-CN', 'en'] as const;
export type PageLang = (typeof PAGE_LANGS)[number];

/** Why an answer sent with the form was not taken: shown above the call as it is now. */
export type Notice = 'answered' | 'invalid' | 'retry';

/** What a failure that is not about the call says: too many requests, unavailable, or a request the page never sends. */
export type Trouble = 'busy' | 'unavailable' | 'refused';

const TEXTS = {
  'zh-CN': {
    title: '评标专家邀请',
    switchTo: { lang: 'en', label: 'English' },
    opening: '评标时间',
    venue: '地点',
    venueUnknown: '以交易中心通知为准',
    deadline: '答复期限',
    before: (at: string) => `${at} 前`,
    remaining: '还剩 {m} 分 {s} 秒',
    answeredAt: (at: string) => `（${at} 答复）`,
    accept: '接受',
    decline: '拒绝',
    final: '答复提交后不能更改。',
    submitting: '正在提交……',
    failed: '网络异常，答复未能提交，请重试。',
    busy: '服务繁忙，答复未能提交，请稍候再按一次。',
    confirmDecline: '确定拒绝吗？拒绝后席位立即由下一位专家递补，不能更改。',
    confirmDeclineButton: '确认拒绝',
    state: {
      waiting: '您被抽选为评标专家。请在答复期限前选择是否参加。',
      accepted: '您已接受邀请。请按时到达评标地点，凭身份证签到。',
      'checked-in': '您已在评标地点签到，无需再答复。',
      busy: '您已接受同一天另一项评标的邀请，不能同时参加；本次邀请已转给其他专家，不计入您的履职记录。',
      cancelled: '本次评标已取消，无需前往，也无需答复。',
      declined: '您已拒绝本次邀请，感谢您的答复。',
      expired: '答复期限已过，本次邀请已失效。',
      superseded: '答复期限已过，本次评标已由其他专家递补，无需前往。',
      closed: '本次邀请已结束，无需再答复。',
      unknown: '此链接无效。请核对短信中的链接是否完整。',
    },
    notice: {
      answered: '此邀请已经答复，答复不能更改。',
      invalid: '请点击“接受”或“拒绝”按钮答复。',
      retry: '答复未能提交，请重试。',
    },
    trouble: {
      busy: '请求过于频繁，请稍后再试。',
      unavailable: '服务暂时不可用，请稍后再试。',
      refused: '无法处理此请求，请直接打开短信中的链接。',
    },
    help: '如有疑问，请联系交易中心。',
  },
  en: {
    title: 'Invitation to evaluate bids',
    switchTo: { lang: 'zh-CN', label: '中文' },
    opening: 'Evaluation starts',
    venue: 'Place',
    venueUnknown: 'as the trading centre will tell you',
    deadline: 'Answer by',
    before: (at: string) => at,
    remaining: '{m} min {s} s left',
    answeredAt: (at: string) => ` (answered at ${at})`,
    accept: 'Accept',
    decline: 'Decline',
    final: 'An answer cannot be changed once sent.',
    submitting: 'Sending…',
    failed: 'Network problem: your answer was not sent. Please try again.',
    busy: 'The service is busy: your answer was not sent. Please wait a moment and press again.',
    confirmDecline: 'Decline? The seat passes to the next expert at once, and this cannot be changed.',
    confirmDeclineButton: 'Confirm decline',
    state: {
      waiting: 'You have been drawn as an evaluation expert. Please say whether you will attend before the deadline.',
      accepted: 'You have accepted. Please arrive on time and check in with your ID card.',
      'checked-in': 'You have checked in at the venue; no answer is needed.',
      busy: 'You have already accepted another evaluation on the same day and cannot attend both; this invitation has passed to another expert and is not held against you.',
      cancelled: 'This evaluation has been cancelled. You need not come, and no answer is needed.',
      declined: 'You have declined this invitation. Thank you for answering.',
      expired: 'The time to answer has passed; this invitation is no longer valid.',
      superseded: 'The time to answer has passed and another expert has taken the seat. You need not come.',
      closed: 'This invitation is closed; no answer is needed.',
      unknown: 'This link is not valid. Please check that the link from the message is complete.',
    },
    notice: {
      answered: 'This invitation has already been answered; an answer cannot be changed.',
      invalid: 'Please answer with the Accept or Decline button.',
      retry: 'Your answer was not sent. Please try again.',
    },
    trouble: {
      busy: 'Too many requests. Please try again in a moment.',
      unavailable: 'The service is unavailable right now. Please try again later.',
      refused: 'This request cannot be handled. Please open the link from the message.',
    },
    help: 'If in doubt, contact the trading centre.',
  },
} as const;

/** The page's language from its `lang` query parameter: Chinese unless English is asked for. */
export function pageLang(query: unknown): PageLang {
  const lang = (query as { lang?: unknown } | undefined)?.lang;
  return lang === 'en' ? 'en' : 'zh-CN';
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text as HTML: every character that could open markup or end an attribute escaped. */
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** A page of the expert's links: its language, its state and code for programs, its title and content. */
export interface Frame {
  readonly lang: PageLang;
  /** The page's title (h1 and <title>); the answer page's by default. */
  readonly title?: string;
  /** data-state of <main>: the call's state, `unknown`, or `error`. */
  readonly state: string;
  /** The stable error code of a non-2xx answer, for programs and tests (data-code). */
  readonly code: ErrorCode | null;
  readonly body: string;
}

/** The document around a page's content; the script and style are separate files (the CSP allows no inline code). */
export function frame({ lang, state, code, body, title }: Frame): string {
  const t = TEXTS[lang];
  const heading = title ?? t.title;
  const other = `<a class="lang" href="?lang=${t.switchTo.lang}" lang="${t.switchTo.lang}" hreflang="${t.switchTo.lang}">${t.switchTo.label}</a>`;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${heading}</title>
<link rel="stylesheet" href="../assets/answer.css">
<script src="../assets/answer.js" defer></script>
</head>
<body>
<main data-state="${state}"${code ? ` data-code="${code}"` : ''}>
<header><h1>${heading}</h1>${other}</header>
${body}
<p class="help">${t.help}</p>
</main>
</body>
</html>
`;
}

export interface AnswerPageInput {
  readonly lang: PageLang;
  /** The call as it is now; null: the link is unknown. */
  readonly view: CallView | null;
  /** The service's clock (ms): the countdown starts from it, not from the phone's clock. */
  readonly now: number;
  readonly timeZone: string;
  readonly code?: ErrorCode | null;
  readonly notice?: Notice | null;
}

/** The page of one call in its current state, or the unknown-link page. */
export function answerPage(input: AnswerPageInput): string {
  const { lang, view, now, timeZone } = input;
  const t = TEXTS[lang];
  const code = input.code ?? null;
  if (view === null) return frame({ lang, state: 'unknown', code, body: `<p class="status">${t.state.unknown}</p>` });
  const opening = localTime(new Date(view.bidOpeningAt), timeZone);
  const by = localTime(new Date(view.deadline), timeZone);
  // As in the message: the deadline's date only when it is not the day of the opening.
  const byText = by.date === opening.date ? by.time : `${by.date} ${by.time}`;
  const rows = [
    [t.opening, `${opening.date} ${opening.time}`],
    [t.venue, view.venue ?? t.venueUnknown],
    ...(view.state === 'waiting' || view.state === 'expired' ? [[t.deadline, t.before(byText)]] : []),
  ];
  const details = `<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${esc(v!)}</dd>`).join('')}</dl>`;
  const answered = view.answeredAt && (view.state === 'accepted' || view.state === 'declined') ? `<span class="when">${t.answeredAt(localTime(new Date(view.answeredAt), timeZone).time)}</span>` : '';
  const notice = input.notice ? `<p class="notice" role="alert">${t.notice[input.notice]}</p>` : '';
  let body = `${notice}${details}<p class="status" role="status">${t.state[view.state]}${answered}</p>`;
  if (view.state === 'waiting') {
    const deadline = Date.parse(view.deadline);
    body += `<p class="countdown" data-deadline="${deadline}" data-now="${now}" data-template="${t.remaining}" data-expired="${t.state.expired}">${remaining(t.remaining, deadline - now)}</p>`;
    // No action: the form posts to the page's own address (the token stays out of the markup).
    body += `<form class="answer" method="post" data-submitting="${t.submitting}" data-failed="${t.failed}" data-busy="${t.busy}" data-confirm="${t.confirmDecline}" data-confirm-button="${t.confirmDeclineButton}">`;
    body += `<button type="submit" name="answer" value="accept" class="accept">${t.accept}</button>`;
    body += `<button type="submit" name="answer" value="decline" class="decline">${t.decline}</button></form>`;
    body += `<p class="final">${t.final}</p>`;
  }
  return frame({ lang, state: view.state, code, body });
}

/** The headers of every expert page: the address holds the credential, so no Referer leaves it and no cache keeps it. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

/** Whether a request path is an expert's page (an answer link /r/…, a record page /m/…). */
export function isExpertPagePath(url: string): boolean {
  return url.startsWith('/r/') || url.startsWith('/m/');
}

/** A failure that is not about the call (rate limit, store down, a request the page never sends), same look. */
export function troublePage(lang: PageLang, trouble: Trouble, code: ErrorCode, title?: string): string {
  return frame({ lang, state: 'error', code, body: `<p class="status">${TEXTS[lang].trouble[trouble]}</p>`, ...(title ? { title } : {}) });
}

function remaining(template: string, ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return template.replace('{m}', String(Math.floor(s / 60))).replace('{s}', String(s % 60).padStart(2, '0'));
}
