// Importing a pool file (POST /v1/experts/import, mode=upsert): the file is first sent as a dry run, which stores
// nothing and answers either what it would add, change and retire, or every bad row by line and field. Only after a
// clean dry run of the very same bytes may the person import it. The report shows the errors only, a page at a time,
// so that a 100,000-row file never becomes 100,000 elements.
import { api, ApiError, type ApiAnswer } from '../api';
import { h, show } from '../dom';
import { failureText, fieldPath, FILE_NAMES } from '../format';
import { t, textOr } from '../i18n';
import { ERRORS_PER_PAGE } from '../settings';
import { personalFieldsText } from './pool-shared';

/** Changed experts listed after a dry run (the counts are always complete). */
const CHANGED_SHOWN = 50;

interface RowError {
  readonly line: number;
  readonly field?: string;
  readonly code: string;
  readonly message: string;
}

type Report = ApiAnswer<'/v1/experts/import', 'post'>;

/** The content type the API takes for a file, from its name (or the browser's type); null when it takes none. */
function contentType(file: File): string | null {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv') || file.type === 'text/csv') return 'text/csv; charset=utf-8';
  if (/\.(jsonl|ndjson)$/.test(name) || file.type === 'application/x-ndjson') return 'application/x-ndjson';
  return null;
}

/** Whether bytes are UTF-8 text. */
function isUtf8(bytes: ArrayBuffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Lines of a file, counted chunk by chunk so that a large file does not hold the page. */
async function countLines(blob: Blob): Promise<number> {
  const reader = blob.stream().getReader();
  let lines = 0;
  let last = 10;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
    if (value.length > 0) last = value[value.length - 1]!;
  }
  return last === 10 ? lines : lines + 1;
}

/** A refused file's errors as the answer lists them (the first 1,000 by line), and how many it has in all. */
const rowErrors = (err: unknown): { errors: RowError[]; count: number } | null => {
  if (!(err instanceof ApiError) || err.code !== 'IMPORT_REJECTED') return null;
  const details = err.details as { errors?: RowError[]; errorCount?: number } | undefined;
  const errors = details?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return null;
  return { errors, count: typeof details?.errorCount === 'number' ? Math.max(details.errorCount, errors.length) : errors.length };
};

export function poolImportView(root: HTMLElement, canWrite: boolean): void {
  if (!canWrite) return show(root, h('p', { class: 'alert', role: 'alert' }, t('noAccess')));
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.jsonl,.ndjson,text/csv,application/x-ndjson' });
  const retire = h('input', { type: 'checkbox', name: 'retireMissing' });
  const check = h('button', { type: 'submit', class: 'primary' }, t('importCheck'));
  const commit = h('button', { type: 'button', disabled: true }, t('importCommit'));
  const progress = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const alert = h('p', { class: 'alert', role: 'alert' });
  const report = h('div', { class: 'import-report' });

  /** The bytes that passed the dry run, and how: the import sends exactly these. */
  let checked: { bytes: Blob; type: string; name: string; lines: number; retire: boolean; retireCount: number; poolVersion: number } | null = null;
  const reset = () => {
    checked = null;
    commit.disabled = true;
    show(alert);
    show(report);
    show(progress);
  };
  file.addEventListener('change', reset);
  retire.addEventListener('change', reset);

  const working = (text: string) => show(progress, h('progress', { 'aria-label': text }), ' ', text);
  const busy = (on: boolean) => {
    check.disabled = on;
    file.disabled = on;
    retire.disabled = on;
    if (on) commit.disabled = true;
    progress.setAttribute('aria-busy', String(on));
  };

  const form = h(
    'form',
    { class: 'card', novalidate: true },
    h('h1', {}, t('importTitle')),
    h('p', { class: 'sub' }, t('importHint')),
    h('label', { class: 'field' }, h('span', {}, t('importFile')), file),
    h('label', { class: 'check' }, retire, h('span', {}, t('importRetire'))),
    h('div', { class: 'buttons start' }, check, commit),
    progress,
    alert,
    report,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    reset();
    const chosen = file.files?.[0];
    if (!chosen) return void show(alert, t('importNoFile'));
    const type = contentType(chosen);
    if (!type) return void show(alert, t('importBadType'));
    busy(true);
    void (async () => {
      const withRetire = retire.checked;
      try {
        // Held in memory once: the file on disk may change between the check and the import; these bytes do not.
        const raw = await chosen.arrayBuffer();
        // A CSV that is not UTF-8 is what Excel on a Chinese Windows saves: GBK, which the service reads as GB18030
        // when told so. Said on the page, so that garbled names would be noticed in the check.
        const gbk = type.startsWith('text/csv') && !isUtf8(raw);
        const sentAs = gbk ? 'text/csv; charset=gb18030' : type;
        const bytes = new Blob([raw], { type: sentAs });
        const lines = await countLines(bytes);
        working(t('importChecking', { file: chosen.name, lines }));
        const answer = await api('post', '/v1/experts/import', { query: { mode: 'upsert', dryRun: 'true', retireMissing: withRetire ? 'true' : 'false' }, file: { body: bytes, type: sentAs } });
        show(progress, gbk ? t('importReadAsGbk') : '');
        showDiff(report, answer, withRetire);
        // The import confirms the number of experts the check found it would retire (refused if the pool moved since).
        checked = { bytes, type: sentAs, name: chosen.name, lines, retire: withRetire, retireCount: answer.upsert?.missing.length ?? 0, poolVersion: answer.poolVersion };
      } catch (err) {
        show(progress);
        const errors = rowErrors(err);
        if (errors) showErrors(report, errors.errors, errors.count);
        else show(alert, failureText(err));
      } finally {
        busy(false);
        commit.disabled = checked === null;
      }
    })();
  });

  commit.addEventListener('click', () => {
    const go = checked;
    if (!go) return;
    busy(true);
    working(t('importCommitting', { file: go.name, lines: go.lines }));
    api('post', '/v1/experts/import', { query: { mode: 'upsert', dryRun: 'false', retireMissing: go.retire ? 'true' : 'false', ...(go.retire ? { retireCount: String(go.retireCount), poolVersion: String(go.poolVersion) } : {}) }, file: { body: go.bytes, type: go.type }, headers: { 'idempotency-key': crypto.randomUUID() } })
      .then((answer) => {
        const u = answer.upsert;
        const retired = u?.retired ? u.missing.length : 0;
        show(report);
        const held = u?.held.length ?? 0;
        const done = answer.imported + retired === 0 ? (held === 0 ? t('importNothing') : '') : t('importDone', { imported: answer.imported, added: u?.added.length ?? 0, changed: u?.changed.length ?? 0, retired, version: answer.poolVersion });
        show(progress, h('span', { class: 'success', 'data-imported': answer.imported }, [done, held === 0 ? '' : t('importHeldDone', { n: held })].filter((x) => x !== '').join(' ')));
        // Imported: another import of the file needs another check.
        checked = null;
      })
      .catch((err: unknown) => {
        show(progress);
        const errors = rowErrors(err);
        // The pool moved since the check (another import): the same rows can now be bad; shown as a check shows them.
        if (errors) showErrors(report, errors.errors, errors.count);
        else show(alert, failureText(err));
        checked = null;
      })
      .finally(() => {
        busy(false);
        commit.disabled = true;
      });
  });

  show(root, form);
  file.focus();
}

