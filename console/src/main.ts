// The staff console: a header (title, the person, language switch, logout), a navigation of the screens the person's
// role may use, and the screen of the address's #hash. Everything it shows comes from the public /v1 API as the
// logged-in person; it has no powers of its own.
import { SCREENS, may, type Role } from './access';
import { api, tokens, whenSessionEnds } from './api';
import { h, show } from './dom';
import { centreZone, terminalZone, terminalZoneDiffers, utcOffset } from './format';
import { lang, setLang, t } from './i18n';
import { boardView } from './views/board';
import { accountsView } from './views/accounts';
import { alertsView } from './views/alerts';
import { checkinView } from './views/checkin';
import { inspectView } from './views/inspect';
import { changePasswordView, loginView } from './views/login';
import { poolView } from './views/pool';
import { poolChangesView } from './views/pool-changes';
import { recordsView } from './views/records';
import { registerView } from './views/register';
import { timelineView } from './views/timeline';
import { unsealListView, unsealView } from './views/unseal';
import { witnessView } from './views/witness';

interface Person {
  /** The person's user id (their tokens' subject). */
  readonly id: string;
  readonly role: Role;
  readonly name: string;
  readonly mustChangePassword: boolean;
}

const root = document.getElementById('app')!;
const header = h('header', { class: 'top' });
const nav = h('nav', { 'aria-label': t('navLabel') });
const main = h('main', { id: 'main', tabindex: '-1' });
root.replaceChildren(header, nav, main);

let person: Person | null = null;
/** Stops the current screen's timers when another is shown. */
let leave: () => void = () => undefined;

function renderHeader(): void {
  document.documentElement.lang = lang();
  document.title = t('appTitle');
  const other = lang() === 'en' ? 'zh-CN' : 'en';
  show(
    header,
    h('span', { class: 'brand' }, t('appTitle')),
    zoneNote(),
    person ? h('span', { class: 'who' }, t('signedInAs', { name: person.name, role: t(`role.${person.role}`) })) : null,
    h('button', { type: 'button', class: 'link', lang: other, 'aria-label': t('switchLanguageLabel'), onclick: () => {
      // The screen is drawn again in the other language, with what was typed on it.
      keep();
      setLang(other);
      render();
      giveBack(false);
    } }, t('switchLanguage')),
    person ? h('button', { type: 'button', class: 'link', onclick: logout }, t('logout')) : null,
  );
}

/** The centre's zone every time is shown in; said louder when the terminal's clock is set to another. */
function zoneNote(): HTMLElement {
  const now = Date.now();
  const differs = terminalZoneDiffers(now);
  return h('span', { class: 'zone', 'data-zone': centreZone }, t('timesIn', { zone: centreZone, offset: utcOffset(now) }), differs ? h('span', { class: 'differs' }, t('terminalZoneDiffers', { zone: terminalZone })) : null);
}

function renderNav(route: string): void {
  const screens = person && !person.mustChangePassword ? SCREENS.filter((s) => may(person!.role, s.action)) : [];
  nav.setAttribute('aria-label', t('navLabel'));
  nav.hidden = screens.length === 0;
  show(nav, h('ul', {}, ...screens.map((s) => h('li', {}, h('a', { href: `#/${s.route}`, ...(route === s.route ? { 'aria-current': 'page' } : {}) }, t(s.label))))));
}

/**
 * The address the screen on show was drawn for. A `hashchange` event is a task queued when the address changes, and
 * it reads the address as it is when it runs: two changes in quick succession (the home screen's redirect right after
 * the login, then a click in the navigation) queue two events that both find the last address. Drawn again by the
 * second, the screen would lose what was typed into the first drawing meanwhile; an event for the address on show is
 * therefore stale, and ignored.
 */
let drawnFor: string | null = null;

