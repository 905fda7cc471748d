// Experts of the pool: search (GET /v1/experts by specialty, status, region, employer; or one expert by id), pages by
// the answer's `next`, and a panel for one expert: its attributes (PATCH), its status with a reason and an end date
// (POST …/status), the dates it cannot evaluate (PUT …/availability) and its declared relations (PUT …/relations).
// The API never answers a name, phone or ID number, so none is ever on this screen.
import { api, type ApiAnswer } from '../api';
import { field, h, show } from '../dom';
import { localTime } from '../format';
import { t } from '../i18n';
import { EXPERTS_PER_PAGE } from '../settings';
import { areaField, outcome, selectField } from './pool-shared';

type Expert = ApiAnswer<'/v1/experts/{id}', 'get'>;
type Relation = Expert['relations'][number];
type Status = Expert['status'];
type OrgRole = Extract<Relation, { kind: 'org' }>['role'];

const STATUSES: readonly Status[] = ['active', 'suspended', 'blacklisted', 'retired'];
const ORG_ROLES: readonly OrgRole[] = ['employee', 'director', 'supervisor', 'controlling-shareholder', 'adviser'];

const input = (name: string, attrs: Record<string, string | boolean> = {}) => h('input', { name, autocomplete: 'off', spellcheck: 'false', ...attrs });
const options = <T extends string>(values: readonly T[], label: (v: T) => string, selected?: T) => values.map((v) => h('option', { value: v, ...(v === selected ? { selected: true } : {}) }, label(v)));
/** Codes as a person types them: separated by semicolons, commas or spaces (either width). */
const codes = (text: string) => text.split(/[;；,，\s]+/).filter(Boolean);

export function statusText(e: Expert): string {
  if (e.status !== 'suspended') return t(`status.${e.status}`);
  return e.suspendedUntil ? t('suspendedUntil', { date: e.suspendedUntil }) : t('suspendedOpen');
}

