// The draw terminal's board: every project whose draw is due today or in the next 7 days (GET /v1/projects by drawAt),
// with a countdown to its draw, its state, its seats per group and, once drawn, how its calls stand (GET
// /v1/draws/{id}: counts only, never a name), and the missed and failed projects still waiting for a decision, whenever
// their draw was due. Polled every POLL_SECONDS; rows are updated in place so that keyboard focus stays where it is.
// A busy day (2,000 projects) is shown a page of BOARD_PAGE_ROWS at a time, by default the page of the next draw due,
// with a filter by id or name; only the page's rows are in the document, and only the page's draws have their calls
// read, at most CALLS_PER_POLL a poll (the least recently read first), well inside the service's rate limit.
// An operator draws a project now from here, behind a confirmation that states the assurance level of an immediate
// draw; postpones or cancels it, or reschedules a missed or failed one (views/project-actions.ts); a remote site
// downloads its sealed result.
import { api, serverNow, type ApiAnswer } from '../api';
import { may, type Role } from '../access';
import { field, h, modalDialog, show } from '../dom';
import { clockTime, countdown, dayOf, failureText, localTime, startOfDay, withOffset } from '../format';
import { t, type TextKey } from '../i18n';
import { BOARD_PAGE_ROWS, CALLS_PER_POLL, IMMEDIATE_ASSURANCE, POLL_SECONDS } from '../settings';
import { cancelDialog, downloadSealed, MANAGEABLE, postponeDialog } from './project-actions';

/** At most this many listing pages of 500 (a busy centre has some 2,000 projects a day). */
const MAX_PAGES = 10;
/** Calls are read for the drawn projects whose bid opening is at most this far behind (later ones no longer move). */
const CALLS_AFTER_OPENING_MS = 2 * 3600_000;
/** The board's days: today and the next BOARD_DAYS (a week ahead). */
const BOARD_DAYS = 7;
/** A project id as the service takes it (src/domain/primitives.ts ProjectId). */
const PROJECT_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Draw statuses read at once. */
const PARALLEL = 6;

type Project = ApiAnswer<'/v1/projects', 'get'>['items'][number];
type Draw = ApiAnswer<'/v1/draws/{id}', 'get'>;
type Calls = NonNullable<Draw['callsByGroup']>;

