// The unseal screen (operators and supervisors): the drawn projects whose list is still sealed or not yet disclosed
// (GET /v1/draws?state=drawn joined with the projects' listing), and per draw its two-person unseal. The person at the
// terminal approves with their own session; the second approver logs in inside a dialog, and their fresh token serves
// that one approval and is ended at once (apiAs), leaving the terminal's login untouched. Names appear only once the
// service has opened the list (GET /v1/draws/{id}/panel, each viewing logged); an operator then discloses the draw
// behind a confirmation.
import { may, type Role } from '../access';
import { api, apiAs, serverNow, type ApiAnswer } from '../api';
import { field, h, modalDialog, show } from '../dom';
import { failureText, localTime, startOfDay, withOffset } from '../format';
import { t, type TextKey } from '../i18n';

type Project = ApiAnswer<'/v1/projects', 'get'>['items'][number];
type Draw = ApiAnswer<'/v1/draws/{id}', 'get'>;
type Unseal = NonNullable<Draw['unseal']>;

/** Pages of 500 read at most, per listing. */
const MAX_PAGES = 10;
/** Drawn projects whose draw was due from this many days back (an award can take days) up to the board's 7 ahead. */
const DAYS_BACK = 14;
/** The two roles whose approvals open a list (src/services/roster.service.ts approveUnseal). */
const APPROVERS = ['operator', 'supervisor'] as const;

type Progress = 'beforeOpening' | 'awaiting' | 'opened' | 'disclosed';

function progressOf(draw: Pick<Draw, 'unseal' | 'revealIndex'>, bidOpeningAt: string, now: number): Progress {
  if (draw.revealIndex !== undefined) return 'disclosed';
  if (draw.unseal?.openedAt) return 'opened';
  return now < Date.parse(bidOpeningAt) ? 'beforeOpening' : 'awaiting';
}

/** The roles whose approval a list still waits for (none once it is open). */
function missingRoles(unseal: Unseal | undefined): string[] {
  return unseal?.openedAt ? [] : APPROVERS.filter((r) => !(unseal?.approvals ?? []).some((a) => a.role === r));
}

/** Who has approved, by role and time, and which role is still missing. */
function approvalsText(unseal: Unseal | undefined): string {
  const approvals = unseal?.approvals ?? [];
  const given = approvals.map((a) => t('approvalOf', { role: roleName(a.role), time: localTime(a.at).slice(11) }));
  const missing = missingRoles(unseal).map((r) => t('approvalMissing', { role: roleName(r) }));
  return [...given, ...missing].join(t('callsSeparator')) || t('approvalsNone');
}

const roleName = (role: string) => ((APPROVERS as readonly string[]).includes(role) ? t(`role.${role as (typeof APPROVERS)[number]}`) : role);

async function pages<T>(read: (cursor: string | undefined) => Promise<{ items: T[]; next: string | null }>): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await read(cursor);
    items.push(...answer.items);
    if (answer.next === null) return { items, truncated: false };
    cursor = answer.next;
  }
  return { items, truncated: true };
}