/** The screen for the address, if the person's role may use it. */
function render(): void {
  leave();
  leave = () => undefined;
  drawnFor = location.hash;
  const [route = '', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  renderHeader();
  renderNav(route);
  // The tab names the screen, then the console: a person with several tabs open tells them apart.
  const screen = person && !person.mustChangePassword ? SCREENS.find((s) => s.route === route) : undefined;
  document.title = screen ? `${t(screen.label)} - ${t('appTitle')}` : t('appTitle');
  if (!person) return loginView(main, loggedIn, sessionNotice);
  if (person.mustChangePassword) return changePasswordView(main, loggedIn);
  const role = person.role;
  const allowed = (action: Parameters<typeof may>[1]) => {
    if (may(role, action)) return true;
    show(main, h('p', { class: 'alert', role: 'alert', 'data-refused': route }, t('noAccess')));
    return false;
  };
  switch (route) {
    case '': {
      const first = SCREENS.find((s) => may(role, s.action));
      // The first screen of the role is its home, drawn at once: the address is replaced without a hashchange event
      // (a queued one would draw it a second time). A role with none is told so.
      if (first) {
        history.replaceState(history.state, '', `#/${first.route}`);
        return render();
      }
      return show(main, h('section', { class: 'card' }, h('h1', {}, t('home')), h('p', {}, t('homeNothing'))));
    }
    case 'board':
      if (allowed('project.read')) leave = boardView(main, role);
      return;
    case 'register':
      if (allowed('project.register')) registerView(main);
      return;
    case 'project':
      if (allowed('project.read')) timelineView(main, decodeURIComponent(rest.join('/')));
      return;
    case 'checkin':
      if (allowed('checkin')) checkinView(main);
      return;
    case 'unseal':
      if (!allowed('draw.unseal')) return;
      if (rest.join('/') === '') return unsealListView(main);
      leave = unsealView(main, role, person.name, decodeURIComponent(rest.join('/')));
      return;
    case 'pool':
      if (allowed('pool.read')) poolView(main, role, rest);
      return;
    case 'changes':
      if (allowed('pool.held')) poolChangesView(main, person.id);
      return;
    case 'records':
      if (allowed('consequence.read')) recordsView(main, { lodge: may(role, 'objection.lodge'), decide: may(role, 'objection.decide'), close: may(role, 'consequence.close'), link: may(role, 'record.link'), me: person.id }, decodeURIComponent(rest.join('/')));
      return;
    case 'inspect':
      if (allowed('draw.proof')) inspectView(main, decodeURIComponent(rest.join('/')));
      return;
    case 'alerts':
      if (allowed('alert.read')) alertsView(main);
      return;
    case 'accounts':
      if (allowed('user.manage')) accountsView(main);
      return;
    case 'witness':
      if (allowed('witness.deposit')) witnessView(main, decodeURIComponent(rest.join('/')));
      return;
    default:
      show(main, h('p', { class: 'alert', role: 'alert' }, t('notFound')));
  }
}

let sessionNotice: string | undefined;

function loggedIn(session: { mustChangePassword: boolean; user: { id: string; role: Role; displayName: string } }): void {
  sessionNotice = undefined;
  const now: Person = { id: session.user.id, role: session.user.role, name: session.user.displayName, mustChangePassword: session.mustChangePassword };
  person = now;
  render();
  if (!now.mustChangePassword) giveBack();
}

async function logout(): Promise<void> {
  await api('delete', '/v1/session').catch(() => undefined);
  tokens.set(null);
  person = null;
  location.hash = '';
  render();
}

/**
 * What was typed on the screen when the session ended (an hour idle, or ended elsewhere), by field: given back when
 * the same screen is drawn again after the login, so that a half-filled form is not lost. Never a password.
 */
let typed: { readonly hash: string; readonly values: ReadonlyMap<string, string> } | null = null;

function fieldsOf(root: HTMLElement): Map<string, Element[]> {
  const byName = new Map<string, Element[]>();
  for (const el of root.querySelectorAll('input[name], select[name], textarea[name]')) {
    if (el instanceof HTMLInputElement && ['password', 'hidden', 'file', 'checkbox', 'radio'].includes(el.type)) continue;
    const name = el.getAttribute('name')!;
    byName.set(name, [...(byName.get(name) ?? []), el]);
  }
  return byName;
}

function keep(): void {
  const values = new Map<string, string>();
  for (const [name, els] of fieldsOf(main)) els.forEach((el, i) => {
    const value = (el as HTMLInputElement).value;
    if (value) values.set(`${name}#${i}`, value);
  });
  typed = values.size > 0 ? { hash: location.hash, values } : null;
}

/** Puts back what was typed, if this is the screen it was typed on; says so when `say` (after a new login). */
function giveBack(say = true): void {
  const kept = typed;
  typed = null;
  if (!kept || kept.hash !== location.hash) return;
  // Every kept value goes back where it was, over a default the new drawing put there (a group's count of 5). A value
  // with no field to go to (a group row added by hand, not drawn again) is said: the form is not what was typed.
  const placed = new Set<string>();
  // Rows added by hand are added again first: a button marked `data-adds="<field>"` adds one row of that field.
  for (const adder of main.querySelectorAll<HTMLButtonElement>('button[data-adds]')) {
    const name = adder.dataset.adds!;
    const wanted = Math.max(0, ...[...kept.values.keys()].filter((key) => key.startsWith(`${name}#`)).map((key) => Number(key.slice(name.length + 1)) + 1));
    for (let have = fieldsOf(main).get(name)?.length ?? 0; have < wanted; have++) adder.click();
  }
  for (const [name, els] of fieldsOf(main)) els.forEach((el, i) => {
    const key = `${name}#${i}`;
    const value = kept.values.get(key);
    if (value === undefined) return;
    (el as HTMLInputElement).value = value;
    placed.add(key);
  });
  const lost = [...kept.values.keys()].some((key) => !placed.has(key));
  if (lost) main.prepend(h('p', { class: 'alert', role: 'alert' }, t('typedPartlyRestored')));
  else if (placed.size > 0 && say) main.prepend(h('p', { class: 'success', role: 'status' }, t('typedRestored')));
}

whenSessionEnds(() => {
  keep();
  person = null;
  sessionNotice = t('sessionEnded');
  render();
});

window.addEventListener('hashchange', () => {
  if (location.hash !== drawnFor) render();
});

/** A reload keeps the tab's login: who it is, as the service says now. */
async function start(): Promise<void> {
  if (tokens.get()) {
    const who = await api('get', '/v1/session').catch(() => null);
    if (who && who.kind === 'person') person = { id: who.subject, role: who.role, name: who.displayName ?? who.subject, mustChangePassword: who.mustChangePassword };
    else tokens.set(null);
  }
  render();
}

void start();
