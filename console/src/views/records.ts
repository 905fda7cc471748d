// An expert's record, consequences and objections for a pool manager (docs/records.md): look an expert up by id; their
// counts and their records of disclosed draws, the consequences the rules set, and the objections (申诉) — lodged here
// on the expert's behalf or by the expert from their own page, and decided (upheld or rejected, with a reason). A
// review is closed here with an outcome; a link to their own page is sent to the expert's phone from here.
import { api, type ApiAnswer } from '../api';
import { field, h, show } from '../dom';
import { localTime } from '../format';
import { t, type TextKey } from '../i18n';
import { areaField, outcome, selectField } from './pool-shared';

type Record = ApiAnswer<'/v1/experts/{id}/record', 'get'>;
type Consequences = ApiAnswer<'/v1/experts/{id}/consequences', 'get'>;

export function recordsView(main: HTMLElement, can: { lodge: boolean; decide: boolean; close: boolean; link: boolean; me: string }, initial: string): void {
  const id = h('input', { name: 'expertId', autocomplete: 'off', spellcheck: 'false', maxlength: '32', value: initial });
  const lookOut = outcome();
  const lookup = h('form', { class: 'records-lookup', role: 'search', 'aria-label': t('recordsTitle'), novalidate: true }, h('div', { class: 'inline' }, field(t('recordsExpertId'), id), h('button', { type: 'submit', class: 'primary' }, t('recordsShow'))), lookOut.el);
  const panel = h('div', { class: 'records' });
  show(main, h('section', { class: 'card' }, h('h1', {}, t('recordsTitle')), lookup, panel));

  /** A form for a reason, opened under a row: the objection to lodge, a decision to take, a review to close. */
  const reasonForm = (label: string, buttons: ReadonlyArray<{ text: string; send: (reason: string) => Promise<unknown> }>, expertId: string, before?: HTMLElement) => {
    const area = h('textarea', { name: 'reason', rows: '2', maxlength: '1000' });
    const out = outcome();
    const form = h('form', { class: 'reason', novalidate: true }, before ?? null, areaField(label, area), h('div', { class: 'inline' }, ...buttons.map((b, i) => h('button', { type: 'button', 'data-choice': String(i), ...(i === 0 ? { class: 'primary' } : {}) }, b.text))), out.el);
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
  /** A button that opens a form under its cell (one at a time). */
  const opener = (label: string, host: () => HTMLElement, form: () => HTMLElement) =>
    h('button', {
      type: 'button',
      class: 'link',
      onclick: () => {
        const row = host();
        row.querySelector('form.reason')?.remove();
        row.append(form());
        row.querySelector('textarea')?.focus();
      },
    }, label);
  const lodgeButton = (expertId: string, against: { record: number } | { consequence: string }, host: () => HTMLElement) =>
    opener(t('recordsObject'), host, () => reasonForm(t('recordsObjectionReason'), [{ text: t('recordsLodge'), send: (reason) => api('post', '/v1/experts/{id}/objections', { params: { id: expertId }, body: { against, reason } }) }], expertId));
  const closeButton = (expertId: string, consequence: string, host: () => HTMLElement) =>
    opener(t('recordsCloseReview'), host, () => {
      const choice = h('select', { name: 'outcome' }, ...(['no-action', 'warning', 'sanctioned'] as const).map((o) => h('option', { value: o }, t(`reviewOutcome.${o}`))));
      const send = (reason: string) => api('post', '/v1/consequences/{id}/review', { params: { id: consequence }, body: { outcome: choice.value as 'no-action' | 'warning' | 'sanctioned', reason } });
      return reasonForm(t('recordsReviewReason'), [{ text: t('recordsCloseReview'), send }], expertId, selectField(t('recordsReviewOutcome'), choice));
    });

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
                if (can.close && x.kind === 'review' && x.state === 'in-force') cell.append(closeButton(expertId, x.id, () => cell));
                if (can.lodge && x.state !== 'annulled' && !objected.has(`consequence:${x.id}`)) cell.append(lodgeButton(expertId, { consequence: x.id }, () => cell));
                const state = x.review ? `${t(`consequenceState.${x.state}` as TextKey)} · ${t('recordsReviewOutcomeShown', { outcome: t(`reviewOutcome.${x.review.outcome}` as TextKey) })}` : t(`consequenceState.${x.state}` as TextKey);
                return h('tr', { 'data-consequence': x.id }, h('td', {}, x.rule), h('td', {}, t(`consequenceKind.${x.kind}` as TextKey)), h('td', {}, x.until ? `${x.from} – ${x.until}` : x.from), h('td', {}, state), cell);
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
              // Lodged by the expert from their own page: the expert is its author.
              const who = o.lodgedBy === expertId ? ` · ${t('recordsByExpert')}` : '';
              const li = h('li', { 'data-objection': o.id, 'data-state': o.state }, h('p', {}, `${against} · ${t(`objectionState.${o.state}` as TextKey)}${who} · ${o.reason}`), o.decision ? h('p', {}, t('recordsDecision', { decision: o.decision })) : null);
              // Who lodged it on the expert's behalf does not decide it: another pool manager does (the service refuses).
              if (o.state === 'open' && can.decide && o.lodgedBy === can.me) li.append(h('p', { class: 'sub' }, t('recordsDecideOther')));
              else if (o.state === 'open' && can.decide) {
                const send = (upheld: boolean) => (reason: string) => api('post', '/v1/objections/{id}/decision', { params: { id: o.id }, body: { upheld, reason } });
                li.append(reasonForm(t('recordsDecisionReason'), [{ text: t('recordsUphold'), send: send(true) }, { text: t('recordsReject'), send: send(false) }], expertId));
              }
              return li;
            }),
          ),
    );

  /** The link to the expert's own page, texted to their phone: the answer says when it stops working, never the link. */
  const linkSection = (expertId: string) => {
    const out = outcome();
    const button = h('button', { type: 'button', class: 'primary' }, t('recordsSendLink'));
    button.addEventListener('click', () => {
      button.disabled = true;
      api('post', '/v1/experts/{id}/record-link', { params: { id: expertId } })
        .then((sent) => out.ok(t('recordsLinkSent', { messageId: sent.messageId, until: localTime(sent.expiresAt) })))
        .catch((err: unknown) => out.fail(err))
        .finally(() => (button.disabled = false));
    });
    return h('section', { class: 'record-link' }, h('p', {}, t('recordsLinkHint')), button, out.el);
  };

  const load = (expertId: string, notice?: string) => {
    lookOut.clear();
    Promise.all([api('get', '/v1/experts/{id}/record', { params: { id: expertId } }), api('get', '/v1/experts/{id}/consequences', { params: { id: expertId } })])
      .then(([r, c]) => {
        const objected = new Set(c.objections.map((o) => ('record' in o.against ? `record:${o.against.record}` : `consequence:${o.against.consequence}`)));
        show(panel, ...(can.link ? [linkSection(expertId)] : []), recordSection(expertId, r, objected), consequenceSection(expertId, c, objected), objectionSection(expertId, c));
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