export function poolExpertsView(root: HTMLElement, canWrite: boolean): void {
  const id = input('id', { maxlength: '32' });
  const specialty = input('specialty', { maxlength: '16' });
  const status = h('select', { name: 'status' }, h('option', { value: '' }, t('searchAnyStatus')), ...options(STATUSES, (s) => t(`status.${s}`)));
  const region = input('region', { inputmode: 'numeric', maxlength: '6' });
  const employer = input('employer', { maxlength: '18' });
  const searchOut = outcome();
  const form = h(
    'form',
    { class: 'card wide', role: 'search', 'aria-label': t('searchLabel'), novalidate: true },
    h('h1', {}, t('expertsTitle')),
    h('div', { class: 'grid' }, field(t('searchId'), id), field(t('searchSpecialty'), specialty), selectField(t('searchStatus'), status), field(t('searchRegion'), region), field(t('searchEmployer'), employer)),
    h('button', { type: 'submit', class: 'primary' }, t('search')),
    searchOut.el,
  );
  const results = h('div', { class: 'results' });
  const detail = h('section', { class: 'card wide expert', hidden: true, 'aria-labelledby': 'expert-title' });
  show(root, form, h('div', { class: 'pool-split' }, h('section', { class: 'card wide' }, results), detail));

  /** The search being paged: its query, and the `after` of each page reached so far (page 0 has none). */
  let query: { specialty?: string; status?: Status; region?: string; employer?: string } = {};
  let afters: (string | undefined)[] = [undefined];
  const rows = new Map<string, HTMLTableRowElement>();

  const row = (e: Expert) =>
    h(
      'tr',
      { 'data-expert': e.id, 'data-status': e.status },
      h('td', {}, h('button', { type: 'button', class: 'link', 'aria-label': `${t('open')} ${e.id}`, onclick: () => openExpert(e) }, h('code', {}, e.id))),
      h('td', {}, e.specialties.join('; ')),
      h('td', {}, e.region),
      h('td', {}, e.employer),
      h('td', {}, h('span', { class: `badge ${e.status}` }, statusText(e))),
    );

  const showPage = (items: readonly Expert[], page: number, next: string | null) => {
    rows.clear();
    if (items.length === 0) return show(results, h('p', { class: 'status' }, t('searchEmpty')));
    const body = h('tbody', {}, ...items.map((e) => {
      const tr = row(e);
      rows.set(e.id, tr);
      return tr;
    }));
    const head = [t('colExpert'), t('colSpecialties'), t('colRegion'), t('colEmployer'), t('colStatus')];
    show(
      results,
      h('table', { class: 'experts' }, h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))), body),
      h(
        'div',
        { class: 'pager' },
        h('button', { type: 'button', disabled: page === 0, onclick: () => void load(page - 1) }, t('prevPage')),
        h('span', { class: 'status', 'data-page': page + 1 }, t('pageOf', { page: page + 1 })),
        h('button', { type: 'button', disabled: next === null, onclick: () => {
          afters[page + 1] = next ?? undefined;
          void load(page + 1);
        } }, t('nextPage')),
      ),
    );
  };

  /** Only the latest search is shown: an earlier answer arriving late is dropped. */
  let asked = 0;
  const load = async (page: number) => {
    const mine = ++asked;
    searchOut.clear();
    try {
      const after = afters[page];
      const answer = await api('get', '/v1/experts', { query: { ...query, limit: EXPERTS_PER_PAGE, ...(after ? { after } : {}) } });
      if (mine !== asked) return;
      afters = afters.slice(0, page + 1);
      showPage(answer.items, page, answer.next);
    } catch (err) {
      if (mine === asked) searchOut.fail(err);
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const one = id.value.trim();
    if (one) {
      const mine = ++asked;
      searchOut.clear();
      api('get', '/v1/experts/{id}', { params: { id: one } })
        .then((e) => {
          if (mine !== asked) return;
          showPage([e], 0, null);
          openExpert(e);
        })
        .catch((err: unknown) => {
          if (mine !== asked) return;
          show(results);
          searchOut.fail(err);
        });
      return;
    }
    query = {
      ...(specialty.value.trim() ? { specialty: specialty.value.trim() } : {}),
      ...(status.value ? { status: status.value as Status } : {}),
      ...(region.value.trim() ? { region: region.value.trim() } : {}),
      ...(employer.value.trim() ? { employer: employer.value.trim() } : {}),
    };
    afters = [undefined];
    void load(0);
  });
  // The first page of the whole pool at once: the screen is never empty for want of a search.
  void load(0);
  id.focus();

  /** A change the service accepted: the panel and the result row show the expert as it answered. */
  const saved = (e: Expert) => {
    const old = rows.get(e.id);
    if (old) {
      const tr = row(e);
      tr.toggleAttribute('data-selected', old.hasAttribute('data-selected'));
      old.replaceWith(tr);
      rows.set(e.id, tr);
    }
    summary(e);
  };
  const heading = h('h2', { id: 'expert-title', tabindex: '-1' });
  const facts = h('p', { class: 'status' });
  const summary = (e: Expert) => {
    detail.dataset.expert = e.id;
    detail.dataset.status = e.status;
    heading.textContent = t('expertTitle', { id: e.id });
    show(facts, h('span', { class: `badge ${e.status}` }, statusText(e)), ' · ', t('revisionOf', { revision: e.revision, time: localTime(e.updatedAt) }));
  };

  function openExpert(e: Expert): void {
    detail.hidden = false;
    for (const [rid, tr] of rows) tr.toggleAttribute('data-selected', rid === e.id);
    summary(e);
    const parts: HTMLElement[] = [heading, facts, h('p', { class: 'sub' }, t('personalNote'))];
    if (canWrite) parts.push(editForm(e, saved), statusForm(e, saved), availabilityForm(e, saved), relationsForm(e, saved));
    else parts.push(readOnly(e));
    show(detail, ...parts);
    heading.focus();
  }
}

function readOnly(e: Expert): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    h('dt', {}, t('colSpecialties')),
    h('dd', {}, e.specialties.join('; ')),
    h('dt', {}, t('colRegion')),
    h('dd', {}, e.region),
    h('dt', {}, t('colEmployer')),
    h('dd', {}, e.employer),
    h('dt', {}, t('availabilityLegend')),
    h('dd', {}, e.unavailable.join(', ') || '—'),
    h('dt', {}, t('relationsLegend')),
    h('dd', {}, e.relations.map((r) => (r.kind === 'org' ? `${t(`holder.${r.holder}`)} ${t(`orgRole.${r.role}`)} ${r.org}${r.until ? ` (${r.until})` : ''}` : `${t('kind.relative')} ${r.expertId}`)).join('; ') || '—'),
  );
}