/** What the board counts per group's seats, in its order: filled first, then open, then left without an expert. */
const SEAT_COUNTS: readonly [(g: Calls[number]) => number, TextKey][] = [
  [(g) => g.current['accepted'] ?? 0, 'callsFilled'],
  [(g) => g.current['checked-in'] ?? 0, 'callsCheckedIn'],
  [(g) => g.current['calling'] ?? 0, 'callsCalling'],
  [(g) => g.vacant, 'callsVacant'],
];
/** The calls that ended without the expert, apart: they are the seats' history, not more seats. */
const ENDED_COUNTS: readonly [(g: Calls[number]) => number, TextKey][] = [
  [(g) => g.declined, 'callsDeclined'],
  [(g) => g.timedOut, 'callsTimedOut'],
  [(g) => g.refused, 'callsRefused'],
  [(g) => g.undelivered, 'callsUndelivered'],
  [(g) => g.busy, 'callsBusy'],
  // A cancelled project's calls, withdrawn and the experts told.
  [(g) => g.current['withdrawn'] ?? 0, 'callsWithdrawn'],
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
    const answer = await api('get', '/v1/projects', { query: { from: withOffset(startOfDay(now)), to: withOffset(startOfDay(now, BOARD_DAYS + 1)), limit: 500, ...(cursor ? { cursor } : {}) } });
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

/** Whether a project's calls can still move: drawn, and its bid opening at most CALLS_AFTER_OPENING_MS behind. */
const moving = (p: Project, now: number) => p.state === 'drawn' && p.drawId !== null && Date.parse(p.bidOpeningAt) > now - CALLS_AFTER_OPENING_MS;

/**
 * The calls of the shown page's moving draws, a few requests at a time: at most CALLS_PER_POLL, those never read first,
 * then the least recently read (`readAt`: when each draw's calls were last read). A draw whose project changed state
 * since its calls were read (`readIn`: cancelled, its calls withdrawn) is read once more, so the board shows them so.
 */
async function readCalls(projects: readonly Project[], now: number, into: Map<string, Calls | null>, readAt: Map<string, number>, readIn: Map<string, string>): Promise<void> {
  const stale = (p: Project) => p.drawId !== null && into.has(p.drawId) && readIn.get(p.drawId) !== p.state;
  const stateOf = new Map(projects.filter((p) => p.drawId !== null).map((p) => [p.drawId!, p.state]));
  const queue = projects
    .filter((p) => moving(p, now) || stale(p))
    .map((p) => p.drawId!)
    .sort((a, b) => (readAt.get(a) ?? -1) - (readAt.get(b) ?? -1))
    .slice(0, CALLS_PER_POLL);
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      into.set(id, (await api('get', '/v1/draws/{id}', { params: { id } })).callsByGroup ?? null);
      readAt.set(id, performance.now());
      readIn.set(id, stateOf.get(id)!);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

/** Per group: its seats, then each count that is not zero (seats and counts only, never who). */
const callsText = (calls: Calls | null | undefined) => {
  if (!calls || calls.length === 0) return t('callsNone');
  return calls
    .map((g) => {
      const counted = (counts: typeof SEAT_COUNTS) =>
        counts
          .map(([count, key]) => [count(g), key] as const)
          .filter(([n]) => n > 0)
          .map(([n, key]) => t(key, { n }))
          .join(' · ');
      const seats = counted(SEAT_COUNTS);
      const ended = counted(ENDED_COUNTS);
      return `${t('callsGroup', { specialty: g.specialty, seats: g.seats })}${seats || t('callsNone')}${ended ? t('callsEnded', { calls: ended }) : ''}`;
    })
    .join(t('callsSeparator'));
};

export function boardView(main: HTMLElement, role: Role): () => void {
  // What a screen reader is told: only what changes the picture (nothing found, the list cut short). The time of the
  // last poll changes every few seconds and sits outside the live region, where it is read only when asked for.
  const live = h('span', { 'aria-live': 'polite' }, t('loading'));
  const polled = h('span');
  const status = h('p', { class: 'status board-status' }, live, polled);
  const outside = h('p', { class: 'status board-outside' });
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
  const filter = h('input', { name: 'filter', type: 'search', autocomplete: 'off', spellcheck: 'false' });
  const pageSelect = h('select', { name: 'page' });
  const prev = h('button', { type: 'button', onclick: () => turn(-1) }, t('prevPage'));
  const next = h('button', { type: 'button', onclick: () => turn(1) }, t('nextPage'));
  const count = h('p', { class: 'status board-count' });
  const pageField = field(t('boardPage'), pageSelect);
  const controls = h('div', { class: 'board-controls' }, field(t('boardFilter'), filter), pageField, h('div', { class: 'pager' }, prev, next, count));
  show(main, h('section', { class: 'card wide' }, h('h1', {}, t('boardTitle')), howTo, notice, status, outside, alert, controls, table), dialog);

  const rows = new Map<string, Row>();
  const calls = new Map<string, Calls | null>();
  const readAt = new Map<string, number>();
  const readIn = new Map<string, string>();
  /** The last listing read, and whether it was cut short. */
  let all: Project[] = [];
  let truncated = false;
  let loaded = false;
  /** The page the operator chose; null: the page of the next draw due, as the day goes on. */
  let chosen: number | null = null;
  let pagesShown = '';
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
    // A drawn project until its bid opening: cancelling withdraws its calls, and its experts are told.
    ...(may(role, 'project.manage') && p.state === 'drawn' && Date.now() < Date.parse(p.bidOpeningAt)
      ? [h('button', { type: 'button', class: 'draw', onclick: () => cancelDialog(dialog, p, acted) }, t('cancelProject'))]
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
      // A remote site's project says whose it is: the centre's operator sees both on one board.
      h('td', {}, h('strong', {}, p.id), p.name ? h('div', { class: 'sub' }, p.name) : null, p.site ? h('div', { class: 'sub site' }, t('boardSite', { site: p.site })) : null),
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
    const stateKey = `${p.state}|${p.drawId}|${p.bidOpeningAt}|${p.unfilledSeats}`;
    if (row.stateShown !== stateKey) {
      row.stateShown = stateKey;
      row.tr.dataset.state = p.state;
      // Seats nobody is left to fill wait for the operator (cancel, or seat someone by other means) until the opening.
      show(row.state, h('span', { class: `badge ${p.state}` }, t(`state.${p.state}`)), p.unfilledSeats > 0 ? h('span', { class: 'badge failed', 'data-unfilled': String(p.unfilledSeats) }, t('unfilledSeats', { n: p.unfilledSeats })) : null);
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

  /** The projects the filter lets through, cut in pages; the page shown; its projects. */
  const paged = (now: number) => {
    const words = filter.value.trim().toLowerCase();
    const matching = words ? all.filter((p) => p.id.toLowerCase().includes(words) || (p.name ?? '').toLowerCase().includes(words)) : all;
    const pages = Math.max(1, Math.ceil(matching.length / BOARD_PAGE_ROWS));
    // By default the page of the first project still waiting for its draw or for a decision.
    const due = matching.findIndex((p) => p.state === 'scheduled' || p.state === 'drawing' || p.state === 'missed' || p.state === 'failed' || moving(p, now));
    const page = Math.min(pages - 1, chosen ?? Math.floor(Math.max(0, due) / BOARD_PAGE_ROWS));
    return { matching, pages, page, shown: matching.slice(page * BOARD_PAGE_ROWS, (page + 1) * BOARD_PAGE_ROWS) };
  };

  const turn = (by: number) => {
    const { page, pages } = paged(serverNow());
    chosen = Math.max(0, Math.min(pages - 1, page + by));
    render();
    void poll();
  };
  pageSelect.addEventListener('change', () => {
    chosen = Number(pageSelect.value);
    render();
    void poll();
  });
  let typing = 0;
  filter.addEventListener('input', () => {
    // A filter shows its first page; cleared, the board follows the day again.
    chosen = filter.value.trim() ? 0 : null;
    render();
    window.clearTimeout(typing);
    typing = window.setTimeout(() => void poll(), 400);
  });

  /** The page selector and the counts, rewritten only when they change (a focused selector keeps its focus). */
  const renderPager = (matching: readonly Project[], pages: number, page: number) => {
    const labels = Array.from({ length: pages }, (_, i) => {
      const first = matching[i * BOARD_PAGE_ROWS];
      const last = matching[Math.min(matching.length, (i + 1) * BOARD_PAGE_ROWS) - 1];
      return first && last ? t('boardPageOption', { page: i + 1, from: localTime(first.drawAt).slice(5), to: localTime(last.drawAt).slice(5) }) : t('pageOf', { page: i + 1 });
    });
    if (labels.join('\n') !== pagesShown) {
      pagesShown = labels.join('\n');
      show(pageSelect, ...labels.map((label, i) => h('option', { value: String(i) }, label)));
    }
    pageSelect.value = String(page);
    // One page: nothing to choose or turn.
    pageField.hidden = prev.hidden = next.hidden = pages <= 1;
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
    const first = matching.length === 0 ? 0 : page * BOARD_PAGE_ROWS + 1;
    const last = Math.min(matching.length, (page + 1) * BOARD_PAGE_ROWS);
    count.dataset.count = String(matching.length);
    if (matching.length === 0) return show(count);
    show(count, filter.value.trim() ? t('boardCountFiltered', { count: matching.length, total: all.length, first, last }) : t('boardCount', { count: matching.length, first, last }));
  };

  const render = () => {
    const now = serverNow();
    const { matching, pages, page, shown: projects } = paged(now);
    renderPager(matching, pages, page);
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
    if (!loaded) return;
    const empty = all.length === 0 ? t('boardEmpty') : matching.length === 0 ? t('boardNoMatch') : '';
    const said = `${empty}${truncated ? ` ${t('boardTruncated', { count: all.length })}` : ''}`;
    if (live.textContent !== said) live.textContent = said;
    // Nothing on the board's days matches: the board holds today and the next days only. A project id typed in opens
    // that project's timeline, wherever its draw falls.
    const typed = filter.value.trim();
    const elsewhere = matching.length === 0 && all.length > 0 && PROJECT_ID.test(typed) ? typed : '';
    if (outside.dataset.project !== elsewhere) {
      outside.dataset.project = elsewhere;
      show(outside, elsewhere ? [t('boardOutsideDays', { days: BOARD_DAYS }), ' ', h('a', { href: `#/project/${encodeURIComponent(elsewhere)}` }, t('boardOpenProject', { project: elsewhere }))] : '');
    }
    polled.textContent = ` ${t('boardPolling', { seconds: POLL_SECONDS, time: clockTime(now) })}`;
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
      ({ items: all, truncated } = await listProjects(now));
      loaded = true;
      await readCalls(paged(now).shown, now, calls, readAt, readIn);
      if (stopped) return;
      show(alert);
      render();
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
          show(notice, t('drawDone', { project: p.id, drawId: draw.drawId, level: t(`assurance.${draw.assurance}`) }));
          void poll();
        })
        .catch((err: unknown) => {
          show(result, failureText(err));
          go.disabled = false;
          go.textContent = t('confirm');
        });
    });
    dialog.setAttribute('aria-labelledby', 'confirm-title');
    const level = h('p', { class: 'assurance', 'data-assurance': IMMEDIATE_ASSURANCE }, h('strong', {}, t('confirmAssurance', { level: t(`assurance.${IMMEDIATE_ASSURANCE}`) })));
    const means = h('p', {}, t(`assurance.${IMMEDIATE_ASSURANCE}.means`));
    // A witnessed project's draw runs its plan (docs/draw-proof.md §6.2): said, with its deposits so far.
    void api('get', '/v1/projects/{id}', { params: { id: p.id } })
      .then((full) => {
        if (!full.plan) return;
        level.dataset.assurance = 'witnessed';
        show(level, h('strong', {}, t('confirmAssurance', { level: t('assurance.witnessed') })));
        show(means, t('assurance.witnessed.means', { deposited: full.plan.deposits.length, required: full.plan.witnesses.required }));
        // Short of deposits before they close, the service refuses a draw now (it would leave the witnesses out). Said
        // plainly, and not offered until the witnesses have deposited or the deposits have closed.
        if (full.plan.deposits.length < full.plan.witnesses.required && Date.now() < Date.parse(full.plan.depositsCloseAt)) {
          show(result, t('witnessShortWillFail', { deposited: full.plan.deposits.length, required: full.plan.witnesses.required, closeAt: localTime(full.plan.depositsCloseAt) }));
          go.disabled = true;
        }
      })
      .catch(() => undefined);
    show(
      dialog,
      h('h2', { id: 'confirm-title' }, t('confirmTitle', { project: p.id })),
      level,
      means,
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
    window.clearTimeout(typing);
    if (dialog.open) dialog.close();
  };
}
