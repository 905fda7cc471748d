// The inspector's screen: a disclosed draw's proof bundle, fetched from the service or loaded from a file, verified in
// this browser by the same verifier as `expert-draw proof verify` (a separate chunk, loaded here only), against a
// verifier key the inspector pins. The service is trusted for nothing: it hands out bytes, the browser checks them.
import type { InspectBundle, InspectCheck, InspectReport } from '../../../src/verify/inspect-types';
import { api, serverNow } from '../api';
import { CHECK_TITLES_ZH, TRUST_ZH } from '../../../src/i18n/check-titles';
import { field, h, show } from '../dom';
import { failureText, localTime, startOfDay, withOffset } from '../format';
import { lang, t, type TextKey } from '../i18n';

const KEY_STORED = 'expert-draw.verifier-key';
/** The picker: the newest PICK_LIMIT disclosed draws of the last PICK_DAYS days, read in at most PICK_PAGES pages. */
const PICK_LIMIT = 100;
const PICK_DAYS = 365;
const PICK_PAGES = 10;

let verifier: Promise<InspectBundle> | null = null;
/** The verifier chunk, loaded once, on this screen only. */
const loadVerifier = (): Promise<InspectBundle> => {
  verifier ??= import('virtual:proof-verifier').then((m) => m.inspectBundle);
  verifier.catch(() => {
    verifier = null;
  });
  return verifier;
};

const STATUS_TEXT: Record<InspectCheck['status'], TextKey> = {
  pass: 'inspectPass',
  fail: 'inspectFail',
  unverifiable: 'inspectUnverifiable',
  skipped: 'inspectSkipped',
};

