// A project's timeline (GET /v1/projects/{id}/timeline): its story from the audit log, one row per event, by group,
// seat and rank — never an expert.
import { api } from '../api';
import { h, show } from '../dom';
import { failureText, localTime, payloadValue } from '../format';
import { t, textOr } from '../i18n';

/** The event's name in the reader's language above its log entry type (the type alone for one without a name). */
function eventCell(type: string): HTMLTableCellElement {
  const name = textOr(`event.${type}`, type);
  return name === type ? h('td', {}, h('code', {}, type)) : h('td', {}, h('span', { class: 'event' }, name), h('br'), h('code', {}, type));
}

/** Details whose values the console names: roles, assurance levels, project states, call states. */
const VALUE_TEXTS: Readonly<Record<string, string>> = { role: 'role.', roles: 'role.', assurance: 'assurance.', from: 'state.', rearmed: 'state.', because: 'call.' };

/** One detail's value as a person reads it: named where the console has a name for it, a time in local time, yes or no. */
function detailValue(key: string, value: unknown): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return t(value ? 'detailYes' : 'detailNo');
  if (Array.isArray(value)) return value.map((v) => detailValue(key, v)).join(', ');
  if (typeof value !== 'string') return String(value);
  const prefix = VALUE_TEXTS[key];
  return prefix === undefined ? payloadValue(value) : textOr(`${prefix}${value}`, payloadValue(value));
}

/** An event's details, each field by its name in the reader's language (its key where it has none). */
function detailText(detail: Readonly<Record<string, unknown>>): string {
  return Object.entries(detail)
    .map(([key, value]) => t('detailPair', { name: textOr(`detail.${key}`, key), value: detailValue(key, value) }))
    .join(t('detailJoin'));
}

export function timelineView(main: HTMLElement, projectId: string): void {
  const body = h('div', {}, t('loading'));
  show(main, h('section', { class: 'card wide' }, h('p', {}, h('a', { href: '#/board' }, t('backToBoard'))), h('h1', {}, t('timelineTitle', { project: projectId })), body));
  api('get', '/v1/projects/{id}/timeline', { params: { id: projectId } })
    .then((answer) => {
      const events = answer.events;
      if (events.length === 0) return show(body, h('p', {}, t('timelineEmpty')));
      const position = (e: (typeof events)[number]) => [e.group, e.seat, e.rank].map((n) => (n === undefined ? '–' : String(n))).join(' / ');
      const detail = (e: (typeof events)[number]) => detailText(e.detail ?? {});
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