/** `#/unseal`: the draws waiting for their unseal or disclosure. */
export function unsealListView(main: HTMLElement): void {
  const body = h('div', {}, t('loading'));
  show(main, h('section', { class: 'card wide' }, h('h1', {}, t('unsealTitle')), h('p', {}, t('unsealIntro')), body));
  const now = serverNow();
  const range = { from: withOffset(startOfDay(now, -DAYS_BACK)), to: withOffset(startOfDay(now, 8)) };
  Promise.all([
    pages((cursor) => api('get', '/v1/projects', { query: { state: 'drawn', ...range, limit: 500, ...(cursor ? { cursor } : {}) } })),
    // A draw commits before its project's draw time at the latest: read from a day earlier than the projects.
    pages((cursor) => api('get', '/v1/draws', { query: { state: 'drawn', from: withOffset(startOfDay(now, -DAYS_BACK - 1)), limit: 500, ...(cursor ? { cursor } : {}) } })),
  ])
    .then(([projects, draws]) => {
      const drawOf = new Map(draws.items.map((d) => [d.drawId, d]));
      const rows = projects.items
        .map((p) => ({ p, d: p.drawId === null ? undefined : drawOf.get(p.drawId) }))
        .filter((r): r is { p: Project; d: NonNullable<typeof r.d> } => r.d !== undefined && r.d.revealIndex === undefined)
        .sort((a, b) => Date.parse(a.p.bidOpeningAt) - Date.parse(b.p.bidOpeningAt));
      if (rows.length === 0) return show(body, h('p', {}, t('unsealListEmpty')));
      show(
        body,
        projects.truncated || draws.truncated ? h('p', { class: 'notice' }, t('unsealListTruncated', { count: rows.length })) : null,
        h(
          'table',
          { class: 'unseal-list' },
          h('thead', {}, h('tr', {}, ...(['colProject', 'colOpening', 'colDraw', 'colApprovals', 'colUnsealState', 'colActions'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
          h(
            'tbody',
            {},
            ...rows.map(({ p, d }) => {
              // The service's time as its answers just told it, not as it was before they came.
              const progress = progressOf(d, p.bidOpeningAt, serverNow());
              return h(
                'tr',
                { 'data-draw': d.drawId, 'data-progress': progress },
                h('td', {}, h('strong', {}, p.id), p.name ? h('div', { class: 'sub' }, p.name) : null),
                h('td', {}, localTime(p.bidOpeningAt)),
                h('td', {}, h('code', {}, d.drawId)),
                h('td', {}, approvalsText(d.unseal)),
                h('td', {}, h('span', { class: `badge ${progress}` }, t(`unseal.${progress}`))),
                h('td', {}, h('a', { href: `#/unseal/${encodeURIComponent(d.drawId)}` }, t('unsealOpen'))),
              );
            }),
          ),
        ),
      );
    })
    .catch((err: unknown) => show(body, h('p', { class: 'alert', role: 'alert' }, failureText(err))));
}

/** `#/unseal/{drawId}`: one draw's approvals, the opened list, and its disclosure. */
export function unsealView(main: HTMLElement, role: Role, name: string, drawId: string): () => void {
  const title = h('h1', {}, t('loading'));
  const facts = h('p', { class: 'sub' });
  const approvals = h('p', { class: 'approvals' });
  const hint = h('p', { class: 'notice' });
  const alert = h('p', { class: 'alert', role: 'alert' });
  const notice = h('p', { class: 'success', role: 'status' });
  const buttons = h('div', { class: 'buttons start' });
  const panel = h('div', { class: 'panel' });
  const dialog = modalDialog({ class: 'confirm', 'aria-labelledby': 'unseal-dialog-title' });
  show(
    main,
    h('section', { class: 'card wide unseal' }, h('p', {}, h('a', { href: '#/unseal' }, t('unsealBack'))), title, facts, approvals, h('p', { class: 'sub' }, t('approvalsWindow')), hint, notice, alert, buttons, panel),
    dialog,
  );

  let project: ApiAnswer<'/v1/projects/{id}', 'get'> | null = null;
  let left = false;
  /** The roles whose approval the list still waits for (as of the last refresh): whom the second login asks for. */
  let missing: string[] = [...APPROVERS];
  /** Before the opening: a refresh at the opening itself, so that the buttons come alive without a reload. */
  let atOpening: ReturnType<typeof setTimeout> | undefined;

  /** Reads the draw (and once its project) and shows where its unseal stands. */
  const refresh = async (): Promise<void> => {
    const draw = await api('get', '/v1/draws/{id}', { params: { id: drawId } });
    project ??= await api('get', '/v1/projects/{id}', { params: { id: draw.projectId } });
    if (left) return;
    const opening = project.project.bidOpeningAt;
    const progress = progressOf(draw, opening, serverNow());
    main.querySelector('section')!.dataset.progress = progress;
    show(title, t('unsealDetailTitle', { project: draw.projectId }));
    show(facts, t('unsealFacts', { drawId: draw.drawId, opening: localTime(opening), level: t(`assurance.${draw.assurance}`) }));
    show(approvals, approvalsText(draw.unseal));
    show(hint, progress === 'beforeOpening' ? t('unsealBeforeOpening', { opening: localTime(opening) }) : '');
    hint.hidden = progress !== 'beforeOpening';
    missing = missingRoles(draw.unseal);
    clearTimeout(atOpening);
    const wait = Date.parse(opening) - serverNow();
    // A timer at most a day ahead (a longer one would overflow); the screen is rarely open that long before.
    if (progress === 'beforeOpening' && wait < DAY_MS) atOpening = setTimeout(() => void refresh().catch(failed), wait + 500);
    if (progress === 'beforeOpening' || progress === 'awaiting') {
      // Before the opening the service refuses every approval (the hint says when it may start); a role that has
      // approved needs the other one, never a second of its own.
      const before = progress === 'beforeOpening';
      show(
        buttons,
        missing.includes(role) ? h('button', { type: 'button', class: 'primary', disabled: before, onclick: (e: Event) => approveSelf(e.currentTarget as HTMLButtonElement) }, t('approveSelf', { name })) : null,
        h('button', { type: 'button', disabled: before, onclick: secondLogin }, t('approveSecond')),
      );
    } else if (progress === 'opened') {
      show(
        buttons,
        may(role, 'draw.panel') && panel.childElementCount === 0 ? h('button', { type: 'button', onclick: () => void showPanel() }, t('panelShow')) : null,
        may(role, 'draw.disclose') ? h('button', { type: 'button', class: 'primary danger', onclick: confirmDisclose }, t('disclose')) : null,
      );
    } else {
      show(buttons);
      show(notice, t('disclosed', { index: draw.revealIndex! }));
    }
  };

  const failed = (err: unknown) => {
    if (!left) show(alert, failureText(err));
  };

  /** The list with names: read only once opened, and every reading is a log entry. */
  const showPanel = async (): Promise<void> => {
    try {
      const answer = await api('get', '/v1/draws/{id}/panel', { params: { id: drawId } });
      if (left) return;
      show(
        panel,
        h('h2', {}, t('panelTitle')),
        h('p', { class: 'sub' }, t('panelLogged')),
        h(
          'table',
          { class: 'panel' },
          h('thead', {}, h('tr', {}, ...(['colGroup', 'colSpecialty', 'colSeatNo', 'colRank', 'colExpert', 'colName', 'colCall'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', {}, ...answer.seats.map((s) => h('tr', {}, h('td', {}, s.group + 1), h('td', {}, s.specialty), h('td', {}, s.seat + 1), h('td', {}, s.rank + 1), h('td', {}, h('code', {}, s.expertId)), h('td', { class: 'name' }, s.name), h('td', {}, callText(s.state))))),
        ),
      );
      await refresh();
    } catch (err) {
      failed(err);
    }
  };

  /** After an approval: say who approved; once both are in, the list. */
  const approved = async (answer: { unsealed: boolean }, who: string, whoRole: string) => {
    await refresh();
    const by = t('approvedBy', { name: who, role: roleName(whoRole) });
    show(notice, answer.unsealed ? `${by} ${t('unsealDone')}` : by);
    if (answer.unsealed && may(role, 'draw.panel')) await showPanel();
  };

  const approveSelf = (button: HTMLButtonElement) => {
    show(alert);
    button.disabled = true;
    button.textContent = t('approving');
    api('post', '/v1/draws/{id}/unseal', { params: { id: drawId } })
      .then((answer) => approved(answer, name, role))
      .catch(failed)
      .finally(() => {
        button.disabled = false;
        button.textContent = t('approveSelf', { name });
      });
  };

  /** The second person's login, inside a dialog: their token serves one approval, then their session is ended. */
  function secondLogin(): void {
    show(alert);
    const username = h('input', { name: 'second-username', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', required: true });
    const password = h('input', { name: 'second-password', type: 'password', autocomplete: 'off', required: true });
    const result = h('p', { class: 'alert', role: 'alert' });
    const go = h('button', { type: 'submit', class: 'primary' }, t('secondSubmit'));
    const form = h(
      'form',
      { novalidate: true },
      h('h2', { id: 'unseal-dialog-title' }, t('secondTitle')),
      h('p', {}, t('secondHint', { roles: missing.map(roleName).join(t('orJoin')) })),
      field(t('secondUsername'), username),
      field(t('secondPassword'), password),
      result,
      h('div', { class: 'buttons' }, h('button', { type: 'button', onclick: () => dialog.close() }, t('close')), go),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      go.disabled = true;
      go.textContent = t('approving');
      show(result);
      void (async () => {
        let token: string | null = null;
        try {
          const session = await apiAs(null, 'post', '/v1/session', { body: { username: username.value.trim(), password: password.value } });
          token = session.accessToken;
          const answer = await apiAs(token, 'post', '/v1/draws/{id}/unseal', { params: { id: drawId } });
          dialog.close();
          await approved(answer, session.user.displayName, session.user.role);
        } catch (err) {
          show(result, failureText(err));
        } finally {
          // The second login ends here, approved or not; its tokens are gone with this closure.
          if (token !== null) await apiAs(token, 'delete', '/v1/session').catch(() => undefined);
          password.value = '';
          go.disabled = false;
          go.textContent = t('secondSubmit');
        }
      })();
    });
    dialog.setAttribute('aria-labelledby', 'unseal-dialog-title');
    show(dialog, form);
    dialog.showModal();
    username.focus();
  }

  function confirmDisclose(): void {
    show(alert);
    const result = h('p', { class: 'alert', role: 'alert' });
    const cancel = h('button', { type: 'button', onclick: () => dialog.close() }, t('close'));
    const go = h('button', { type: 'button', class: 'primary danger' }, t('discloseConfirm'));
    go.addEventListener('click', () => {
      go.disabled = true;
      go.textContent = t('disclosing');
      api('post', '/v1/draws/{id}/disclose', { params: { id: drawId } })
        .then(async () => {
          dialog.close();
          await refresh();
        })
        .catch((err: unknown) => {
          show(result, failureText(err));
          go.disabled = false;
          go.textContent = t('discloseConfirm');
        });
    });
    dialog.setAttribute('aria-labelledby', 'unseal-dialog-title');
    show(dialog, h('h2', { id: 'unseal-dialog-title' }, t('discloseTitle', { project: project?.project.id ?? '' })), h('p', { class: 'warning' }, t('discloseWarning')), result, h('div', { class: 'buttons' }, cancel, go));
    dialog.showModal();
    cancel.focus();
  }

  refresh().catch(failed);
  return () => {
    left = true;
    clearTimeout(atOpening);
    if (dialog.open) dialog.close();
  };
}

const DAY_MS = 86_400_000;

const CALL_STATES = new Set(['calling', 'accepted', 'declined', 'timeout', 'refused', 'checked-in', 'undelivered', 'busy', 'withdrawn']);
const callText = (state: string) => (CALL_STATES.has(state) ? t(`call.${state}` as TextKey) : state);
