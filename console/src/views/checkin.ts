// The check-in desk (POST /v1/checkins), for a tablet at the evaluation room's door: the room's project is set once;
// then one field takes the ID number, typed or from a card reader that types it and Enter. The answer — that one
// expert's assignment, or the refusal — is shown in large type; the field is emptied for the next card at once, and
// the number is kept nowhere.
import { api, ApiError } from '../api';
import { field, h, show } from '../dom';
import { localTime, refusalReason } from '../format';
import { t } from '../i18n';

const PROJECT_KEY = 'expert-draw.desk-project';

export function checkinView(main: HTMLElement): void {
  const project = h('input', { name: 'projectId', autocomplete: 'off', spellcheck: 'false', value: sessionStorage.getItem(PROJECT_KEY) ?? '' });
  const idNumber = h('input', { name: 'idNumber', class: 'big', autocomplete: 'off', spellcheck: 'false', inputmode: 'text', maxlength: '18', 'aria-describedby': 'desk-answer' });
  const answer = h('div', { id: 'desk-answer', class: 'desk-answer', role: 'status', 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'primary big' }, t('checkinSubmit'));
  const form = h('form', { class: 'desk-form', novalidate: true }, field(t('checkinId'), idNumber), submit);
  project.addEventListener('change', () => sessionStorage.setItem(PROJECT_KEY, project.value.trim()));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const projectId = project.value.trim();
    const number = idNumber.value.trim().toUpperCase();
    idNumber.value = '';
    if (!projectId) {
      show(answer, h('p', { class: 'refused' }, t('checkinNeedsProject')));
      project.focus();
      return;
    }
    if (!number) return;
    sessionStorage.setItem(PROJECT_KEY, projectId);
    answer.dataset.outcome = 'working';
    show(answer, h('p', {}, t('checkinWorking')));
    api('post', '/v1/checkins', { body: { projectId, idNumber: number } })
      .then((a) => {
        answer.dataset.outcome = 'admitted';
        show(
          answer,
          h('p', { class: 'verdict' }, t('checkinOk')),
          h(
            'dl',
            {},
            h('dt', {}, t('checkinName')),
            h('dd', { class: 'name' }, a.name),
            h('dt', {}, t('checkinSpecialty')),
            h('dd', {}, a.specialty, ' · ', t('checkinSeat', { group: a.group + 1, seat: a.seat + 1 })),
            h('dt', {}, t('checkinVenue')),
            h('dd', {}, a.venue ?? '—'),
            h('dt', {}, t('checkinOpening')),
            h('dd', {}, localTime(a.bidOpeningAt)),
          ),
        );
      })
      .catch((err: unknown) => {
        answer.dataset.outcome = 'refused';
        show(answer, h('p', { class: 'verdict' }, t('checkinRefused')), h('p', { class: 'reason' }, refusalReason(err)), err instanceof ApiError ? h('p', { class: 'code' }, t('errorCode', { code: err.code })) : null);
      })
      .finally(() => idNumber.focus());
  });

  show(main, h('section', { class: 'card desk' }, h('h1', {}, t('checkinTitle')), field(t('checkinProject'), project), form, answer));
  (project.value ? idNumber : project).focus();
}
