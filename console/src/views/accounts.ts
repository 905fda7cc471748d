// The administrator's accounts screen (GET and POST /v1/users, PATCH /v1/users/{id}): every staff account with its
// role, site and state; a new account with a first password to hand over in person; a new first password for someone
// who forgot theirs or is locked out (it lifts the lock: docs/security.md); disabling and enabling. Each change sits
// behind a dialog, and each ends the person's sessions, as the service does. No password is ever read back: the
// screen shows one only while the administrator types or generates it.
import { api, ApiError, type ApiAnswer } from '../api';
import { field, h, modalDialog, show } from '../dom';
import { failureText, fieldIssues, localTime } from '../format';
import { t, type TextKey } from '../i18n';
import { dialogForm } from './project-actions';

type Account = ApiAnswer<'/v1/users', 'get'>['users'][number];

const ROLES = ['operator', 'supervisor', 'pool-manager', 'checkin', 'inspector', 'site', 'admin'] as const;
/** The field a refusal without field issues is about. */
const REFUSED_FIELD: Readonly<Record<string, string>> = { CONFLICT: 'username', PASSWORD_POLICY: 'password' };

/** Letters and digits a person reads aloud without mistakes (no 0/O, 1/l/I). */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A first password to hand over: 4 groups of 4 from ALPHABET (about 79 bits), which the password policy takes. */
export function generatedPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const chars = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]!);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** A password field, shown as text (it is to be read out), with a button that fills in a generated one. */
function passwordField(label: string): { input: HTMLInputElement; row: HTMLElement } {
  const input = h('input', { name: 'password', type: 'text', autocomplete: 'off', spellcheck: 'false', required: true });
  const generate = h('button', { type: 'button', onclick: () => {
    input.value = generatedPassword();
    input.focus();
    input.select();
  } }, t('accountsGenerate'));
  return { input, row: h('div', { class: 'password-row' }, field(label, input), generate) };
}

