// The draw terminal's board: every project whose draw is due today or in the next 7 days (GET /v1/projects by drawAt),
// with a countdown to its draw, its state, its seats per group and, once drawn, how its calls stand (GET
// /v1/draws/{id}: counts only, never a name), and the missed and failed projects still waiting for a decision, whenever
// their draw was due. Polled every POLL_SECONDS; rows are updated in place so that keyboard focus stays where it is.
// An operator draws a project now from here, behind a confirmation that states the assurance level of an immediate
// draw; postpones or cancels it, or reschedules a missed or failed one (views/project-actions.ts); a remote site
// downloads its sealed result.
import { api, serverNow, type ApiAnswer } from '../api';
import { may, type Role } from '../access';
import { h, modalDialog, show } from '../dom';
import { clockTime, countdown, dayOf, failureText, localTime, startOfDay, withOffset } from '../format';
import { t, type TextKey } from '../i18n';
import { IMMEDIATE_ASSURANCE, POLL_SECONDS } from '../settings';
import { cancelDialog, downloadSealed, MANAGEABLE, postponeDialog } from './project-actions';

/** At most this many listing pages of 500 (a busy centre has some 2,000 projects a day). */
const MAX_PAGES = 10;
/** Calls are read for the drawn projects whose bid opening is at most this far behind (later ones no longer move). */
const CALLS_AFTER_OPENING_MS = 2 * 3600_000;
/** Draw statuses read at once. */
const PARALLEL = 6;

type Project = ApiAnswer<'/v1/projects', 'get'>['items'][number];
type Draw = ApiAnswer<'/v1/draws/{id}', 'get'>;
type Calls = NonNullable<Draw['callsByGroup']>;

/** What the board counts per group, in its order: filled first, then open, then what ended without an expert. */
const CALL_COUNTS: readonly [(g: Calls[number]) => number, TextKey][] = [
  [(g) => g.current['accepted'] ?? 0, 'callsFilled'],
  [(g) => g.current['checked-in'] ?? 0, 'callsCheckedIn'],
  [(g) => g.current['calling'] ?? 0, 'callsCalling'],
  [(g) => g.vacant, 'callsVacant'],
  [(g) => g.declined, 'callsDeclined'],
  [(g) => g.timedOut, 'callsTimedOut'],
  [(g) => g.refused, 'callsRefused'],
];
/** The service draws only a scheduled project now: a missed or failed one is rescheduled (rearmed) first. */
const DRAWABLE = new Set(['scheduled']);

interface Row {
  readonly tr: HTMLTableRowElement;
  readonly drawTime: HTMLTableCellElement;
  readonly opening: HTMLTableCellElement;
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
    if (answer.next === null) return { items: await withUndecided(items), truncated: false };
    cursor = answer.next;
  }
  return { items: await withUndecided(items), truncated: true };
}