function editForm(e: Expert, saved: (e: Expert) => void): HTMLFormElement {
  let current = e;
  const specialties = input('specialties', { value: e.specialties.join('; ') });
  const region = input('region', { inputmode: 'numeric', maxlength: '6', value: e.region });
  const employer = input('employer', { maxlength: '18', value: e.employer });
  const out = outcome();
  const org = h('a', { href: `#/pool/organisations/${encodeURIComponent(e.employer)}` }, t('employerOrg'));
  const form = h('form', { class: 'expert-edit', novalidate: true }, h('fieldset', {}, h('legend', {}, t('editLegend')), h('div', { class: 'grid' }, field(t('fieldSpecialties'), specialties), field(t('fieldExpertRegion'), region), field(t('fieldEmployer'), employer)), h('div', { class: 'buttons start' }, h('button', { type: 'submit' }, t('save')), org), out.el));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = codes(specialties.value);
    // Only what differs is sent: the audit entry names the attributes that changed.
    const body = {
      ...(next.join(';') !== current.specialties.join(';') ? { specialties: next } : {}),
      ...(region.value.trim() !== current.region ? { region: region.value.trim() } : {}),
      ...(employer.value.trim() !== current.employer ? { employer: employer.value.trim() } : {}),
    };
    if (Object.keys(body).length === 0) return out.ok(t('nothingChanged'));
    api('patch', '/v1/experts/{id}', { params: { id: current.id }, body })
      .then((answer) => {
        current = answer;
        specialties.value = answer.specialties.join('; ');
        org.href = `#/pool/organisations/${encodeURIComponent(answer.employer)}`;
        saved(answer);
        out.ok(t('saved'));
      })
      .catch((err: unknown) => out.fail(err));
  });
  return form;
}

function statusForm(e: Expert, saved: (e: Expert) => void): HTMLFormElement {
  let current = e;
  const to = h('select', { name: 'newStatus' }, ...options(STATUSES, (s) => t(`statusTo.${s}`), e.status === 'active' ? 'suspended' : 'active'));
  const reason = input('reason', { maxlength: '500', required: true });
  const until = input('until', { type: 'date' });
  const sync = () => {
    until.disabled = to.value !== 'suspended';
    if (until.disabled) until.value = '';
  };
  to.addEventListener('change', sync);
  sync();
  const out = outcome();
  const form = h('form', { class: 'expert-status', novalidate: true }, h('fieldset', {}, h('legend', {}, t('statusLegend')), h('div', { class: 'grid' }, selectField(t('fieldNewStatus'), to), field(t('fieldReason'), reason), field(t('fieldUntil'), until)), h('button', { type: 'submit' }, t('changeStatus')), out.el));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const status = to.value as Status;
    api('post', '/v1/experts/{id}/status', { params: { id: current.id }, body: { status, reason: reason.value.trim(), until: status === 'suspended' && until.value ? until.value : null } })
      .then((answer) => {
        current = answer;
        reason.value = '';
        // The likely next change: a suspended or barred expert reinstated, an active one suspended.
        to.value = answer.status === 'active' ? 'suspended' : 'active';
        sync();
        saved(answer);
        out.ok(t('saved'));
      })
      .catch((err: unknown) => out.fail(err));
  });
  return form;
}

function availabilityForm(e: Expert, saved: (e: Expert) => void): HTMLFormElement {
  const dates = h('textarea', { name: 'unavailable', rows: 3, spellcheck: 'false' });
  dates.value = e.unavailable.join('\n');
  const out = outcome();
  const form = h('form', { class: 'expert-availability', novalidate: true }, h('fieldset', {}, h('legend', {}, t('availabilityLegend')), areaField(t('fieldUnavailable'), dates), h('button', { type: 'submit' }, t('save')), out.el));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    api('put', '/v1/experts/{id}/availability', { params: { id: e.id }, body: { unavailable: codes(dates.value) } })
      .then((answer) => {
        dates.value = answer.unavailable.join('\n');
        saved(answer);
        out.ok(t('saved'));
      })
      .catch((err: unknown) => out.fail(err));
  });
  return form;
}

interface RelationRow {
  readonly el: HTMLElement;
  read(): Relation;
  number(n: number): void;
}

