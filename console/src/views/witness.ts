// A witness's deposit for a witnessed project's planned draw (POST /v1/projects/{id}/witness-deposits; docs/draw-proof.md
// §6.2): the witness's own secret (made elsewhere, e.g. `openssl rand -hex 32`), or 32 random bytes this browser makes
// (crypto.getRandomValues); its SHA-256 — the commitment the log will hold — shown, posted, and the receipt beside it.
// After the deposit the secret is shown once, with a file to keep, so that the witness can find it in the disclosure:
// a secret nobody kept could not be told from one the service made up (an outside audit, stop 43). Nothing keeps it here.
import { sha256 } from '@noble/hashes/sha2';
import { api, ApiError } from '../api';
import { field, h, show } from '../dom';
import { localTime, refusalReason } from '../format';
import { t } from '../i18n';

const SECRET_BYTES = 32;
/** A secret as the service takes it: 16 to 64 bytes, lower-case hex. */
const SECRET_HEX = /^(?:[0-9a-f]{2}){16,64}$/;
const bytesOf = (text: string) => Uint8Array.from(text.match(/../g)!, (b) => parseInt(b, 16));
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function witnessView(main: HTMLElement, projectId = ''): void {
  const project = h('input', { name: 'projectId', autocomplete: 'off', spellcheck: 'false', value: projectId });
  const own = h('input', { name: 'secret', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'witness-secret-hint' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('witnessSubmit'));
  const answer = h('div', { id: 'witness-answer', role: 'status', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'witness-form', novalidate: true },
    field(t('witnessProject'), project),
    field(t('witnessOwnSecret'), own),
    h('p', { id: 'witness-secret-hint', class: 'hint' }, t('witnessOwnSecretHint')),
    submit,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = project.value.trim();
    if (!id) {
      answer.dataset.outcome = 'refused';
      show(answer, h('p', { class: 'alert' }, t('witnessNeedsProject')));
      project.focus();
      return;
    }
    const typed = own.value.trim().toLowerCase();
    if (typed !== '' && !SECRET_HEX.test(typed)) {
      answer.dataset.outcome = 'refused';
      show(answer, h('p', { class: 'alert' }, t('witnessBadSecret')));
      own.focus();
      return;
    }
    const secret = typed !== '' ? bytesOf(typed) : crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
    const secretHex = hex(secret);
    const commitment = hex(sha256(secret));
    const mine = h('p', {}, t('witnessCommitment'), ': ', h('code', { class: 'commitment' }, commitment));
    answer.dataset.outcome = 'working';
    show(answer, mine, h('p', {}, t('witnessWorking')));
    submit.disabled = true;
    api('post', '/v1/projects/{id}/witness-deposits', { params: { id }, body: { secret: secretHex } })
      .then((r) => {
        const same = r.commitment === commitment;
        answer.dataset.outcome = same ? 'deposited' : 'mismatch';
        show(
          answer,
          h('p', { class: 'verdict' }, t('witnessDone')),
          h(
            'dl',
            { class: 'receipt' },
            h('dt', {}, t('witnessDraw')),
            h('dd', {}, r.drawId),
            h('dt', {}, t('witnessIndex')),
            h('dd', { class: 'index' }, String(r.index)),
            h('dt', {}, t('witnessCommitment')),
            h('dd', {}, h('code', {}, commitment)),
            h('dt', {}, t('witnessReceiptCommitment')),
            h('dd', {}, h('code', { class: 'receipt-commitment' }, r.commitment)),
            h('dt', {}, t('witnessCloses')),
            h('dd', {}, localTime(r.depositsCloseAt)),
          ),
          h('p', { class: same ? 'ok' : 'alert' }, t(same ? 'witnessMatches' : 'witnessMismatch')),
          h('p', {}, t('witnessKeep')),
          h('p', {}, h('code', { class: 'secret' }, secretHex)),
          h('p', {}, h('a', { href: URL.createObjectURL(new Blob([`${r.drawId}\n${secretHex}\n`], { type: 'text/plain' })), download: `witness-secret-${r.drawId}.txt` }, t('witnessDownload'))),
        );
        own.value = '';
      })
      .catch((err: unknown) => {
        answer.dataset.outcome = 'refused';
        show(answer, h('p', { class: 'verdict' }, t('witnessRefused')), h('p', { class: 'reason' }, refusalReason(err)), err instanceof ApiError ? h('p', { class: 'code' }, t('errorCode', { code: err.code })) : null);
      })
      .finally(() => {
        secret.fill(0);
        submit.disabled = false;
      });
  });

  show(main, h('section', { class: 'card witness' }, h('h1', {}, t('witnessTitle')), h('p', {}, t('witnessIntro')), form, answer));
  project.focus();
}
