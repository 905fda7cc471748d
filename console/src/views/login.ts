// Login (POST /v1/session) and the first password's change (POST /v1/session/password), which a first login must do
// before anything else. Both are plain forms sent by script: the password never goes into an address.
import { api, tokens, type Tokens } from '../api';
import { field, h, show } from '../dom';
import { failureText } from '../format';
import { t } from '../i18n';

/** A form whose submit runs `action`, shows its failure in the form's alert, and keeps its button busy meanwhile. */
function form(title: string, fields: readonly HTMLElement[], submit: string, busy: string, action: () => Promise<void>): HTMLFormElement {
  const alert = h('p', { class: 'alert', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, submit);
  const f = h('form', { class: 'card narrow', novalidate: true }, h('h1', {}, title), ...fields, alert, button);
  f.addEventListener('submit', (event) => {
    event.preventDefault();
    button.disabled = true;
    button.textContent = busy;
    show(alert);
    action()
      .catch((err: unknown) => show(alert, failureText(err)))
      .finally(() => {
        button.disabled = false;
        button.textContent = submit;
      });
  });
  return f;
}

export function loginView(main: HTMLElement, done: (session: Tokens) => void, notice?: string): void {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const f = form(t('loginTitle'), [...(notice ? [h('p', { class: 'notice' }, notice)] : []), field(t('username'), username), field(t('password'), password)], t('login'), t('loggingIn'), async () => {
    const session = await api('post', '/v1/session', { body: { username: username.value.trim(), password: password.value } });
    password.value = '';
    tokens.set(session);
    done(session);
  });
  show(main, f);
  username.focus();
}

export function changePasswordView(main: HTMLElement, done: (session: Tokens) => void): void {
  const current = h('input', { name: 'current', type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { name: 'new', type: 'password', autocomplete: 'new-password', required: true, minlength: 12 });
  const again = h('input', { name: 'again', type: 'password', autocomplete: 'new-password', required: true, minlength: 12 });
  const f = form(
    t('changePasswordTitle'),
    [h('p', { class: 'notice' }, t('changePasswordHint')), field(t('currentPassword'), current), field(t('newPassword'), next), field(t('repeatPassword'), again)],
    t('changePassword'),
    t('loggingIn'),
    async () => {
      if (next.value !== again.value) throw new Error(t('passwordsDiffer'));
      const session = await api('post', '/v1/session/password', { body: { currentPassword: current.value, newPassword: next.value } });
      tokens.set(session);
      done(session);
    },
  );
  show(main, f);
  current.focus();
}
