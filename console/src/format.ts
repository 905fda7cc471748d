// Times as the console shows them: in the centre's time zone (EXPERT_DRAW_TIME_ZONE, named by the page the service
// serves), whatever the terminal's own zone, minutes only, but to the second for the times a log payload holds. A
// terminal left on UTC would otherwise show a 09:00 bid opening as 01:00, and read a time typed in as eight hours off.
import { offsetOf, offsetText, wallClock, type WallClock } from '../../src/domain/wall-clock';
import { ApiError } from './api';
import { lang, t, textOr } from './i18n';

const pad = (n: number) => String(n).padStart(2, '0');

/** The terminal's own zone. */
export const terminalZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The zone the page names (`<meta name="expert-draw-time-zone">`), if it is one the browser knows; else the terminal's. */
function namedZone(): string {
  const named = typeof document === 'undefined' ? null : document.querySelector<HTMLMetaElement>('meta[name="expert-draw-time-zone"]')?.content;
  if (!named) return terminalZone;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: named }).resolvedOptions().timeZone;
  } catch {
    return terminalZone;
  }
}

/** The centre's time zone: every time shown, and every time typed in, is its wall-clock time. */
export const centreZone = namedZone();

/** The centre's wall clock at an instant. */
const wall = (ms: number): WallClock => wallClock(ms, centreZone);

/** The centre's offset from UTC at an instant, in minutes. */
const offsetAt = (ms: number): number => offsetOf(wall(ms), ms);

/**
 * The instant a wall-clock time of the centre's zone names (days and months may overflow, as Date.UTC takes them). In
 * a daylight-saving gap the time after it; in a repeated hour the first.
 */
function instantOf(y: number, mo: number, d: number, h = 0, mi = 0): number {
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  const first = asUtc - offsetAt(asUtc) * 60_000;
  return asUtc - offsetAt(first) * 60_000;
}

const date = (w: WallClock) => `${w.year}-${pad(w.month)}-${pad(w.day)}`;

/** `2026-12-01 09:00` in the centre's zone. */
export function localTime(iso: string): string {
  const w = wall(new Date(iso).getTime());
  return `${date(w)} ${pad(w.hour)}:${pad(w.minute)}`;
}

/** `2026-12-01T09:00` in the centre's zone, as a datetime-local field takes it. */
export function localInput(iso: string): string {
  return localTime(iso).replace(' ', 'T');
}

/** A datetime-local field's `yyyy-mm-ddThh:mm`, read as the centre's wall-clock time; null if it is not one. */
export function fromLocalInput(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const at = new Date(instantOf(y, mo, d, h, mi));
  return Number.isNaN(at.getTime()) ? null : at;
}

/** A log payload's own time (`2026-12-01T01:00:05.123Z`, `…+08:00`): the pattern the timeline's details are read with. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A value of a log payload as a person reads it: a time in the centre's zone to the second, anything else as it is. */
export function payloadValue(value: string): string {
  if (!ISO_TIME.test(value)) return value;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : `${localTime(value)}:${pad(wall(d.getTime()).second)}`;
}