/** The missed and failed projects waiting for an operator, also those due before today, in the board's order. */
async function withUndecided(items: Project[]): Promise<Project[]> {
  const undecided = (await api('get', '/v1/projects', { query: { needs: 'decision', limit: 500 } })).items;
  const shown = new Set(items.map((p) => p.id));
  const all = [...items, ...undecided.filter((p) => !shown.has(p.id))];
  return all.sort((a, b) => Date.parse(a.drawAt) - Date.parse(b.drawAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The calls of the drawn projects still moving, a few requests at a time. */
async function readCalls(projects: readonly Project[], now: number, into: Map<string, Calls | null>): Promise<void> {
  const queue = projects.filter((p) => p.state === 'drawn' && p.drawId !== null && Date.parse(p.bidOpeningAt) > now - CALLS_AFTER_OPENING_MS).map((p) => p.drawId!);
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) into.set(id, (await api('get', '/v1/draws/{id}', { params: { id } })).callsByGroup ?? null);
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

/** Per group: its seats, then each count that is not zero (seats and counts only, never who). */
const callsText = (calls: Calls | null | undefined) => {
  if (!calls || calls.length === 0) return t('callsNone');
  return calls
    .map((g) => {
      const parts = CALL_COUNTS.map(([count, key]) => [count(g), key] as const)
        .filter(([n]) => n > 0)
        .map(([n, key]) => t(key, { n }));
      return `${t('callsGroup', { specialty: g.specialty, seats: g.seats })}${parts.length ? parts.join(' · ') : t('callsNone')}`;
    })
    .join(t('callsSeparator'));
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
  const dialog = modalDialog({ class: 'confirm', 'aria-labelledby': 'confirm-title' });
  const howTo = may(role, 'draw.export') ? h('p', { class: 'notice' }, t('sealedHowTo')) : null;
  show(main, h('section', { class: 'card wide' }, h('h1', {}, t('boardTitle')), howTo, notice, status, alert, table), dialog);

  const rows = new Map<string, Row>();
  const calls = new Map<string, Calls | null>();
  let order = '';
  let stopped = false;
  let pollTimer = 0;

  /** After a postpone, cancel or download: say so, and read the board again. */
  const acted = (text: string) => {
    show(notice, text);
    void poll();
  };
  const actionsOf = (p: Project): HTMLElement[] => [
    ...(may(role, 'draw.run') && DRAWABLE.has(p.state) ? [h('button', { type: 'button', class: 'draw', onclick: () => confirmDraw(p) }, t('drawNow'))] : []),
    ...(may(role, 'project.manage') && MANAGEABLE.has(p.state)
      ? [
          h('button', { type: 'button', class: 'draw', onclick: () => postponeDialog(dialog, p, acted) }, t(p.state === 'scheduled' ? 'postpone' : 'reschedule')),
          h('button', { type: 'button', class: 'draw', onclick: () => cancelDialog(dialog, p, acted) }, t('cancelProject')),
        ]
      : []),
    ...(may(role, 'draw.export') && p.state === 'drawn' && p.drawId !== null
      ? [h('button', { type: 'button', class: 'draw', onclick: () => downloadSealed(p.drawId!, p.id).then((file) => show(notice, t('sealedSaved', { file, project: p.id })), (err: unknown) => show(alert, failureText(err))) }, t('downloadSealed'))]
      : []),
    ...(may(role, 'draw.unseal') && p.state === 'drawn' && p.drawId !== null ? [h('a', { href: `#/unseal/${encodeURIComponent(p.drawId)}`, class: 'action' }, t('unsealAction'))] : []),
    h('a', { href: `#/project/${encodeURIComponent(p.id)}` }, t('timeline')),
  ];

  const rowOf = (p: Project): Row => {
    const cell = () => h('td');
    const row: Row = { tr: h('tr', { 'data-project': p.id }), drawTime: cell(), opening: cell(), countdown: cell(), state: cell(), calls: cell(), actions: cell(), drawAt: Date.parse(p.drawAt), stateShown: '', callsShown: '' };
    row.countdown.className = 'countdown';
    row.calls.className = 'calls';
    row.tr.append(
      row.drawTime,
      row.countdown,
      h('td', {}, h('strong', {}, p.id), p.name ? h('div', { class: 'sub' }, p.name) : null),
      row.opening,
      row.state,
      h('td', {}, h('ul', { class: 'plain' }, ...p.groups.map((g) => h('li', {}, t('seatsOf', { specialty: g.specialty, count: g.count }))))),
      row.calls,
      row.actions,
    );
    return row;
  };

  const update = (row: Row, p: Project) => {
    row.drawAt = Date.parse(p.drawAt);
    // A postponed project keeps its row: its times are refreshed in place.
    if (row.drawTime.textContent !== localTime(p.drawAt).slice(11)) row.drawTime.textContent = localTime(p.drawAt).slice(11);
    if (row.opening.textContent !== localTime(p.bidOpeningAt)) row.opening.textContent = localTime(p.bidOpeningAt);
    const stateKey = `${p.state}|${p.drawId}|${p.bidOpeningAt}`;
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
    dialog.setAttribute('aria-labelledby', 'confirm-title');
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
