// The expert's own record page (/m/{token}), rendered on the server so that it works without JavaScript: their counts
// and records of disclosed draws, the consequences the rules set and the objections (申诉) with their decisions, and a
// plain form to object to a record or a consequence. What it is given is the expert's own record as the API's rules
// build it (disclosed draws only); it leaves out what staff wrote for staff (notes, who entered a record). Texts in
// Chinese (default) and English.
import { localTime } from '../calls/text.js';
import type { ErrorCode } from '../errors.js';
import type { Tally } from '../roster/performance.js';
import type { PerformanceService, RecordView } from '../services/performance.service.js';
import type { ConsequenceView, ObjectionView } from '../services/rules.service.js';
import { esc, frame, type PageLang } from './answer-page.js';

/** Why an objection sent with the form was not taken, or that it was: shown above the record. */
export type RecordNotice = 'invalid' | 'objected' | 'notFound';

/** What the link opens: the page, or why not. */
export type RecordPageState = 'open' | 'expired' | 'superseded' | 'unknown';

type ExpertRecord = Awaited<ReturnType<PerformanceService['ofExpert']>>;

const TEXTS = {
  'zh-CN': {
    title: '本人履职记录',
    intro: (until: string) => `以下是您在已公开的评标专家抽取中的履职记录，以及据此作出的考核处理和您的申诉。本链接于 ${until} 前有效，仅供本人使用。`,
    state: {
      expired: '此链接已过期。如需查看履职记录，请联系交易中心重新发送链接。',
      superseded: '此链接已被更新的链接取代，请使用最新收到的短信中的链接。',
      unknown: '此链接无效。请核对短信中的链接是否完整。',
    },
    notice: {
      invalid: '请选择申诉的记录或处理，并填写申诉理由（不超过 1000 字）。',
      objected: '该记录或处理已有申诉，或已不能申诉；请查看下方的申诉情况。',
      notFound: '您的履职记录中没有该记录或处理。',
    },
    counts: '统计',
    tally: [
      ['calls', '通知次数'],
      ['accepted', '接受'],
      ['declined', '拒绝'],
      ['timedOut', '超时未答复'],
      ['checkedIn', '签到'],
      ['late', '迟到'],
      ['refused', '签到时发现应回避'],
      ['noShows', '接受后未到场'],
    ] as ReadonlyArray<readonly [keyof Tally, string]>,
    records: '履职记录',
    noRecords: '暂无已公开抽取的履职记录。',
    project: (id: string) => `项目 ${id}`,
    evaluation: (id: string, opening: string, venue: string | null) => `项目 ${id}（开标 ${opening}${venue ? `，${venue}` : ''}）`,
    what: {
      accepted: '通知：接受邀请',
      declined: '通知：拒绝邀请',
      timeout: '通知：未在答复期限内答复',
      undelivered: '通知：短信或电话未能送达（不计入履职记录）',
      busy: '通知：接受时已有同一天另一项评标的席位，本次由他人递补（不计入履职记录）',
      'on-time': '签到：按时',
      late: (m: number) => `签到：迟到（开标后 ${m} 分钟）`,
      refused: '签到：发现应当回避，未能入场',
      'no-show': '接受邀请后未到场',
      entered: (label: string) => `评标行为记录：${label}`,
      withdrawal: '更正：撤销此前的评标行为记录',
    },
    corrected: '已更正',
    withdrawn: '申诉成立，已撤销',
    consequences: '考核处理',
    noConsequences: '暂无考核处理。',
    kind: { suspend: '暂停抽取', blacklist: '列入黑名单', review: '提交复核' },
    consequenceState: { 'in-force': '执行中', expired: '已到期', annulled: '已撤销', closed: '复核已结束' },
    period: (from: string, until: string | null) => (until ? `${from} 至 ${until}` : `自 ${from} 起`),
    reviewOutcome: { 'no-action': '复核结论：不予处理', warning: '复核结论：约谈提醒', sanctioned: '复核结论：另行处理' },
    objections: '申诉',
    noObjections: '暂无申诉。',
    against: { record: (what: string) => `针对记录：${what}`, consequence: (rule: string) => `针对处理：${rule}` },
    lodgedAt: (at: string) => `${at} 提出`,
    objectionState: { open: '待处理', upheld: '申诉成立', rejected: '申诉驳回' },
    decision: (d: string) => `处理意见：${d}`,
    object: '对此提出申诉',
    reason: '申诉理由',
    submit: '提交申诉',
    final: '申诉提交后由专家库管理员审核处理，每条记录或处理只能申诉一次。',
  },
  en: {
    title: 'My evaluation record',
    intro: (until: string) => `Your record in the expert draws disclosed so far, the consequences the rules set from it, and your objections. This link works until ${until} and is for you alone.`,
    state: {
      expired: 'This link has expired. To see your record, ask the trading centre to send a new link.',
      superseded: 'A newer link has replaced this one: please use the link in the latest message.',
      unknown: 'This link is not valid. Please check that the link from the message is complete.',
    },
    notice: {
      invalid: 'Please choose the record or consequence you object to and give a reason (at most 1000 characters).',
      objected: 'There is an objection against it already, or it can no longer be objected to: see your objections below.',
      notFound: 'Your record holds no such record or consequence.',
    },
    counts: 'Counts',
    tally: [
      ['calls', 'Calls'],
      ['accepted', 'Accepted'],
      ['declined', 'Declined'],
      ['timedOut', 'Not answered in time'],
      ['checkedIn', 'Checked in'],
      ['late', 'Late'],
      ['refused', 'Conflict found at check-in'],
      ['noShows', 'Accepted, did not come'],
    ] as ReadonlyArray<readonly [keyof Tally, string]>,
    records: 'Records',
    noRecords: 'No records of disclosed draws yet.',
    project: (id: string) => `Project ${id}`,
    evaluation: (id: string, opening: string, venue: string | null) => `Project ${id} (bid opening ${opening}${venue ? `, ${venue}` : ''})`,
    what: {
      accepted: 'Call: accepted',
      declined: 'Call: declined',
      timeout: 'Call: not answered in time',
      undelivered: 'Call: the message could not be delivered (not held against you)',
      busy: 'Call: accepted while holding a seat of another evaluation that day, so passed on (not held against you)',
      'on-time': 'Check-in: on time',
      late: (m: number) => `Check-in: late (${m} min after bid opening)`,
      refused: 'Check-in: a conflict of interest was found, not admitted',
      'no-show': 'Accepted, did not come',
      entered: (label: string) => `Conduct recorded: ${label}`,
      withdrawal: 'Correction: an earlier conduct record withdrawn',
    },
    corrected: 'corrected',
    withdrawn: 'withdrawn: objection upheld',
    consequences: 'Consequences',
    noConsequences: 'No consequences.',
    kind: { suspend: 'Suspended from draws', blacklist: 'Blacklisted', review: 'Referred for review' },
    consequenceState: { 'in-force': 'in force', expired: 'expired', annulled: 'annulled', closed: 'review closed' },
    period: (from: string, until: string | null) => (until ? `${from} to ${until}` : `from ${from}`),
    reviewOutcome: { 'no-action': 'Review: no action', warning: 'Review: a warning', sanctioned: 'Review: dealt with separately' },
    objections: 'Objections',
    noObjections: 'No objections.',
    against: { record: (what: string) => `Against the record: ${what}`, consequence: (rule: string) => `Against the consequence: ${rule}` },
    lodgedAt: (at: string) => `lodged ${at}`,
    objectionState: { open: 'waiting for a decision', upheld: 'upheld', rejected: 'rejected' },
    decision: (d: string) => `Decision: ${d}`,
    object: 'Object to this',
    reason: 'Your reason',
    submit: 'Send the objection',
    final: 'A pool manager decides each objection; a record or a consequence takes one objection only.',
  },
} as const;

