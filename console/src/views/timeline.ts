// A project's timeline (GET /v1/projects/{id}/timeline): its story from the audit log, one row per event, by group,
// seat and rank — never an expert.
import type { Entry } from '../../../src/i18n/define';
import { exclusion } from '../../../src/i18n/messages/calls';
import { codes } from '../../../src/i18n/messages/codes';
import { api } from '../api';
import { h, show } from '../dom';
import { failureText, localTime, payloadValue } from '../format';
import { lang, t, textOr } from '../i18n';

/** The event's name in the reader's language above its log entry type (the type alone for one without a name). */
function eventCell(type: string): HTMLTableCellElement {
  const name = textOr(`event.${type}`, type);
  return name === type ? h('td', {}, h('code', {}, type)) : h('td', {}, h('span', { class: 'event' }, name), h('br'), h('code', {}, type));
}

/** Details whose values the console names: roles, assurance levels, project and call states, delivery kinds, outcomes. */
const VALUE_TEXTS: Readonly<Record<string, string>> = {
  role: 'role.',
  roles: 'role.',
  assurance: 'assurance.',
  from: 'state.',
  rearmed: 'state.',
  because: 'call.',
  kind: 'deliveryKind.',
  outcome: 'recordOutcome.',
  onShort: 'onShort.',
  replaced: 'replaced.',
};

/** Details that count from 0 in the log, as groups, seats and ranks do: shown from 1, as every other screen shows them. */
const FROM_ZERO = new Set(['fromRank']);

/**
 * Details of one event type whose values the service's catalogue or the console names: a failed draw's error code,
 * the recusal codes of a refused check-in, the stale check's reason. A code keeps its own text beside its name, for
 * whoever looks it up; other events' fields of the same name (an entered record's conduct code, a cancellation's
 * reason in the operator's words) are shown as written.
 */
const TYPE_VALUES: Readonly<Record<string, Readonly<Record<string, (value: string) => string>>>> = {
  'draw.failed': { code: (v) => namedCode(codes, v) },
  'checkin.refused': { codes: (v) => namedCode(exclusion, v) },
  'seat.passed-over': { codes: (v) => namedCode(exclusion, v) },
  'draw.aborted': { reason: (v) => textOr(`abortReason.${v}`, v) },
};

function namedCode(names: Readonly<Record<string, Entry>>, code: string): string {
  const entry = Object.hasOwn(names, code) ? names[code] : undefined;
  return entry ? t('detailNamedCode', { name: lang() === 'en' ? entry.en : entry.zh, code }) : code;
}

/** One detail's value as a person reads it: named where the console has a name for it, a time in local time, yes or no. */
function detailValue(type: string, key: string, value: unknown): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return t(value ? 'detailYes' : 'detailNo');
  if (Array.isArray(value)) return value.map((v) => detailValue(type, key, v)).join(t('detailListJoin'));
  if (typeof value === 'number' && FROM_ZERO.has(key)) return String(value + 1);
  if (typeof value !== 'string') return String(value);
  const named = TYPE_VALUES[type]?.[key];
  if (named) return named(value);
  const prefix = VALUE_TEXTS[key];
  return prefix === undefined ? payloadValue(value) : textOr(`${prefix}${value}`, payloadValue(value));
}

/** An event's details, each field by its name in the reader's language (its key where it has none). */
function detailText(type: string, detail: Readonly<Record<string, unknown>>): string {
  return Object.entries(detail)
    .map(([key, value]) => t('detailPair', { name: textOr(`detail.${key}`, key), value: detailValue(type, key, value) }))
    .join(t('detailJoin'));
}

export function timelineView(main: HTMLElement, projectId: string): void {
  const body = h('div', {}, t('loading'));
  show(main, h('section', { class: 'card wide' }, h('p', {}, h('a', { href: '#/board' }, t('backToBoard'))), h('h1', {}, t('timelineTitle', { project: projectId })), body));
  api('get', '/v1/projects/{id}/timeline', { params: { id: projectId } })
    .then((answer) => {
      const events = answer.events;
      if (events.length === 0) return show(body, h('p', {}, t('timelineEmpty')));
      // Groups, seats and ranks from 1, as the unseal panel and the check-in desk name them (the log counts from 0).
      const position = (e: (typeof events)[number]) => [e.group, e.seat, e.rank].map((n) => (n === undefined ? '–' : String(n + 1))).join(' / ');
      const detail = (e: (typeof events)[number]) => detailText(e.type, e.detail ?? {});
      show(
        body,
        h(
          'table',
          { class: 'timeline' },
          h('thead', {}, h('tr', {}, ...(['colIndex', 'colTime', 'colEvent', 'colSeat', 'colDetail'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', {}, ...events.map((e) => h('tr', { 'data-type': e.type }, h('td', {}, e.index), h('td', {}, localTime(e.time)), eventCell(e.type), h('td', {}, position(e)), h('td', { class: 'detail' }, detail(e))))),
        ),
      );
    })
    .catch((err: unknown) => show(body, h('p', { class: 'alert', role: 'alert' }, failureText(err))));
}
