// Admission and exit for the pool manager (docs/admission.md), a tab of the pool desk: the applications waiting
// (GET /v1/applications?state=applied), one application's details, admit or reject it with a reason; who is due for
// re-confirmation within N days and confirming one; one expert's lifecycle, the certificate's expiry date and the exit
// with a reason of the closed list. A refusal shows the service's message; a decision says what the audit log holds.
import { api, type ApiAnswer } from '../api';
import { field, h, show } from '../dom';
import { localTime } from '../format';
import { t, type TextKey } from '../i18n';
import { areaField, outcome, selectField } from './pool-shared';

type Application = ApiAnswer<'/v1/applications/{id}', 'get'>;
type Life = ApiAnswer<'/v1/experts/{id}/lifecycle', 'get'>;
type Status = Life['status'];

/** The reasons a person chooses; `not-in-register` is set only by a revised register's import. */
const EXIT_REASONS = ['resigned', 'retired-age', 'certificate-expired', 'removed', 'deceased', 'other'] as const;

const statusLabel = (s: Status) => t(`status.${s}`);
const th = (...keys: TextKey[]) => h('thead', {}, h('tr', {}, ...keys.map((k) => h('th', { scope: 'col' }, t(k)))));
const facts = (...rows: [string, string][]) => h('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));

export function poolAdmissionView(root: HTMLElement, can: { write: boolean; review: boolean }, initial: string): void {
  // --- Applications waiting ---
  const appOut = outcome();
  const appList = h('div', { class: 'applications' });
  const appDetail = h('div', { class: 'application' });
  const applications = h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'adm-applications' },
    h('h1', {}, t('admTitle')),
    can.review ? null : h('p', { class: 'notice' }, t('admNotReviewer')),
    h('h2', { id: 'adm-applications' }, t('admApplications')),
    h('button', { type: 'button', onclick: () => loadApplications() }, t('admRefresh')),
    appOut.el,
    appList,
    appDetail,
  );

  const loadApplications = (notice?: string) => {
    api('get', '/v1/applications', { query: { state: 'applied' } })
      .then(({ items }) => {
        show(
          appList,
          items.length === 0
            ? h('p', {}, t('admNoApplications'))
            : h(
                'table',
                {},
                th('admColId', 'admColSpecialties', 'admColRegion', 'admColEmployer', 'admColApplied', 'colActions'),
                h(
                  'tbody',
                  {},
                  ...items.map((a) =>
                    h(
                      'tr',
                      { 'data-application': a.id },
                      h('td', {}, h('code', {}, a.id)),
                      h('td', {}, a.expert.specialties.join('; ')),
                      h('td', {}, a.expert.region),
                      h('td', {}, a.expert.employer),
                      h('td', {}, localTime(a.appliedAt)),
                      h('td', {}, h('button', { type: 'button', class: 'link', 'aria-label': `${t('admOpen')} ${a.id}`, onclick: () => openApplication(a.id) }, t('admOpen'))),
                    ),
                  ),
                ),
              ),
        );
        if (notice) appOut.ok(notice);
      })
      .catch((err: unknown) => appOut.fail(err));
  };

  const openApplication = (id: string) => {
    appOut.clear();
    api('get', '/v1/applications/{id}', { params: { id } })
      .then((a) => show(appDetail, applicationPanel(a)))
      .catch((err: unknown) => appOut.fail(err));
  };

  const applicationPanel = (a: Application) => {
    const latest = a.foreign.at(-1);
    const out = outcome();
    const reason = h('textarea', { name: 'rejectReason', rows: '2', maxlength: '500' });
    const decided = (text: string) => {
      show(appDetail);
      loadApplications(text);
    };
    const admit = () =>
      api('post', '/v1/applications/{id}/admit', { params: { id: a.id } })
        .then((d) => decided(t('admAdmitted', { id: d.id, by: d.decidedBy ?? '', at: localTime(d.decidedAt ?? '') })))
        .catch((err: unknown) => out.fail(err));
    const reject = () => {
      const why = reason.value.trim();
      if (why === '') return out.fail(new Error(t('admReasonNeeded')));
      api('post', '/v1/applications/{id}/reject', { params: { id: a.id }, body: { reason: why } })
        .then((d) => decided(t('admRejected', { id: d.id, by: d.decidedBy ?? '', at: localTime(d.decidedAt ?? ''), reason: d.reason ?? '' })))
        .catch((err: unknown) => out.fail(err));
    };
    return h(
      'section',
      { class: 'application-detail', 'data-application': a.id, 'aria-labelledby': 'adm-application' },
      h('h3', { id: 'adm-application' }, t('admApplication', { id: a.id })),
      facts(
        [t('admColSpecialties'), a.expert.specialties.join('; ')],
        [t('admColRegion'), a.expert.region],
        [t('admColEmployer'), a.expert.employer],
        [t('admColApplied'), localTime(a.appliedAt)],
        [t('admAppliedBy'), a.appliedBy],
        [t('admCertificate'), a.certificateExpires ?? t('admCertificateNone')],
        [t('admForeign'), latest ? t('admForeignSome', { count: a.foreign.length, issuer: latest.issuer, at: localTime(latest.issuedAt) }) : t('admForeignNone')],
      ),
      can.review
        ? h(
            'form',
            { class: 'decision', novalidate: true, onsubmit: (e: Event) => e.preventDefault() },
            h('button', { type: 'button', class: 'primary', onclick: admit }, t('admAdmit')),
            areaField(t('admRejectReason'), reason),
            h('button', { type: 'button', onclick: reject }, t('admReject')),
            out.el,
          )
        : null,
    );
  };

  // --- Re-confirmations due ---
  const days = h('input', { name: 'withinDays', type: 'number', min: '0', max: '3660', inputmode: 'numeric', value: '90' });
  const dueOut = outcome();
  const dueList = h('div', { class: 'due-list' });
  const dueForm = h('form', { class: 'due', 'aria-label': t('admDue'), novalidate: true }, h('div', { class: 'inline' }, field(t('admWithinDays'), days), h('button', { type: 'submit' }, t('admShowDue'))), dueOut.el, dueList);
  const due = h('section', { class: 'card wide', 'aria-labelledby': 'adm-due' }, h('h2', { id: 'adm-due' }, t('admDue')), dueForm);

  const loadDue = (notice?: string) => {
    const n = days.value.trim() === '' ? undefined : Number(days.value);
    api('get', '/v1/confirmations/due', { query: { withinDays: n } })
      .then(({ until, items }) => {
        show(
          dueList,
          h('p', {}, items.length === 0 ? t('admNoneDue') : t('admDueUntil', { until, count: items.length })),
          items.length === 0
            ? null
            : h(
                'table',
                {},
                th('admColId', 'admStatus', 'admColDue', 'admColLapsed', 'colActions'),
                h(
                  'tbody',
                  {},
                  ...items.map((x) =>
                    h(
                      'tr',
                      { 'data-due': x.id, 'data-lapsed': String(x.lapsed) },
                      h('td', {}, h('code', {}, x.id)),
                      h('td', {}, statusLabel(x.status)),
                      h('td', {}, x.confirmationDue),
                      h('td', {}, x.lapsed ? t('admLapsed') : ''),
                      h('td', {}, can.review ? h('button', { type: 'button', 'aria-label': `${t('admConfirm')} ${x.id}`, onclick: () => confirm(x.id, x.status) }, t('admConfirm')) : null),
                    ),
                  ),
                ),
              ),
        );
        if (notice) dueOut.ok(notice);
      })
      .catch((err: unknown) => dueOut.fail(err));
  };
  const confirm = (id: string, before: Status) => {
    dueOut.clear();
    api('post', '/v1/experts/{id}/confirm', { params: { id } })
      .then((life) => loadDue(t('admConfirmed', { id, due: life.confirmationDue, reinstated: life.status !== before ? t('admReinstated', { status: statusLabel(life.status) }) : '', on: life.confirmedOn ?? '' })))
      .catch((err: unknown) => dueOut.fail(err));
  };
  dueForm.addEventListener('submit', (event) => {
    event.preventDefault();
    dueOut.clear();
    loadDue();
  });

  // --- One expert: certificate and exit ---
  const expertId = h('input', { name: 'expertId', autocomplete: 'off', spellcheck: 'false', maxlength: '32', value: initial });
  const lookOut = outcome();
  const lookup = h('form', { class: 'lifecycle-lookup', role: 'search', 'aria-label': t('admExitTitle'), novalidate: true }, h('div', { class: 'inline' }, field(t('admExpertId'), expertId), h('button', { type: 'submit' }, t('admLookup'))), lookOut.el);
  const lifePanel = h('div', { class: 'lifecycle' });
  const exitCard = h('section', { class: 'card wide', 'aria-labelledby': 'adm-exit' }, h('h2', { id: 'adm-exit' }, t('admExitTitle')), lookup, lifePanel);

  const lifeFacts = (life: Life) =>
    facts(
      [t('admStatus'), statusLabel(life.status)],
      [t('admAdmittedAt'), life.admittedAt ? `${localTime(life.admittedAt)} (${life.admittedBy ?? ''})` : t('admAdmittedUnknown')],
      [t('admConfirmationDue'), life.lapsed ? `${life.confirmationDue} · ${t('admLapsed')}` : life.confirmationDue],
      [t('admCertificate'), life.certificateExpires ?? t('admCertificateNone')],
      [t('admExit'), life.exit ? t('admExitOn', { label: life.exitLabel ?? life.exit.reason, on: life.exit.on, by: life.exit.by }) : t('admExitNone')],
    );

  const showLife = (life: Life) => {
    const out = outcome();
    const certificate = h('input', { name: 'certificateExpires', type: 'date', value: life.certificateExpires ?? '' });
    const reason = h('select', { name: 'exitReason' }, ...EXIT_REASONS.map((r) => h('option', { value: r }, t(`exitReason.${r}`))));
    const note = h('textarea', { name: 'exitNote', rows: '2', maxlength: '500' });
    const certForm = h('form', { class: 'certificate', novalidate: true }, h('div', { class: 'inline' }, field(t('admCertificate'), certificate), h('button', { type: 'submit' }, t('admCertificateSave'))));
    certForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const date = certificate.value === '' ? null : certificate.value;
      api('put', '/v1/experts/{id}/certificate', { params: { id: life.id }, body: { certificateExpires: date } })
        .then((next) => {
          showLife(next);
          lookOut.ok(t('admCertificateSaved', { id: next.id, date: next.certificateExpires ?? t('admCertificateNone') }));
        })
        .catch((err: unknown) => out.fail(err));
    });
    const exitForm = h('form', { class: 'exit', novalidate: true }, selectField(t('admExitReason'), reason), areaField(t('admExitNote'), note), h('button', { type: 'submit', class: 'danger' }, t('admExitSubmit')));
    exitForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const before = life.status;
      const text = note.value.trim();
      api('post', '/v1/experts/{id}/exit', { params: { id: life.id }, body: { reason: reason.value as (typeof EXIT_REASONS)[number], ...(text ? { note: text } : {}) } })
        .then((next) => {
          showLife(next);
          lookOut.ok(t('admExited', { id: next.id, label: next.exitLabel ?? '', status: before !== next.status ? t('admExitedStatus') : '' }));
        })
        .catch((err: unknown) => out.fail(err));
    });
    show(
      lifePanel,
      h('section', { class: 'lifecycle-detail', 'data-expert': life.id, 'data-status': life.status, 'aria-labelledby': 'adm-life' }, h('h3', { id: 'adm-life' }, t('admLifecycle', { id: life.id })), lifeFacts(life), can.write ? certForm : null, can.review ? exitForm : null, out.el),
    );
  };
  const loadLife = () => {
    lookOut.clear();
    show(lifePanel);
    const id = expertId.value.trim();
    if (id === '') return;
    api('get', '/v1/experts/{id}/lifecycle', { params: { id } })
      .then(showLife)
      .catch((err: unknown) => lookOut.fail(err));
  };
  lookup.addEventListener('submit', (event) => {
    event.preventDefault();
    loadLife();
  });

  show(root, applications, due, exitCard);
  loadApplications();
  loadDue();
  if (initial) loadLife();
}
