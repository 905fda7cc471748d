// The pool desk for the pool manager: experts (search, page, edit, status, availability, relations), the import of a
// pool file (checked by a dry run before anything is stored), organisations, and admission and exit (applications,
// re-confirmations due, exits) — four tabs, each its own address.
import { may, type Role } from '../access';
import { h, show } from '../dom';
import { t, type TextKey } from '../i18n';
import { poolExpertsView } from './pool-experts';
import { poolAdmissionView } from './pool-admission';
import { poolImportView } from './pool-import';
import { poolOrgsView } from './pool-orgs';

const TABS: readonly { readonly tab: string; readonly label: TextKey }[] = [
  { tab: 'experts', label: 'poolTabExperts' },
  { tab: 'import', label: 'poolTabImport' },
  { tab: 'organisations', label: 'poolTabOrgs' },
  { tab: 'admission', label: 'poolTabAdmission' },
];

export function poolView(main: HTMLElement, role: Role, rest: readonly string[]): void {
  const [tab = 'experts', arg = ''] = rest;
  const current = TABS.some((x) => x.tab === tab) ? tab : 'experts';
  const canWrite = may(role, 'pool.write');
  const tabs = h('nav', { class: 'tabs', 'aria-label': t('poolTabsLabel') }, h('ul', {}, ...TABS.map((x) => h('li', {}, h('a', { href: `#/pool/${x.tab}`, ...(x.tab === current ? { 'aria-current': 'page' } : {}) }, t(x.label))))));
  const body = h('div', { class: 'pool' });
  show(main, tabs, body);
  if (current === 'import') poolImportView(body, canWrite);
  else if (current === 'organisations') poolOrgsView(body, canWrite, decodeURIComponent(arg));
  else if (current === 'admission') poolAdmissionView(body, { write: canWrite, review: may(role, 'pool.review') }, decodeURIComponent(arg));
  else poolExpertsView(body, canWrite);
}
