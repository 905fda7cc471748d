// The draw terminal's board: every project whose draw is due today or in the next 7 days (GET /v1/projects by drawAt),
// with a countdown to its draw, its state, its seats per group and, once drawn, how its calls stand (GET
// /v1/draws/{id}: counts only, never a name). Polled every POLL_SECONDS; rows are updated in place so that keyboard
// focus stays where it is. An operator draws a project now from here, behind a confirmation that states the
// assurance level of an immediate draw.
import { api, serverNow, type ApiAnswer } from '../api';
import { may, type Role } from '../access';
import { h, show } from '../dom';
import { clockTime, countdown, dayOf, failureText, localTime, startOfDay, withOffset } from '../format';
import { t, type TextKey } from '../i18n';
import { IMMEDIATE_ASSURANCE, POLL_SECONDS } from '../settings';

/** At most this many listing pages of 500 (a busy centre has some 2,000 projects a day). */
const MAX_PAGES = 10;
/** Calls are read for the drawn projects whose bid opening is at most this far behind (later ones no longer move). */
const CALLS_AFTER_OPENING_MS = 2 * 3600_000;
/** Draw statuses read at once. */
const PARALLEL = 6;

type Project = ApiAnswer<'/v1/projects', 'get'>['items'][number];
type Draw = ApiAnswer<'/v1/draws/{id}', 'get'>;
type Calls = NonNullable<Draw['calls']>;

/** The call states the board counts, in its order: filled first. */
const CALL_COUNTS: readonly [string, TextKey][] = [
  ['accepted', 'callsFilled'],
  ['checked-in', 'callsCheckedIn'],
  ['calling', 'callsCalling'],
  ['declined', 'callsDeclined'],
  ['timeout', 'callsTimedOut'],
  ['refused', 'callsRefused'],
];
const DRAWABLE = new Set(['scheduled', 'missed', 'failed']);

interface Row {
  readonly tr: HTMLTableRowElement;
  readonly countdown: HTMLTableCellElement;
  readonly state: HTMLTableCellElement;
  readonly calls: HTMLTableCellElement;
  readonly actions: HTMLTableCellElement;
  drawAt: number;
  stateShown: string;
  callsShown: string;
}

async function listProjects(now: number): Promise<{ items: Project[]; truncated: boolean }> {
  const items: Project[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await api('get', '/v1/projects', { query: { from: withOffset(startOfDay(now)), to: withOffset(startOfDay(now, 8)), limit: 500, ...(cursor ? { cursor } : {}) } });
    items.push(...answer.items);
    if (answer.next === null) return { items, truncated: false };
    cursor = answer.next;
  }
  return { items, truncated: true };
}

/** The calls of the drawn projects still moving, a few requests at a time. */
async function readCalls(projects: readonly Project[], now: number, into: Map<string, Calls | null>): Promise<void> {
  const queue = projects.filter((p) => p.state === 'drawn' && p.drawId !== null && Date.parse(p.bidOpeningAt) > now - CALLS_AFTER_OPENING_MS).map((p) => p.drawId!);
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) into.set(id, (await api('get', '/v1/draws/{id}', { params: { id } })).calls ?? null);
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

const callsText = (calls: Calls | null | undefined) => {
  if (!calls) return t('callsNone');
  const parts = CALL_COUNTS.filter(([state]) => (calls[state] ?? 0) > 0).map(([state, key]) => t(key, { n: calls[state]! }));
  return parts.length ? parts.join(' · ') : t('callsNone');
};

