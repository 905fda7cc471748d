// The board's project actions besides the draw: postpone (or reschedule a missed or failed project) with a new bid
// opening and a reason (PATCH /v1/projects/{id}/bid-opening), cancel with a reason (POST /v1/projects/{id}/cancel), and
// a remote site's download of its sealed result (GET /v1/draws/{id}/sealed). Each change sits behind a modal dialog
// with labelled fields: focus moves into it, Escape closes it, and nothing is sent until its button is pressed.
import { api, type ApiAnswer } from '../api';
import { field, h, show } from '../dom';
import { failureText, fromLocalInput, localInput, localTime, withOffset } from '../format';
import { t } from '../i18n';

type Project = ApiAnswer<'/v1/projects', 'get'>['items'][number];

/** States the service lets an operator move or cancel (src/services/project.service.ts). */
export const MANAGEABLE = new Set(['scheduled', 'missed', 'failed']);

/**
 * Fills `dialog` with a form: a title, what it means, labelled fields, the service's refusal if any, and Cancel and the
 * action's button. `send` runs on submit; its resolved text is handed to `done` once the dialog has closed.
 */
export function dialogForm(dialog: HTMLDialogElement, o: { title: string; lines: readonly HTMLElement[]; fields: readonly HTMLElement[]; submit: string; danger?: boolean; send: () => Promise<string>; done: (notice: string) => void }): void {
  const alert = h('p', { class: 'alert', role: 'alert' });
  const go = h('button', { type: 'submit', class: o.danger ? 'primary danger' : 'primary' }, o.submit);
  const cancel = h('button', { type: 'button', onclick: () => dialog.close() }, t('close'));
  const form = h('form', { novalidate: true }, h('h2', { id: 'dialog-title' }, o.title), ...o.lines, ...o.fields, alert, h('div', { class: 'buttons' }, cancel, go));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go.disabled = true;
    go.textContent = t('working');
    show(alert);
    o.send()
      .then((notice) => {
        // Once the dialog has closed and given the keyboard back to its opener (its `close` event comes a task later):
        // what `done` draws and focuses then stays focused.
        dialog.addEventListener('close', () => o.done(notice), { once: true });
        dialog.close();
      })
      .catch((err: unknown) => {
        show(alert, failureText(err));
        go.disabled = false;
        go.textContent = o.submit;
      });
  });
  dialog.setAttribute('aria-labelledby', 'dialog-title');
  show(dialog, form);
  dialog.showModal();
  // Focus into the dialog: its first field.
  form.querySelector<HTMLElement>('input')?.focus();
}

/** Postpone a scheduled project, or reschedule a missed or failed one (which the service schedules again). */
export function postponeDialog(dialog: HTMLDialogElement, p: Project, done: (notice: string) => void): void {
  const rearm = p.state !== 'scheduled';
  const opening = h('input', { name: 'bidOpeningAt', type: 'datetime-local', required: true, value: localInput(p.bidOpeningAt) });
  const reason = h('input', { name: 'reason', required: true, minlength: 2, maxlength: 500, autocomplete: 'off' });
  dialogForm(dialog, {
    title: t(rearm ? 'rescheduleTitle' : 'postponeTitle', { project: p.id }),
    lines: [h('p', {}, rearm ? t('rescheduleHint', { state: t(`state.${p.state}`) }) : t('postponeHint', { lead: p.leadTimeMinutes }))],
    fields: [field(t('fieldNewOpening'), opening), field(t('fieldReason'), reason)],
    submit: t(rearm ? 'reschedule' : 'postponeSubmit'),
    send: async () => {
      // The centre's wall-clock time; an empty or unreadable one goes as it is: the service's refusal names the field.
      const at = fromLocalInput(opening.value);
      const moved = await api('patch', '/v1/projects/{id}/bid-opening', {
        params: { id: p.id },
        body: { bidOpeningAt: at ? withOffset(at) : opening.value, reason: reason.value.trim() },
      });
      return t('postponed', { project: p.id, opening: localTime(moved.project.bidOpeningAt), drawAt: localTime(moved.drawAt) });
    },
    done,
  });
}

/** Cancel a project that has not been drawn, with a reason. */
export function cancelDialog(dialog: HTMLDialogElement, p: Project, done: (notice: string) => void): void {
  const reason = h('input', { name: 'reason', required: true, minlength: 2, maxlength: 500, autocomplete: 'off' });
  dialogForm(dialog, {
    title: t('cancelTitle', { project: p.id }),
    lines: [h('p', { class: 'warning' }, t(p.state === 'drawn' ? 'cancelDrawnWarning' : 'cancelWarning'))],
    fields: [field(t('fieldReason'), reason)],
    submit: t('cancelSubmit'),
    danger: true,
    send: async () => {
      await api('post', '/v1/projects/{id}/cancel', { params: { id: p.id }, body: { reason: reason.value.trim() } });
      return t('cancelledDone', { project: p.id });
    },
    done,
  });
}

/** Saves the site's sealed result of a draw as a JSON file; returns the file's name. */
export async function downloadSealed(drawId: string, projectId: string): Promise<string> {
  const sealed = await api('get', '/v1/draws/{id}/sealed', { params: { id: drawId } });
  const name = `sealed-${projectId.replace(/[^\w.-]/g, '_')}.json`;
  const href = URL.createObjectURL(new Blob([JSON.stringify(sealed, null, 2)], { type: 'application/json' }));
  const link = h('a', { href, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file; the address is freed a little later (some browsers read it after click()).
  window.setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return name;
}
