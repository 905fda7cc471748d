// The words an expert hears or reads: time and place only. Never the project, tenderer or bidder — whoever places
// or overhears the call must not learn which project the expert will evaluate.

/** Fields that must never reach a call; typed `never` and checked at run time as well. */
interface NoProjectDetails {
  projectName?: never;
  projectId?: never;
  tenderer?: never;
  bidder?: never;
}
const FORBIDDEN_FIELDS = ['projectName', 'projectId', 'tenderer', 'bidder'] as const;

export interface CallTextInput extends NoProjectDetails {
  venue: string;
  /** ISO date-time with an offset, e.g. 2026-12-01T09:00:00+08:00. */
  bidOpeningAt: string;
  /** IANA zone the expert reads times in, e.g. Asia/Shanghai. */
  timeZone: string;
  responseUrl: string;
  /** Latest time to answer; ISO with an offset, before bidOpeningAt. */
  deadline: string;
}

export interface CancelTextInput extends NoProjectDetails {
  venue: string;
  bidOpeningAt: string;
  timeZone: string;
}

const HEADER = '【评标专家通知】';
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const MAX_VENUE_CHARS = 100;

function checkNoProjectDetails(input: object): void {
  for (const field of FORBIDDEN_FIELDS) {
    if (field in input) throw new TypeError(`call text must not carry ${field}: time and place only`);
  }
}

function instant(value: string, field: string): Date {
  const ms = ISO_WITH_OFFSET.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${field} must be an ISO date-time with an offset`);
  return new Date(ms);
}

function cleanVenue(venue: string): string {
  const v = venue.trim();
  // Line breaks or control characters would let a venue string forge extra lines in an SMS.
  if (v === '' || v.length > MAX_VENUE_CHARS || /\p{Cc}/u.test(v)) {
    throw new RangeError(`venue must be 1–${MAX_VENUE_CHARS} characters without control characters`);
  }
  return v;
}

export interface LocalTime {
  date: string;
  time: string;
}

/** One formatter per time zone: building an Intl.DateTimeFormat costs far more than formatting with one. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * What the formatter writes for these options ("06/03/2030, 09:00"). Reading that string costs a third of
 * formatToParts, which builds an object per part; any other shape (another ICU's output) is read from the parts.
 */
const EN_US_TEXT = /^(\d{2})\/(\d{2})\/(\d+), (\d{2}):(\d{2})$/;

/** Wall-clock date (YYYY-MM-DD) and time (HH:mm, 24-hour) of an instant in a zone. Throws on an unknown zone. */
export function localTime(at: Date, timeZone: string): LocalTime {
  const formatter = formatterFor(timeZone);
  const m = EN_US_TEXT.exec(formatter.format(at));
  if (m) return { date: `${m[3]}-${m[1]}-${m[2]}`, time: `${m[4]}:${m[5]}` };
  const parts = formatter.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return { date: `${part('year')}-${part('month')}-${part('day')}`, time: `${part('hour')}:${part('minute')}` };
}

/** E.g. 【评标专家通知】您被抽选参加评标，时间：2026-12-01 09:00，地点：…。请于 08:15 前回复：<url> 接受或拒绝。 */
export function callText(input: CallTextInput): string {
  const { responseUrl, ...rest } = input;
  return fillCall(callTemplate(rest), responseUrl);
}

/**
 * A placement's call text around its link: every expert of one placement reads the same words but for the link, so
 * the words are checked and formatted once and kept once (the outbox stores this, not one text per call).
 */
export interface CallTemplate {
  readonly before: string;
  readonly after: string;
}

/** The template of several calls that share time, place and deadline (one placement). */
export function callTemplate(input: Omit<CallTextInput, 'responseUrl'>): CallTemplate {
  checkNoProjectDetails(input);
  const venue = cleanVenue(input.venue);
  const opening = instant(input.bidOpeningAt, 'bidOpeningAt');
  const deadline = instant(input.deadline, 'deadline');
  if (deadline.getTime() >= opening.getTime()) throw new RangeError('deadline must be before bidOpeningAt');
  const at = localTime(opening, input.timeZone);
  const by = localTime(deadline, input.timeZone);
  // Same local day as the opening: the time alone reads naturally; otherwise the date is needed too.
  const byText = by.date === at.date ? by.time : `${by.date} ${by.time}`;
  return { before: `${HEADER}您被抽选参加评标，时间：${at.date} ${at.time}，地点：${venue}。请于 ${byText} 前回复：`, after: ' 接受或拒绝。' };
}

/** One call's text: the template with its response link. */
export function fillCall(template: CallTemplate, responseUrl: string): string {
  const url = URL.canParse(responseUrl) ? new URL(responseUrl) : null;
  // The URL carries the expert's response token, so it is not echoed in the error.
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new RangeError('responseUrl must be an http(s) URL');
  return `${template.before}${url.href}${template.after}`;
}

/**
 * The message around the link to an expert's own record page: what it opens and until when. No draw, project or record
 * in it — the page shows those to whoever holds the link, and the link says not to pass it on.
 */
export function recordLinkTemplate(expiresAt: string, timeZone: string): CallTemplate {
  const until = localTime(instant(expiresAt, 'expiresAt'), timeZone);
  return { before: `${HEADER}您可通过以下链接查看本人的履职记录和考核处理情况，并可在线提出申诉（${until.date} ${until.time} 前有效）：`, after: ' 此链接仅供本人使用，请勿转发。' };
}

/**
 * The notice to the number an expert had before a change of their personal data: what changed (phone, name, ID number:
 * never to what), when, and what to do if they did not ask for it. No link, no digit of a new number: whoever holds the
 * old number now learns nothing from it.
 */
export function contactChangedText(changedAt: string, timeZone: string, changed: ReadonlyArray<'phone' | 'name' | 'idNumber'> = ['phone']): CallTemplate {
  const at = localTime(instant(changedAt, 'changedAt'), timeZone);
  const what = changed.map((f) => PERSONAL_FIELD_NAMES[f]).join('、');
  const phoneGone = changed.includes('phone') ? '，此号码今后不再接收评标通知' : '';
  return { before: `${HEADER}您在评标专家库登记的${what}已于 ${at.date} ${at.time} 更改${phoneGone}。如非您本人申请，请立即与交易中心联系。`, after: '' };
}

const PERSONAL_FIELD_NAMES = { phone: '联系电话', name: '姓名', idNumber: '身份证号码' } as const;

/** The notice for a withdrawn call: the same time and place, so the expert knows which call it cancels. */
export function cancelText(input: CancelTextInput): string {
  checkNoProjectDetails(input);
  const venue = cleanVenue(input.venue);
  const at = localTime(instant(input.bidOpeningAt, 'bidOpeningAt'), input.timeZone);
  return `${HEADER}原定于 ${at.date} ${at.time} 在${venue}的评标邀请已取消，无需前往，也无需回复。`;
}