function showDiff(report: HTMLElement, answer: Report, retire: boolean): void {
  const u = answer.upsert;
  if (!u) return show(report);
  const changed = u.changed.slice(0, CHANGED_SHOWN);
  const held = u.held.slice(0, CHANGED_SHOWN);
  show(
    report,
    h('p', { class: 'success' }, t('importClean')),
    h(
      'ul',
      { class: 'diff' },
      h('li', { 'data-count': 'added' }, t('importAdded', { n: u.added.length })),
      h('li', { 'data-count': 'changed' }, t('importChanged', { n: u.changed.length })),
      // Only when there are any: a change of name, phone or ID number waits for a second person (信息变更审批).
      u.held.length > 0 ? h('li', { 'data-count': 'held' }, t('importHeld', { n: u.held.length })) : null,
      h('li', { 'data-count': 'unchanged' }, t('importUnchanged', { n: u.unchanged })),
      h('li', { 'data-count': 'missing' }, t(retire ? 'importMissingRetire' : 'importMissingKept', { n: u.missing.length })),
    ),
    changed.length > 0
      ? h('details', {}, h('summary', {}, t('importChangedList', { shown: changed.length, count: u.changed.length })), h('ul', { class: 'plain' }, ...changed.map((c) => h('li', {}, h('code', {}, c.id), ': ', c.changes.join(', ')))))
      : null,
    held.length > 0
      ? h('details', {}, h('summary', {}, t('importHeldList', { shown: held.length, count: u.held.length })), h('ul', { class: 'plain' }, ...held.map((c) => h('li', {}, h('code', {}, c.id), ': ', personalFieldsText(c.fields)))))
      : null,
    h('p', {}, t('importReady')),
  );
}

/**
 * A bad row's field by its names as well as its path: a CSV column by its header (地区（region）), a JSON line's path
 * step by step (关联关系 › 第 2 项 › 职务（relations.1.role）). A path naming no known field stays as it is.
 */
function fieldText(field: string | undefined): string {
  if (field === undefined) return '—';
  const label = fieldPath(field, FILE_NAMES);
  return label === null ? field : t('importField', { label, field });
}

/** The bad rows, a page at a time: line, field, the service's reason (in the console's language) and its code. */
/** The errors listed, a page at a time; `count` is how many the file has (more than listed when the answer cut them). */
function showErrors(report: HTMLElement, errors: readonly RowError[], count: number): void {
  let page = 0;
  const pages = Math.ceil(errors.length / ERRORS_PER_PAGE);
  const tbody = h('tbody');
  const where = h('span', { class: 'status' });
  const prev = h('button', { type: 'button', onclick: () => draw(page - 1) }, t('prevPage'));
  const next = h('button', { type: 'button', onclick: () => draw(page + 1) }, t('nextPage'));
  const draw = (p: number) => {
    page = Math.max(0, Math.min(pages - 1, p));
    const from = page * ERRORS_PER_PAGE;
    const shown = errors.slice(from, from + ERRORS_PER_PAGE);
    tbody.replaceChildren(...shown.map((e) => h('tr', { 'data-line': e.line }, h('td', {}, e.line), h('td', {}, fieldText(e.field)), h('td', {}, e.message), h('td', {}, h('code', {}, e.code)))));
    where.textContent = t('errorsPage', { from: from + 1, to: from + shown.length, count: errors.length });
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  };
  show(
    report,
    h('p', { class: 'alert', role: 'alert' }, t('importRejected', { count }), count > errors.length ? ` ${t('importErrorsCut', { listed: errors.length })}` : ''),
    h('table', { class: 'import-errors' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('colLine')), h('th', { scope: 'col' }, t('colField')), h('th', { scope: 'col' }, t('colReason')), h('th', { scope: 'col' }, t('colCode')))), tbody),
    pages > 1 ? h('div', { class: 'pager' }, prev, where, next) : where,
  );
  draw(0);
}
