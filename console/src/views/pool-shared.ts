// Small pieces the pool desk's tabs share: a labelled textarea, a form's outcome line, a refusal with its field issues.
import { h, show } from '../dom';
import { failureText } from '../format';
import { t } from '../i18n';

/** Where a form says how it went: a success (status) or a refusal (alert). */
export function outcome(): { readonly el: HTMLElement; ok(text: string): void; fail(err: unknown): void; clear(): void } {
  const success = h('p', { class: 'success', role: 'status' });
  const alert = h('p', { class: 'alert', role: 'alert' });
  const el = h('div', { class: 'outcome' }, success, alert);
  return {
    el,
    ok: (text) => {
      show(alert);
      show(success, text);
    },
    fail: (err) => {
      show(success);
      show(alert, failureText(err));
    },
    clear: () => {
      show(success);
      show(alert);
    },
  };
}

/** A labelled textarea (dom.ts's field() takes inputs and selects). */
export const areaField = (label: string, area: HTMLTextAreaElement) => h('label', { class: 'field' }, h('span', {}, label), area);

let selects = 0;
/**
 * A labelled select: the label names it by `for`, not by wrapping it, so that the name is the label's words alone
 * (a wrapping label's text would take in every option's).
 */
export function selectField(label: string, select: HTMLSelectElement): HTMLElement {
  select.id ||= `pool-select-${++selects}`;
  return h('div', { class: 'field' }, h('label', { for: select.id }, h('span', {}, label)), select);
}

/** Which personal data a held change replaces (联系电话、姓名), never their values. */
export const personalFieldsText = (fields: readonly ('phone' | 'name' | 'idNumber')[]) => fields.map((f) => t(`personalField.${f}`)).join(t('listSeparator'));
