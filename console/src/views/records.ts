// An expert's record, consequences and objections for a pool manager (docs/records.md): look an expert up by id; their
// counts and their records of disclosed draws, the consequences the rules set, and the objections (申诉) — lodged here
// on the expert's behalf against a record or a consequence, and decided (upheld or rejected, with a reason).
import { api, type ApiAnswer } from '../api';
import { field, h, show } from '../dom';
import { localTime } from '../format';
import { t, type TextKey } from '../i18n';
import { areaField, outcome } from './pool-shared';

type Record = ApiAnswer<'/v1/experts/{id}/record', 'get'>;
type Consequences = ApiAnswer<'/v1/experts/{id}/consequences', 'get'>;

export function recordsView(main: HTMLElement, can: { lodge: boolean; decide: boolean }, initial: string): void {
  const id = h('input', { name: 'expertId', autocomplete: 'off', spellcheck: 'false', maxlength: '32', value: initial });
  const lookOut = outcome();
  const lookup = h('form', { class: 'records-lookup', role: 'search', 'aria-label': t('recordsTitle'), novalidate: true }, h('div', { class: 'inline' }, field(t('recordsExpertId'), id), h('button', { type: 'submit', class: 'primary' }, t('recordsShow'))), lookOut.el);
  const panel = h('div', { class: 'records' });
  show(main, h('section', { class: 'card' }, h('h1', {}, t('recordsTitle')), lookup, panel));

  /** A form for a reason, opened under a row: the objection to lodge, or a decision to take. */
  const reasonForm = (label: string, buttons: ReadonlyArray<{ text: string; send: (reason: string) => Promise<unknown> }>, expertId: string) => {
    const area = h('textarea', { name: 'reason', rows: '2', maxlength: '1000' });
    const out = outcome();
    const form = h('form', { class: 'reason', novalidate: true }, areaField(label, area), h('div', { class: 'inline' }, ...buttons.map((b, i) => h('button', { type: 'button', 'data-choice': String(i), ...(i === 0 ? { class: 'primary' } : {}) }, b.text))), out.el);
    for (const [i, b] of buttons.entries()) {
      form.querySelector(`[data-choice="${i}"]`)!.addEventListener('click', () => {
        if (area.value.trim() === '') return out.fail(new Error(t('recordsReasonNeeded')));
        b.send(area.value.trim())
          .then(() => load(expertId, t('recordsSaved')))
          .catch((err: unknown) => out.fail(err));
      });
    }
    return form;
  };
  const lodgeButton = (expertId: string, against: { record: number } | { consequence: string }, host: () => HTMLElement) =>
    h('button', {
      type: 'button',
      class: 'link',
      onclick: () => {
        const row = host();
        row.querySelector('form.reason')?.remove();
        row.append(reasonForm(t('recordsObjectionReason'), [{ text: t('recordsLodge'), send: (reason) => api('post', '/v1/experts/{id}/objections', { params: { id: expertId }, body: { against, reason } }) }], expertId));
        row.querySelector('textarea')?.focus();
      },
    }, t('recordsObject'));

  const recordSection = (expertId: string, r: Record, objected: ReadonlySet<string>) => {
    const tl = r.tally;
    const rows = r.draws.flatMap((d) =>
      d.records.map((x) => {
        const what = x.kind === 'entered' ? (x.label ?? t('recordsWithdrawnEntry')) : `${t(`recordKind.${x.kind}` as TextKey)}${x.outcome ? ` · ${t(`recordOutcome.${x.outcome}` as TextKey)}` : ''}`;
        const standing = x.withdrawnBy === undefined && (x.kind !== 'entered' || x.standing === true);
        const cell = h('td', {});
        const tr = h('tr', { 'data-index': String(x.index) }, h('td', {}, localTime(x.time)), h('td', {}, d.projectId), h('td', {}, what), h('td', {}, String(x.index)), h('td', {}, standing ? '' : t('recordsWithdrawn')), cell);
        if (can.lodge && standing && !objected.has(`record:${x.index}`)) cell.append(lodgeButton(expertId, { record: x.index }, () => cell));
        return tr;
      }),
    );
    return h(
      'section',
      { class: 'records-list' },
      h('h2', {}, t('recordsRecord')),
      h('p', {}, t('recordsTally', { calls: tl.calls, accepted: tl.accepted, declined: tl.declined, timedOut: tl.timedOut, checkedIn: tl.checkedIn, late: tl.late, noShows: tl.noShows })),
      rows.length === 0
        ? h('p', {}, t('recordsNone'))
        : h('table', {}, h('thead', {}, h('tr', {}, ...(['colTime', 'colProject', 'recordsColWhat', 'recordsColIndex', 'recordsColStanding', 'colActions'] as const).map((k) => h('th', { scope: 'col' }, t(k))))), h('tbody', {}, ...rows)),
    );
  };

  const consequenceSection = (expertId: string, c: Consequences, objected: ReadonlySet<string>) =>
    h(
      'section',
      { class: 'consequences' },
      h('h2', {}, t('recordsConsequences')),
      c.consequences.length === 0
        ? h('p', {}, t('recordsNoConsequences'))
        : h(
            'table',
            {},
            h('thead', {}, h('tr', {}, ...(['recordsColRule', 'recordsColKind', 'recordsColPeriod', 'colState', 'colActions'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
            h(
              'tbody',
              {},
              ...c.consequences.map((x) => {
                const cell = h('td', {});
                if (can.lodge && x.state !== 'annulled' && !objected.has(`consequence:${x.id}`)) cell.append(lodgeButton(expertId, { consequence: x.id }, () => cell));
                return h('tr', { 'data-consequence': x.id }, h('td', {}, x.rule), h('td', {}, t(`consequenceKind.${x.kind}` as TextKey)), h('td', {}, x.until ? `${x.from} – ${x.until}` : x.from), h('td', {}, t(`consequenceState.${x.state}` as TextKey)), cell);
              }),
            ),
          ),
    );

  const objectionSection = (expertId: string, c: Consequences) =>
    h(
      'section',
      { class: 'objections' },
      h('h2', {}, t('recordsObjections')),
      c.objections.length === 0
        ? h('p', {}, t('recordsNoObjections'))
        : h(
            'ul',
            {},
            ...c.objections.map((o) => {
              const against = 'record' in o.against ? t('recordsAgainstRecord', { index: o.against.record }) : t('recordsAgainstConsequence');
              const li = h('li', { 'data-objection': o.id, 'data-state': o.state }, h('p', {}, `${against} · ${t(`objectionState.${o.state}` as TextKey)} · ${o.reason}`), o.decision ? h('p', {}, t('recordsDecision', { decision: o.decision })) : null);
              if (o.state === 'open' && can.decide) {
                const send = (upheld: boolean) => (reason: string) => api('post', '/v1/objections/{id}/decision', { params: { id: o.id }, body: { upheld, reason } });
                li.append(reasonForm(t('recordsDecisionReason'), [{ text: t('recordsUphold'), send: send(true) }, { text: t('recordsReject'), send: send(false) }], expertId));
              }
              return li;
            }),
          ),
    );

  const load = (expertId: string, notice?: string) => {
    lookOut.clear();
    Promise.all([api('get', '/v1/experts/{id}/record', { params: { id: expertId } }), api('get', '/v1/experts/{id}/consequences', { params: { id: expertId } })])
      .then(([r, c]) => {
        const objected = new Set(c.objections.map((o) => ('record' in o.against ? `record:${o.against.record}` : `consequence:${o.against.consequence}`)));
        show(panel, recordSection(expertId, r, objected), consequenceSection(expertId, c, objected), objectionSection(expertId, c));
        if (notice) lookOut.ok(notice);
      })
      .catch((err: unknown) => {
        show(panel);
        lookOut.fail(err);
      });
  };
  lookup.addEventListener('submit', (event) => {
    event.preventDefault();
    const at = id.value.trim();
    const next = `#/records/${encodeURIComponent(at)}`;
    if (at && location.hash === next) load(at);
    else if (at) location.hash = next;
  });
  if (initial) load(initial);
  else id.focus();
}