type Texts = (typeof TEXTS)[PageLang];

/** An evaluation as the expert's call named it. */
export interface Evaluation {
  readonly bidOpeningAt: string;
  readonly venue: string | null;
}

export interface RecordPageInput {
  readonly lang: PageLang;
  readonly state: RecordPageState;
  /** When the link stops working (an open link). */
  readonly expiresAt?: string;
  /** The expert's record and consequences (an open link). */
  readonly record?: ExpertRecord;
  readonly sanctions?: { readonly consequences: readonly ConsequenceView[]; readonly objections: readonly ObjectionView[] };
  /** Each project's evaluation as its call named it (bid opening, venue), by project id. */
  readonly evaluations?: ReadonlyMap<string, Evaluation>;
  readonly timeZone: string;
  readonly code?: ErrorCode | null;
  readonly notice?: RecordNotice | null;
}

/** The record page's title, for the pages of failures under /m. */
export const recordPageTitle = (lang: PageLang) => TEXTS[lang].title;

/** The page of a record link: the expert's record, or why the link opens nothing. */
export function recordPage(input: RecordPageInput): string {
  const { lang, state } = input;
  const t = TEXTS[lang];
  const code = input.code ?? null;
  const notice = input.notice ? `<p class="notice" role="alert">${t.notice[input.notice]}</p>` : '';
  if (state !== 'open' || !input.record || !input.sanctions) {
    const why = state === 'open' ? 'unknown' : state;
    return frame({ lang, title: t.title, state: why, code, body: `<p class="status">${t.state[why]}</p>` });
  }
  const at = (iso: string) => {
    const l = localTime(new Date(iso), input.timeZone);
    return `${l.date} ${l.time}`;
  };
  const { record, sanctions } = input;
  const objected = new Set(sanctions.objections.map((o) => ('record' in o.against ? `record:${o.against.record}` : `consequence:${o.against.consequence}`)));
  const records = record.draws.flatMap((d) => d.records.map((r) => ({ ...r, projectId: d.projectId })));
  const described = new Map(records.map((r) => [r.index, `${at(r.time)} ${describe(t, r)}`]));

  const counts = `<section class="counts"><h2>${t.counts}</h2><dl>${t.tally.map(([k, label]) => `<dt>${label}</dt><dd>${record.tally[k]}</dd>`).join('')}</dl></section>`;

  const recordItems = records.map((r) => {
    const standing = r.withdrawnBy === undefined && (r.kind !== 'entered' || r.standing === true);
    const mark = r.withdrawnBy !== undefined ? t.withdrawn : r.kind === 'entered' && r.code !== null && !r.standing ? t.corrected : '';
    const form = standing && countsAgainst(r) && !objected.has(`record:${r.index}`) ? objectionForm(t, 'record', String(r.index)) : '';
    const evaluation = input.evaluations?.get(r.projectId);
    const which = evaluation ? t.evaluation(r.projectId, at(evaluation.bidOpeningAt), evaluation.venue) : t.project(r.projectId);
    return `<li data-index="${r.index}"><span class="when">${at(r.time)} · ${esc(which)}</span><br>${describe(t, r)}${mark ? ` <em>（${mark}）</em>` : ''}${form}</li>`;
  });
  const recordList = `<section class="records" id="records"><h2>${t.records}</h2>${recordItems.length === 0 ? `<p>${t.noRecords}</p>` : `<ul>${recordItems.join('')}</ul>`}</section>`;

  const consequenceItems = sanctions.consequences.map((c) => {
    const review = c.review ? `<br>${t.reviewOutcome[c.review.outcome]}` : '';
    const form = c.state !== 'annulled' && !objected.has(`consequence:${c.id}`) ? objectionForm(t, 'consequence', c.id) : '';
    return `<li data-consequence="${c.id}" data-state="${c.state}"><strong>${t.kind[c.kind]}</strong> · ${t.period(c.from, c.until)} · ${t.consequenceState[c.state]}<br>${esc(c.rule)}${review}${form}</li>`;
  });
  const consequenceList = `<section class="consequences" id="consequences"><h2>${t.consequences}</h2>${consequenceItems.length === 0 ? `<p>${t.noConsequences}</p>` : `<ul>${consequenceItems.join('')}</ul>`}</section>`;

  const ruleOf = new Map(sanctions.consequences.map((c) => [c.id, c.rule]));
  const objectionItems = sanctions.objections.map((o) => {
    const against = 'record' in o.against ? t.against.record(described.get(o.against.record) ?? String(o.against.record)) : t.against.consequence(ruleOf.get(o.against.consequence) ?? o.against.consequence);
    const decision = o.decision === null ? '' : `<br>${esc(t.decision(o.decision))}`;
    return `<li data-objection="${o.id}" data-state="${o.state}">${esc(against)}<br><span class="when">${t.lodgedAt(at(o.lodgedAt))} · ${t.objectionState[o.state]}</span><br>${esc(o.reason)}${decision}</li>`;
  });
  const objectionList = `<section class="objections" id="objections"><h2>${t.objections}</h2>${objectionItems.length === 0 ? `<p>${t.noObjections}</p>` : `<ul>${objectionItems.join('')}</ul>`}<p class="final">${t.final}</p></section>`;

  const body = `${notice}<p class="status">${t.intro(at(input.expiresAt!))}</p>${counts}${recordList}${consequenceList}${objectionList}`;
  return frame({ lang, title: t.title, state: 'open', code, body });
}