export function inspectView(main: HTMLElement, initialDraw: string): void {
  void loadVerifier().catch(() => undefined);
  // The key the inspector pins; kept in this browser (it is public), never taken from the service.
  const key = h('textarea', { name: 'verifierKey', rows: 2, spellcheck: 'false', autocomplete: 'off', class: 'mono' });
  key.value = localStorage.getItem(KEY_STORED) ?? '';
  const keyFile = h('input', { type: 'file', name: 'verifierKeyFile', accept: '.vkey,.txt,text/plain' });
  const drawSelect = h('select', { name: 'drawId' });
  const drawId = h('input', { name: 'drawIdText', autocomplete: 'off', spellcheck: 'false', value: initialDraw, placeholder: 'D-…' });
  const bundleFile = h('input', { type: 'file', name: 'bundleFile', accept: '.json,application/json' });
  const alert = h('p', { class: 'alert', role: 'alert' });
  const status = h('p', { class: 'status', role: 'status' });
  const out = h('div', { class: 'inspect-report' });
  const fetchButton = h('button', { type: 'submit', class: 'primary' }, t('inspectFetch'));

  keyFile.addEventListener('change', () => {
    const file = keyFile.files?.[0];
    // Emptied, so that choosing the same file again reads it again.
    keyFile.value = '';
    if (file) file.text().then((text) => ((key.value = text.trim()), remember())).catch((err: unknown) => show(alert, failureText(err)));
  });
  const remember = () => localStorage.setItem(KEY_STORED, key.value.trim());
  key.addEventListener('change', remember);
  drawSelect.addEventListener('change', () => (drawId.value = drawSelect.value));

  /** Verifies parsed JSON; the report replaces the previous one. */
  async function verify(bundle: unknown, source: string): Promise<void> {
    show(alert);
    show(out);
    const pinned = key.value.trim();
    if (!pinned) {
      // Nothing runs without the key: a fetch's "fetching" line is over too.
      status.textContent = '';
      show(alert, t('inspectNeedsKey'));
      key.focus();
      return;
    }
    remember();
    status.textContent = t('inspectLoading');
    try {
      const inspect = await loadVerifier();
      status.textContent = t('inspectWorking');
      // One frame for the status to show before the work, which runs on this thread.
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      let report: InspectReport;
      try {
        report = inspect(bundle, pinned);
      } catch (err) {
        // The reader's words first; the verifier's own (English, as the command line prints it) for whoever checks.
        show(alert, t('inspectBadKey'), ' ', h('code', { lang: 'en' }, failureText(err)));
        status.textContent = '';
        key.focus();
        return;
      }
      status.textContent = '';
      show(out, reportView(report, source));
      // The report is what the inspector came for: brought into view, its heading focused for screen readers.
      out.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true });
      out.scrollIntoView({ block: 'start' });
    } catch (err) {
      status.textContent = '';
      show(alert, t('inspectNoVerifier', { reason: failureText(err) }));
    }
  }

  const fromService = h('form', { class: 'inspect-source', novalidate: true }, field(t('inspectPick'), drawSelect), field(t('inspectDrawId'), drawId), fetchButton);
  fromService.addEventListener('submit', (event) => {
    event.preventDefault();
    show(alert);
    const id = drawId.value.trim();
    if (!id) return void show(alert, t('inspectNeedsDraw'));
    fetchButton.disabled = true;
    status.textContent = t('inspectFetching');
    api('get', '/v1/draws/{id}/proof', { params: { id } })
      .then((bundle) => verify(bundle, t('inspectFromService', { drawId: id })))
      .catch((err: unknown) => {
        status.textContent = '';
        show(alert, failureText(err));
      })
      .finally(() => (fetchButton.disabled = false));
  });

  bundleFile.addEventListener('change', () => {
    const file = bundleFile.files?.[0];
    bundleFile.value = '';
    if (!file) return;
    file.text().then((text) => {
      let bundle: unknown;
      try {
        bundle = JSON.parse(text);
      } catch {
        show(out);
        return void show(alert, t('inspectNotJson', { file: file.name }));
      }
      return verify(bundle, t('inspectFromFile', { file: file.name }));
    }).catch((err: unknown) => show(alert, failureText(err)));
  });

  show(
    main,
    h(
      'section',
      { class: 'card wide inspect' },
      h('h1', {}, t('inspectTitle')),
      h('p', {}, t('inspectIntro')),
      h('fieldset', {}, h('legend', {}, t('inspectKeyLegend')), h('label', { class: 'field' }, h('span', {}, t('inspectKey')), key), field(t('inspectKeyFile'), keyFile), h('p', { class: 'notice' }, t('inspectKeyTrust'))),
      h('div', { class: 'grid inspect-sources' }, h('fieldset', {}, h('legend', {}, t('inspectFromServiceLegend')), fromService), h('fieldset', {}, h('legend', {}, t('inspectFromFileLegend')), field(t('inspectBundleFile'), bundleFile), h('p', { class: 'sub' }, t('inspectFileHint')))),
      alert,
      status,
      out,
    ),
  );
  (key.value ? drawSelect : key).focus();
  void fillPicker(drawSelect, drawId);
}

/**
 * The disclosed draws among those of the last PICK_DAYS (a draw is disclosed once its reveal is logged, after the
 * award), newest first. The listing runs oldest first, so it is read to its end, a bounded number of pages.
 */
async function fillPicker(select: HTMLSelectElement, drawId: HTMLInputElement): Promise<void> {
  show(select, h('option', { value: '' }, t('loading')));
  try {
    const disclosed: { drawId: string; projectId: string; createdAt: string }[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < PICK_PAGES; page++) {
      const answer = await api('get', '/v1/draws', { query: { state: 'drawn', from: withOffset(startOfDay(serverNow(), -PICK_DAYS)), limit: 500, ...(cursor ? { cursor } : {}) } });
      disclosed.push(...answer.items.filter((d) => d.revealIndex !== undefined));
      if (answer.next === null) break;
      cursor = answer.next;
    }
    const newest = disclosed.reverse().slice(0, PICK_LIMIT);
    show(
      select,
      h('option', { value: '' }, newest.length ? t('inspectPickOne') : t('inspectNoneDisclosed')),
      newest.map((d) => h('option', { value: d.drawId, ...(d.drawId === drawId.value ? { selected: true } : {}) }, `${d.projectId} · ${d.drawId} · ${localTime(d.createdAt)}`)),
    );
  } catch (err) {
    show(select, h('option', { value: '' }, failureText(err)));
  }
}