export function accountsView(main: HTMLElement): void {
  const notice = h('p', { class: 'success', role: 'status' });
  const alert = h('p', { class: 'alert', role: 'alert' });
  const tbody = h('tbody');
  const dialog = modalDialog({ class: 'confirm' });
  const table = h(
    'table',
    { class: 'accounts' },
    h('thead', {}, h('tr', {}, ...(['accountsColUsername', 'accountsColName', 'accountsColRole', 'accountsColSite', 'accountsColState', 'accountsColChanged', 'colActions'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
    tbody,
  );

  /** After a change the table is drawn again: focus goes back to the same button of the same account's new row. */
  const doneWith = (a: Account, button: 'reset' | 'state') => (text: string) => {
    show(notice, text);
    void load().then(() => {
      const row = [...tbody.querySelectorAll<HTMLTableRowElement>('tr[data-username]')].find((r) => r.dataset.username === a.username);
      row?.querySelector<HTMLButtonElement>(`button[data-action="${button}"]`)?.focus();
    });
  };

  const newPassword = (a: Account) => {
    const pw = passwordField(t('accountsFirstPassword'));
    dialogForm(dialog, {
      title: t('accountsResetTitle', { username: a.username }),
      lines: [h('p', {}, t('accountsResetHint'))],
      fields: [pw.row],
      submit: t('accountsResetSubmit'),
      send: async () => {
        await api('patch', '/v1/users/{id}', { params: { id: a.id }, body: { password: pw.input.value } });
        return t('accountsResetDone', { username: a.username });
      },
      done: doneWith(a, 'reset'),
    });
  };

  const switchState = (a: Account) => {
    const disabling = a.state === 'active';
    dialogForm(dialog, {
      title: t(disabling ? 'accountsDisableTitle' : 'accountsEnableTitle', { username: a.username }),
      lines: [h('p', {}, t(disabling ? 'accountsDisableHint' : 'accountsEnableHint'))],
      fields: [],
      submit: t(disabling ? 'accountsDisable' : 'accountsEnable'),
      danger: disabling,
      send: async () => {
        await api('patch', '/v1/users/{id}', { params: { id: a.id }, body: { state: disabling ? 'disabled' : 'active' } });
        return t(disabling ? 'accountsDisabled' : 'accountsEnabled', { username: a.username });
      },
      done: doneWith(a, 'state'),
    });
  };

  const rowOf = (a: Account) =>
    h(
      'tr',
      { 'data-username': a.username, 'data-state': a.state },
      h('td', {}, h('code', {}, a.username)),
      h('td', {}, a.displayName),
      h('td', {}, t(`role.${a.role}` as TextKey)),
      h('td', {}, a.site ?? t('accountsCentre')),
      h('td', {}, h('span', { class: `badge ${a.state}` }, t(a.state === 'active' ? 'accountsActive' : 'accountsDisabledState')), a.mustChangePassword ? h('div', { class: 'sub' }, t('accountsMustChange')) : null),
      h('td', {}, localTime(a.updatedAt)),
      h(
        'td',
        {},
        h('div', { class: 'buttons start' },
          h('button', { type: 'button', 'data-action': 'reset', onclick: () => newPassword(a) }, t('accountsReset')),
          h('button', { type: 'button', 'data-action': 'state', class: a.state === 'active' ? 'danger' : '', onclick: () => switchState(a) }, t(a.state === 'active' ? 'accountsDisable' : 'accountsEnable')),
        ),
      ),
    );

  const load = async () => {
    try {
      const { users } = await api('get', '/v1/users');
      show(tbody, ...users.map(rowOf));
      show(alert);
    } catch (err) {
      show(alert, failureText(err));
    }
  };

  // A new account.
  const username = h('input', { name: 'username', autocomplete: 'off', spellcheck: 'false', required: true });
  const displayName = h('input', { name: 'displayName', autocomplete: 'off', required: true });
  const role = h('select', { name: 'role' }, ...ROLES.map((r) => h('option', { value: r }, t(`role.${r}` as TextKey))));
  const site = h('input', { name: 'site', autocomplete: 'off', spellcheck: 'false' });
  const pw = passwordField(t('accountsFirstPassword'));
  const formAlert = h('p', { class: 'alert', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('accountsCreate'));
  const form = h(
    'form',
    { class: 'account-form', novalidate: true },
    h('h2', {}, t('accountsNewTitle')),
    h('p', { class: 'hint' }, t('accountsNewHint')),
    field(t('accountsUsername'), username),
    field(t('accountsDisplayName'), displayName),
    field(t('accountsRole'), role),
    field(t('accountsSite'), site),
    pw.row,
    formAlert,
    h('div', { class: 'buttons' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    submit.disabled = true;
    show(formAlert);
    api('post', '/v1/users', { body: { username: username.value.trim(), displayName: displayName.value.trim(), role: role.value as Account['role'], site: site.value.trim() || null, password: pw.input.value } })
      .then((made) => {
        show(notice, t('accountsCreated', { username: made.username }));
        for (const input of [username, displayName, site, pw.input]) input.value = '';
        username.focus();
        void load();
      })
      .catch((err: unknown) => {
        show(formAlert, failureText(err));
        // The fields the service refused, marked for the eye and for screen readers.
        for (const issue of fieldIssues(err)) form.querySelector(`[name="${issue.path.replace(/^\//, '').split('/')[0]}"]`)?.setAttribute('aria-invalid', 'true');
        // Refusals that name no field but are about one: the username taken, the password's rules.
        const about = err instanceof ApiError ? REFUSED_FIELD[err.code] : undefined;
        if (about) form.querySelector(`[name="${about}"]`)?.setAttribute('aria-invalid', 'true');
      })
      .finally(() => {
        submit.disabled = false;
      });
  });

  show(main, h('section', { class: 'card wide' }, h('h1', {}, t('accountsTitle')), h('p', { class: 'hint' }, t('accountsHint')), notice, alert, table), h('section', { class: 'card' }, form), dialog);
  void load();
}