function relationRow(r: Relation, remove: (row: RelationRow) => void): RelationRow {
  const kind = h('select', { name: 'kind' }, ...options(['org', 'relative'] as const, (k) => t(`kind.${k}`), r.kind));
  const holder = h('select', { name: 'holder' }, ...options(['self', 'relative'] as const, (k) => t(`holder.${k}`), r.kind === 'org' ? r.holder : 'self'));
  const role = h('select', { name: 'role' }, ...options(ORG_ROLES, (k) => t(`orgRole.${k}`), r.kind === 'org' ? r.role : 'employee'));
  const org = input('org', { maxlength: '18', value: r.kind === 'org' ? r.org : '' });
  const until = input('until', { type: 'date', value: r.kind === 'org' ? (r.until ?? '') : '' });
  const expertId = input('expertId', { maxlength: '32', value: r.kind === 'relative' ? r.expertId : '' });
  const labels = { kind: selectField('', kind), holder: selectField('', holder), role: selectField('', role), org: field('', org), until: field('', until), expertId: field('', expertId) };
  const drop = h('button', { type: 'button', class: 'link' });
  const el = h('div', { class: 'relation' }, ...Object.values(labels), drop);
  const sync = () => {
    const isOrg = kind.value === 'org';
    for (const l of [labels.holder, labels.role, labels.org, labels.until]) l.hidden = !isOrg;
    labels.expertId.hidden = isOrg;
  };
  kind.addEventListener('change', sync);
  sync();
  const row: RelationRow = {
    el,
    read: () =>
      kind.value === 'org'
        ? { kind: 'org', holder: holder.value as 'self' | 'relative', role: role.value as OrgRole, org: org.value.trim(), until: until.value || null }
        : { kind: 'relative', expertId: expertId.value.trim() },
    number: (n) => {
      const text = { kind: 'fieldKind', holder: 'fieldHolder', role: 'fieldOrgRole', org: 'fieldOrg', until: 'fieldRelUntil', expertId: 'fieldRelative' } as const;
      for (const [k, l] of Object.entries(labels)) l.querySelector('span')!.textContent = t(text[k as keyof typeof text], { n });
      drop.textContent = t('removeRelation', { n });
    },
  };
  drop.addEventListener('click', () => remove(row));
  return row;
}

function relationsForm(e: Expert, saved: (e: Expert) => void): HTMLFormElement {
  const list = h('div', { class: 'relations' });
  const empty = h('p', { class: 'status' }, t('relationsEmpty'));
  let rows: RelationRow[] = [];
  const renumber = () => {
    rows.forEach((r, i) => r.number(i + 1));
    empty.hidden = rows.length > 0;
  };
  const remove = (row: RelationRow) => {
    const at = rows.indexOf(row);
    rows = rows.filter((r) => r !== row);
    row.el.remove();
    renumber();
    // Focus moves to the next item's first field (or the add button), not to the page's start.
    (rows[at]?.el.querySelector('select') ?? addOrg).focus();
  };
  const add = (r: Relation) => {
    const row = relationRow(r, remove);
    rows.push(row);
    list.append(row.el);
    renumber();
    return row;
  };
  const fill = (relations: readonly Relation[]) => {
    rows = [];
    list.replaceChildren();
    relations.forEach(add);
    renumber();
  };
  const addOrg = h('button', { type: 'button', onclick: () => add({ kind: 'org', holder: 'self', role: 'employee', org: '', until: null }).el.querySelector<HTMLInputElement>('input[name="org"]')!.focus() }, t('addOrgRelation'));
  const addRelative = h('button', { type: 'button', onclick: () => add({ kind: 'relative', expertId: '' }).el.querySelector<HTMLInputElement>('input[name="expertId"]')!.focus() }, t('addRelative'));
  const out = outcome();
  const form = h('form', { class: 'expert-relations', novalidate: true }, h('fieldset', {}, h('legend', {}, t('relationsLegend')), empty, list, h('div', { class: 'buttons start' }, addOrg, addRelative, h('button', { type: 'submit', class: 'primary' }, t('saveRelations'))), out.el));
  fill(e.relations);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    api('put', '/v1/experts/{id}/relations', { params: { id: e.id }, body: { relations: rows.map((r) => r.read()) } })
      .then((answer) => {
        fill(answer.relations);
        saved(answer);
        out.ok(t('saved'));
      })
      .catch((err: unknown) => out.fail(err));
  });
  return form;
}