function checkTitle(c: InspectCheck): string {
  return lang() === 'zh-CN' ? (CHECK_TITLES_ZH[c.id] ?? c.title) : c.title;
}

function reportView(report: InspectReport, source: string): HTMLElement {
  const failed = report.checks.filter((c) => c.status !== 'pass').map((c) => c.id);
  const verdict = report.ok
    ? h('p', { class: 'verdict ok', 'data-verdict': 'ok' }, t('inspectOk', { n: report.checks.length }))
    : h('p', { class: 'verdict bad', 'data-verdict': 'not-verified' }, t('inspectNotVerified', { ids: failed.join(', ') }));
  const assurance = report.assurance
    ? h('div', { class: 'assurance' }, h('p', {}, h('strong', {}, t(`assurance.${report.assurance}`))), h('p', {}, t(`inspectMeans.${report.assurance}`)))
    : h('p', { class: 'sub' }, t('inspectNoAssurance'));
  const checkpoints = report.checkpoints.length
    ? h(
        'dl',
        { class: 'checkpoint' },
        report.checkpoints.flatMap((cp) => [h('dt', {}, t('inspectOrigin')), h('dd', {}, cp.origin), h('dt', {}, t('inspectTreeSize')), h('dd', {}, String(cp.size)), h('dt', {}, t('inspectRoot')), h('dd', { class: 'mono' }, cp.root)]),
      )
    : h('p', { class: 'alert' }, t('inspectNoCheckpoint'));
  return h(
    'section',
    { class: 'report', 'aria-labelledby': 'inspect-result' },
    h('h2', { id: 'inspect-result', tabindex: '-1' }, report.drawId ? t('inspectResultOf', { drawId: report.drawId }) : t('inspectResult')),
    verdict,
    h('p', { class: 'sub' }, source, report.projectId ? ` · ${t('inspectProject', { project: report.projectId })}` : '', ' · ', t('inspectKeyUsed', { name: report.key.name, keyId: report.key.keyId })),
    h('h3', {}, t('inspectCheckpoint')),
    checkpoints,
    h('h3', {}, t('inspectAssurance')),
    assurance,
    h('h3', {}, t('inspectChecks')),
    h(
      'table',
      { class: 'checks' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('inspectColStatus')), h('th', { scope: 'col' }, t('inspectColCheck')), h('th', { scope: 'col' }, t('inspectColDetail')))),
      h(
        'tbody',
        {},
        report.checks.map((c) =>
          h(
            'tr',
            { 'data-check': c.id, 'data-status': c.status },
            h('td', {}, h('span', { class: `badge ${c.status}` }, t(STATUS_TEXT[c.status]))),
            h('td', {}, h('code', {}, c.id), h('div', { class: 'sub' }, checkTitle(c))),
            // The verifier's details are English, as the command prints them.
            h('td', { class: 'detail', lang: 'en' }, c.detail),
          ),
        ),
      ),
    ),
    h('h3', {}, t('inspectTrust')),
    h(
      'ul',
      { class: 'trust' },
      report.notChecked.map((n) => {
        // In Chinese by id where the table has it; an item it lacks stays in the verifier's English, marked so.
        const zh = lang() === 'zh-CN' ? TRUST_ZH[n.id] : undefined;
        return h('li', zh ? {} : { lang: 'en' }, h('code', {}, n.id), zh ? `：${zh.what}；${zh.why}` : `: ${n.what}; ${n.why}`);
      }),
    ),
  );
}
