// Organisations by unified social credit code: look one up (GET /v1/organisations/{code}) and register or rename it
// (PUT). An unknown code is no failure here: the person may register it by giving its name.
import { api, ApiError } from '../api';
import { field, h, show } from '../dom';
import { t } from '../i18n';
import { outcome } from './pool-shared';

export function poolOrgsView(root: HTMLElement, canWrite: boolean, initial: string): void {
  const code = h('input', { name: 'code', autocomplete: 'off', spellcheck: 'false', maxlength: '18', value: initial });
  const lookOut = outcome();
  const lookup = h('form', { class: 'org-lookup', role: 'search', 'aria-label': t('orgsTitle'), novalidate: true }, h('div', { class: 'inline' }, field(t('orgCode'), code), h('button', { type: 'submit', class: 'primary' }, t('orgLookup'))), lookOut.el);
  const panel = h('div', { class: 'org' });
  show(root, h('section', { class: 'card' }, h('h1', {}, t('orgsTitle')), lookup, panel));

  const edit = (at: string, name: string, known: boolean) => {
    const nameInput = h('input', { name: 'orgName', autocomplete: 'off', maxlength: '200', value: name, ...(canWrite ? {} : { readonly: true }) });
    const out = outcome();
    const form = h('form', { class: 'org-edit', novalidate: true, 'data-code': at, 'data-known': String(known) }, known ? null : h('p', { class: 'notice' }, t('orgUnknown')), field(t('orgName'), nameInput), canWrite ? h('button', { type: 'submit' }, t('orgSave')) : null, out.el);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!canWrite) return;
      api('put', '/v1/organisations/{code}', { params: { code: at }, body: { name: nameInput.value.trim() } })
        .then((org) => {
          nameInput.value = org.name;
          form.dataset.known = 'true';
          form.querySelector('.notice')?.remove();
          out.ok(t('orgSaved', { code: org.code }));
        })
        .catch((err: unknown) => out.fail(err));
    });
    show(panel, form);
    nameInput.focus();
  };

  const find = () => {
    lookOut.clear();
    show(panel);
    const at = code.value.trim().toUpperCase();
    api('get', '/v1/organisations/{code}', { params: { code: at } })
      .then((org) => edit(org.code, org.name, true))
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'NOT_FOUND') {
          if (canWrite) return edit(at, '', false);
        }
        lookOut.fail(err);
      });
  };
  lookup.addEventListener('submit', (event) => {
    event.preventDefault();
    find();
  });
  if (initial) find();
  else code.focus();
}