/** What a record says, to the expert. */
function describe(t: Texts, r: RecordView): string {
  if (r.kind === 'no-show') return t.what['no-show'];
  if (r.kind === 'entered') return r.code === null ? t.what.withdrawal : esc(t.what.entered(r.label ?? r.code ?? ''));
  if (r.outcome === 'late') return t.what.late(r.minutesAfterOpening ?? 0);
  return t.what[r.outcome!];
}

/** Whether a record counts against the expert under the rules (what an objection is for); an accepted call does not. */
function countsAgainst(r: RecordView): boolean {
  if (r.kind === 'no-show') return true;
  if (r.kind === 'entered') return r.code !== null && r.code !== undefined;
  return r.outcome === 'declined' || r.outcome === 'timeout' || r.outcome === 'late' || r.outcome === 'refused';
}

/** An objection's form, folded under its record or consequence; it posts to the page's own address. */
function objectionForm(t: Texts, field: 'record' | 'consequence', value: string): string {
  return (
    `<details class="object"><summary>${t.object}</summary><form class="objection" method="post">` +
    `<input type="hidden" name="${field}" value="${esc(value)}">` +
    `<label>${t.reason}<textarea name="reason" rows="3" maxlength="1000" required></textarea></label>` +
    `<button type="submit" class="accept">${t.submit}</button></form></details>`
  );
}
