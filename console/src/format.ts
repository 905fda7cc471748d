// Times as the console shows them: the browser's own time zone (the centre's terminals run in theirs), minutes only, but
// to the second for the times a log payload holds.
import { ApiError } from './api';
import { lang, t, textOr } from './i18n';

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-01 09:00` in the browser's time zone. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A log payload's own time (`2026-12-01T01:00:05.123Z`, `…+08:00`): the pattern the timeline's details are read with. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A value of a log payload as a person reads it: a time in the browser's time zone to the second, anything else as it is. */
export function payloadValue(value: string): string {
  if (!ISO_TIME.test(value)) return value;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : `${localTime(value)}:${pad(d.getSeconds())}`;
}

/** `09:00:05` in the browser's time zone. */
export const clockTime = (ms: number) => {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

/** The day heading of a time: today's, or its date and weekday. */
export function dayOf(iso: string, now: number): string {
  const d = new Date(iso);
  if (d.toDateString() === new Date(now).toDateString()) return t('today');
  // The date as every time on the board writes it (2026-12-07), then the weekday in the reader's language.
  const weekday = d.toLocaleDateString(lang(), { weekday: 'short' });
  return t('dayHeading', { date: localTime(iso).slice(0, 10), weekday });
}

/** The start of the local day `days` after today's. */
export function startOfDay(now: number, days = 0): Date {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() + days);
  return d;
}

/** An ISO 8601 time with the browser's offset (the API wants the offset), from a Date. */
export function withOffset(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
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