export function boardView(main: HTMLElement, role: Role): () => void {
  const status = h('p', { class: 'status', 'aria-live': 'polite' }, t('loading'));
  const alert = h('p', { class: 'alert', role: 'alert' });
  /** What the operator last did here (a draw), until the next. */
  const notice = h('p', { class: 'success', role: 'status' });
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'board' },
    h('caption', { class: 'visually-hidden' }, t('boardTitle')),
    h('thead', {}, h('tr', {}, ...(['colDrawAt', 'colCountdown', 'colProject', 'colOpening', 'colState', 'colSeats', 'colCalls', 'colActions'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
    tbody,
  );
  const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-title' });
  show(main, h('section', { class: 'card wide' }, h('h1', {}, t('boardTitle')), notice, status, alert, table), dialog);

  const rows = new Map<string, Row>();
  const calls = new Map<string, Calls | null>();
  let order = '';
  let stopped = false;
  let pollTimer = 0;

  const actionsOf = (p: Project): HTMLElement[] => [
    ...(may(role, 'draw.run') && DRAWABLE.has(p.state) ? [h('button', { type: 'button', class: 'draw', onclick: () => confirmDraw(p) }, t('drawNow'))] : []),
    h('a', { href: `#/project/${encodeURIComponent(p.id)}` }, t('timeline')),
  ];

  const rowOf = (p: Project): Row => {
    const cell = () => h('td');
    const row: Row = { tr: h('tr', { 'data-project': p.id }), countdown: cell(), state: cell(), calls: cell(), actions: cell(), drawAt: Date.parse(p.drawAt), stateShown: '', callsShown: '' };
    row.countdown.className = 'countdown';
    row.calls.className = 'calls';
    row.tr.append(
      h('td', {}, localTime(p.drawAt).slice(11)),
      row.countdown,
      h('td', {}, h('strong', {}, p.id), p.name ? h('div', { class: 'sub' }, p.name) : null),
      h('td', {}, localTime(p.bidOpeningAt)),
      row.state,
      h('td', {}, h('ul', { class: 'plain' }, ...p.groups.map((g) => h('li', {}, t('seatsOf', { specialty: g.specialty, count: g.count }))))),
      row.calls,
      row.actions,
    );
    return row;
  };

  const update = (row: Row, p: Project) => {
    row.drawAt = Date.parse(p.drawAt);
    const stateKey = `${p.state}|${p.drawId}`;
    if (row.stateShown !== stateKey) {
      row.stateShown = stateKey;
      row.tr.dataset.state = p.state;
      show(row.state, h('span', { class: `badge ${p.state}` }, t(`state.${p.state}`)));
      show(row.actions, ...actionsOf(p));
    }
    const text = callsText(p.drawId === null ? null : calls.get(p.drawId));
    if (row.callsShown !== text) {
      row.callsShown = text;
      row.calls.textContent = text;
    }
  };

  const tick = () => {
    const now = serverNow();
    for (const row of rows.values()) row.countdown.textContent = row.tr.dataset.state === 'scheduled' ? countdown(row.drawAt, now) : '';
  };

  const render = (projects: readonly Project[], truncated: boolean) => {
    const now = serverNow();
    const ids = projects.map((p) => `${p.id}@${p.drawAt}`).join('\n');
    if (ids !== order) {
      // The set or order changed: rebuild, keeping the rows (and their focus) that are still there.
      order = ids;
      const kept = new Map<string, Row>();
      const body: HTMLTableRowElement[] = [];
      let day = '';
      for (const p of projects) {
        const heading = dayOf(p.drawAt, now);
        if (heading !== day) {
          day = heading;
          body.push(h('tr', { class: 'day' }, h('th', { colspan: 8, scope: 'colgroup' }, heading)));
        }
        const row = rows.get(p.id) ?? rowOf(p);
        kept.set(p.id, row);
        body.push(row.tr);
      }
      rows.clear();
      for (const [id, row] of kept) rows.set(id, row);
      tbody.replaceChildren(...body);
    }
    for (const p of projects) update(rows.get(p.id)!, p);
    tick();
    show(status, projects.length === 0 ? t('boardEmpty') : '', truncated ? ` ${t('boardTruncated', { count: projects.length })}` : '', ' ', t('boardPolling', { seconds: POLL_SECONDS, time: clockTime(now) }));
  };

  let inFlight = false;
  let again = false;
  /** One poll at a time; asked during one (after a draw), the next starts as soon as it ends. */
  const poll = async () => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    window.clearTimeout(pollTimer);
    try {
      const now = serverNow();
      const { items, truncated } = await listProjects(now);
      await readCalls(items, now, calls);
      if (stopped) return;
      show(alert);
      render(items, truncated);
    } catch (err) {
      if (!stopped) show(alert, failureText(err));
    } finally {
      inFlight = false;
      if (!stopped) pollTimer = window.setTimeout(poll, again ? 0 : POLL_SECONDS * 1000);
      again = false;
    }
  };

  /** The confirmation: what will happen, at which assurance level; nothing is sent until it is confirmed. */
  function confirmDraw(p: Project): void {
    const result = h('p', { class: 'alert', role: 'alert' });
    const go = h('button', { type: 'button', class: 'primary danger' }, t('confirm'));
    const cancel = h('button', { type: 'button', onclick: () => dialog.close() }, t('cancel'));
    // One key per confirmation: a repeated click or a retried request returns the same draw.
    const key = crypto.randomUUID();
    go.addEventListener('click', () => {
      go.disabled = true;
      go.textContent = t('drawing');
      api('post', '/v1/projects/{id}/draw', { params: { id: p.id }, headers: { 'idempotency-key': key } })
        .then((draw) => {
          dialog.close();
          show(notice, t('drawDone', { project: p.id, drawId: draw.drawId, level: draw.assurance }));
          void poll();
        })
        .catch((err: unknown) => {
          show(result, failureText(err));
          go.disabled = false;
          go.textContent = t('confirm');
        });
    });
    show(
      dialog,
      h('h2', { id: 'confirm-title' }, t('confirmTitle', { project: p.id })),
      h('p', { class: 'assurance', 'data-assurance': IMMEDIATE_ASSURANCE }, h('strong', {}, t('confirmAssurance', { level: t(`assurance.${IMMEDIATE_ASSURANCE}`) }))),
      h('p', {}, t(`assurance.${IMMEDIATE_ASSURANCE}.means`)),
      h('p', { class: 'warning' }, t('confirmWarning')),
      result,
      h('div', { class: 'buttons' }, cancel, go),
    );
    dialog.showModal();
    cancel.focus();
  }

  const ticker = window.setInterval(tick, 1000);
  void poll();
  return () => {
    stopped = true;
    window.clearTimeout(pollTimer);
    window.clearInterval(ticker);
    if (dialog.open) dialog.close();
  };
}
