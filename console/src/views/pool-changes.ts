// Held changes of experts' names, phones and ID numbers (docs/security.md T6), for pool managers and supervisors: a
// revised pool file's change waits here until a second person approves it (applied, the expert told) or rejects it
// with a reason. Which fields and who imported it, never a value; the importer's own changes are for someone else.
import { api, type ApiAnswer } from '../api';
import { h, show } from '../dom';
import { localTime } from '../format';
import { t } from '../i18n';
import { areaField, outcome, personalFieldsText as fieldsText } from './pool-shared';

type Held = ApiAnswer<'/v1/personal-changes', 'get'>['items'][number];

export function poolChangesView(root: HTMLElement, me: string): void {
  const out = outcome();
  const list = h('div', { class: 'held-changes' });
  const detail = h('div', { class: 'held-change' });
  show(
    root,
    h(
      'section',
      { class: 'card wide', 'aria-labelledby': 'held-title' },
      h('h1', { id: 'held-title' }, t('heldTitle')),
      h('p', { class: 'sub' }, t('heldHint')),
      h('button', { type: 'button', onclick: () => load() }, t('heldRefresh')),
      out.el,
      list,
      detail,
    ),
  );

  const load = (notice?: string) => {
    api('get', '/v1/personal-changes')
      .then(({ items }) => {
        show(
          list,
          items.length === 0
            ? h('p', {}, t('heldNone'))
            : h(
                'table',
                {},
                h('thead', {}, h('tr', {}, ...(['heldColExpert', 'heldColFields', 'heldColBy', 'heldColAt', 'colActions'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
                h(
                  'tbody',
                  {},
                  ...items.map((c) =>
                    h(
                      'tr',
                      { 'data-held': c.id },
                      h('td', {}, h('code', {}, c.id)),
                      h('td', {}, fieldsText(c.fields)),
                      h('td', {}, c.proposedBy === me ? t('heldByMe') : h('code', {}, c.proposedBy)),
                      h('td', {}, localTime(c.proposedAt)),
                      h('td', {}, h('button', { type: 'button', class: 'link', 'aria-label': `${t('heldOpen')} ${c.id}`, onclick: () => open(c) }, t('heldOpen'))),
                    ),
                  ),
                ),
              ),
        );
        if (notice) out.ok(notice);
      })
      .catch((err: unknown) => out.fail(err));
  };

  const open = (c: Held) => {
    out.clear();
    const decision = outcome();
    const reason = h('textarea', { name: 'rejectReason', rows: '2', maxlength: '500' });
    const decided = (text: string) => {
      show(detail);
      load(text);
    };
    const params = { id: c.id, changeId: c.changeId };
    const approve = () =>
      api('post', '/v1/experts/{id}/personal-change/{changeId}/approve', { params })
        .then(() => decided(t('heldApproved', { id: c.id, fields: fieldsText(c.fields) })))
        .catch((err: unknown) => decision.fail(err));
    const reject = () => {
      const why = reason.value.trim();
      if (why === '') return decision.fail(new Error(t('heldReasonNeeded')));
      api('post', '/v1/experts/{id}/personal-change/{changeId}/reject', { params, body: { reason: why } })
        .then(() => decided(t('heldRejected', { id: c.id })))
        .catch((err: unknown) => decision.fail(err));
    };
    show(
      detail,
      h(
        'section',
        { class: 'held-detail', 'data-held': c.id, 'aria-labelledby': 'held-change' },
        h('h2', { id: 'held-change' }, t('heldChange', { id: c.id, fields: fieldsText(c.fields) })),
        h('p', {}, t('heldCheck')),
        // The importer's own change: the service refuses them (409); the screen says so before they try.
        c.proposedBy === me
          ? h('p', { class: 'notice' }, t('heldOwn'))
          : h(
              'form',
              { class: 'decision', novalidate: true, onsubmit: (e: Event) => e.preventDefault() },
              h('button', { type: 'button', class: 'primary', onclick: approve }, t('heldApprove')),
              areaField(t('heldRejectReason'), reason),
              h('button', { type: 'button', onclick: reject }, t('heldReject')),
              decision.el,
            ),
      ),
    );
  };

  load();
}