/** `09:00:05` in the centre's zone. */
export const clockTime = (ms: number) => {
  const w = wall(ms);
  return `${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
};

/** The day heading of a time: today's, or its date and weekday (both in the centre's zone). */
export function dayOf(iso: string, now: number): string {
  const at = new Date(iso).getTime();
  if (date(wall(at)) === date(wall(now))) return t('today');
  // The date as every time on the board writes it (2026-12-07), then the weekday in the reader's language.
  const weekday = new Date(at).toLocaleDateString(lang(), { weekday: 'short', timeZone: centreZone });
  return t('dayHeading', { date: localTime(iso).slice(0, 10), weekday });
}

/** The start of the centre's day `days` after today's. */
export function startOfDay(now: number, days = 0): Date {
  const w = wall(now);
  return new Date(instantOf(w.year, w.month, w.day + days));
}

/** An instant as ISO 8601 with the centre's offset at it (the API wants the offset): `2026-12-01T09:00:00+08:00`. */
export function withOffset(d: Date): string {
  const ms = d.getTime();
  const w = wall(ms);
  return `${date(w)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${offsetText(offsetOf(w, ms))}`;
}

/** `UTC+08:00`: the centre's offset now. */
export function utcOffset(now: number): string {
  return `UTC${offsetText(offsetAt(now))}`;
}

/** Whether the terminal's clock reads another wall-clock time than the centre's right now. */
export function terminalZoneDiffers(now: number): boolean {
  return new Date(now).getTimezoneOffset() !== -offsetAt(now);
}

/** Time left until `at`: days and hours when far, h:mm:ss when close, "due" when reached. */
export function countdown(at: number, now: number): string {
  const s = Math.floor((at - now) / 1000);
  if (s <= 0) return t('countdownDue');
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  if (d > 0) return t('countdownDays', { d, h: hh });
  return t('countdownHours', { h: hh, m: pad(Math.floor((s % 3600) / 60)), s: pad(s % 60) });
}

/**
 * What a failure says to a person: the service's message, each field it refused by the field's name with the reason
 * (never the value: the service does not repeat it), and the code to quote; or that the service cannot be reached.
 */
export function failureText(err: unknown): string {
  if (!(err instanceof ApiError) || err.status === 0) return refusalReason(err);
  return t('failureWithCode', { message: refusalReason(err), code: err.code });
}

/** A refusal's field issues (INVALID_INPUT), each with its path and the service's reason; none for any other refusal. */
export function fieldIssues(err: unknown): Array<{ path: string; message: string }> {
  if (!(err instanceof ApiError) || err.code !== 'INVALID_INPUT') return [];
  const issues = (err.details as { issues?: Array<{ path?: string; message?: string }> } | undefined)?.issues ?? [];
  return issues.filter((i) => typeof i.path === 'string' && i.path !== '/').map((i) => ({ path: i.path!, message: i.message ?? '' }));
}

/** The same without the code (for screens that show the code apart). */
export function refusalReason(err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  if (err.status === 0) return t('networkError');
  // The service names the API route for its clients; a person is told what to do in the console.
  if (err.code === 'PASSWORD_CHANGE_REQUIRED') return t('firstPasswordFirst');
  const issues = err.code === 'INVALID_INPUT' ? ((err.details as { issues?: Array<{ path?: string; message?: string }> } | undefined)?.issues ?? []) : [];
  const fields = issues.map((i) => {
    // The body as a whole (path "/") is named by the message before it.
    const name = fieldPath(i.path ?? '') ?? (i.path === '/' ? '' : (i.path ?? ''));
    return name === '' ? (i.message ?? '') : t('detailPair', { name, value: i.message ?? '' });
  });
  return fields.length === 0 ? err.message : t('detailPair', { name: err.message, value: fields.join(t('detailJoin')) });
}

/** Where the names of a request's fields are looked for, in order; a pool file's fields read their columns first. */
const REQUEST_NAMES = ['apiField.', 'importColumn.', 'importKey.'] as const;
export const FILE_NAMES = ['importColumn.', 'importKey.'] as const;

/**
 * A path into a request or a file's line, step by step by the names a person reads: /groups/0/count is 专业组 › 第 1 项
 * › 人数, relations.0.role 关联关系 › 第 1 项 › 职务. Null when the console names none of its steps.
 */
export function fieldPath(path: string, names: readonly string[] = REQUEST_NAMES): string | null {
  let named = false;
  const steps = path
    .split(/[/.]/)
    .filter((step) => step !== '')
    .map((step) => {
      if (/^\d+$/.test(step)) return t('importItem', { n: Number(step) + 1 });
      const prefix = names.find((p) => textOr(`${p}${step}`, '') !== '');
      if (prefix === undefined) return step;
      named = true;
      return textOr(`${prefix}${step}`, step);
    });
  return named ? steps.join(t('importPathJoin')) : null;
}
