// Registering a project (POST /v1/projects): the parties, the bid opening, the region and venue, and the experts it
// needs per specialty group. The service checks everything; its refusal is shown above the button as it says it, and
// each refused field is marked with its reason under it. Only an empty required field is caught here, before sending.
import { api } from '../api';
import { field, h, show } from '../dom';
import { failureText, fieldIssues, fromLocalInput, localTime, withOffset } from '../format';
import { t } from '../i18n';

export function registerView(main: HTMLElement): void {
  const input = (name: string, attrs: Record<string, string | boolean> = {}) => h('input', { name, ...attrs });
  const id = input('id', { required: true, autocomplete: 'off', spellcheck: 'false' });
  const name = input('name', { autocomplete: 'off' });
  const tenderer = input('tenderer', { required: true, autocomplete: 'off', maxlength: '18', spellcheck: 'false' });
  const agency = input('agency', { autocomplete: 'off', maxlength: '18', spellcheck: 'false' });
  const opening = input('bidOpeningAt', { type: 'datetime-local', required: true });
  const region = input('region', { required: true, inputmode: 'numeric', maxlength: '6', autocomplete: 'off' });
  const venue = input('venue', { autocomplete: 'off' });
  // Bidders known at registration: the draw excludes their people (more can be added until the draw, on the project).
  const bidders = input('bidders', { autocomplete: 'off', spellcheck: 'false' });
  const lead = input('leadTimeMinutes', { type: 'number', min: '0', max: '2880', inputmode: 'numeric' });
  // Above the policy's minimum only: a witnessed draw is planned now, a beacon draw needs the relay (docs/policy.md).
  const assurance = h('select', { name: 'assurance' }, h('option', { value: '' }, t('assurancePolicy')), ...(['witnessed', 'beacon'] as const).map((a) => h('option', { value: a }, t(`assurance.${a}`))));

  const groups = h('div', { class: 'groups' });
  const groupRows: { specialty: HTMLInputElement; count: HTMLInputElement; row: HTMLElement }[] = [];
  const renumber = () => {
    groupRows.forEach((g, i) => {
      const labels = g.row.querySelectorAll('label > span');
      labels[0]!.textContent = t('fieldSpecialty', { n: i + 1 });
      labels[1]!.textContent = t('fieldCount', { n: i + 1 });
      const remove = g.row.querySelector('button')!;
      remove.textContent = t('removeGroup', { n: i + 1 });
      remove.hidden = groupRows.length === 1;
    });
  };
  const addGroup = () => {
    const specialty = h('input', { name: 'specialty', required: true, autocomplete: 'off', spellcheck: 'false' });
    const count = h('input', { name: 'count', type: 'number', min: '1', max: '99', required: true, value: '5', inputmode: 'numeric' });
    const entry = { specialty, count, row: h('div', { class: 'group' }) };
    entry.row.append(
      field('', specialty),
      field('', count),
      h('button', { type: 'button', class: 'link', onclick: () => {
        groupRows.splice(groupRows.indexOf(entry), 1);
        entry.row.remove();
        renumber();
      } }),
    );
    groupRows.push(entry);
    groups.append(entry.row);
    renumber();
    return entry;
  };
  addGroup();

  const alert = h('p', { class: 'alert', role: 'alert' });
  const done = h('p', { class: 'success', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('register'));
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    h('h1', {}, t('registerTitle')),
    h('div', { class: 'grid' }, field(t('fieldId'), id), field(t('fieldName'), name), field(t('fieldTenderer'), tenderer), field(t('fieldAgency'), agency), field(t('fieldOpening'), opening), field(t('fieldRegion'), region), field(t('fieldVenue'), venue), field(t('fieldLead'), lead), field(t('fieldAssurance'), assurance), field(t('fieldBidders'), bidders)),
    h('fieldset', {}, h('legend', {}, t('groupsLegend')), groups, h('button', { type: 'button', 'data-adds': 'specialty', onclick: () => addGroup().specialty.focus() }, t('addGroup'))),
    alert,
    done,
    submit,
  );
  /** The input a request path names: a top-level field by its name, or a group's specialty or count. */
  const inputAt = (path: string): HTMLInputElement | HTMLSelectElement | null => {
    const [top, index, leaf] = path.split('/').filter((s) => s !== '');
    if (top === 'groups' && index !== undefined && (leaf === 'specialty' || leaf === 'count')) return groupRows[Number(index)]?.[leaf] ?? null;
    return top === undefined ? null : form.querySelector<HTMLInputElement | HTMLSelectElement>(`.grid [name="${CSS.escape(top)}"]`);
  };
  /** Marks each field with its reason under it (aria-invalid, described by the reason); clears the marks first. */
  const markFields = (reasons: ReadonlyArray<{ path: string; message: string }>) => {
    form.querySelectorAll('.field-error').forEach((e) => e.remove());
    form.querySelectorAll('[aria-invalid]').forEach((e) => {
      e.removeAttribute('aria-invalid');
      e.removeAttribute('aria-describedby');
    });
    reasons.forEach((r, i) => {
      const input = inputAt(r.path);
      if (!input) return;
      let note = input.parentElement!.querySelector<HTMLElement>('.field-error');
      if (!note) {
        note = h('small', { class: 'field-error', id: `field-error-${i}` });
        input.after(note);
      }
      note.textContent = note.textContent ? `${note.textContent}${t('detailJoin')}${r.message}` : r.message;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', note.id);
    });
  };
  const required: ReadonlyArray<readonly [HTMLInputElement, string]> = [[id, '/id'], [tenderer, '/tenderer'], [opening, '/bidOpeningAt'], [region, '/region']];

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    show(alert);
    show(done);
    // Empty required fields are said here, by their labels: the service would name them in its own terms.
    const empty = [
      ...required.filter(([i]) => i.value.trim() === '').map(([, path]) => path),
      ...groupRows.flatMap((g, i) => [...(g.specialty.value.trim() === '' ? [`/groups/${i}/specialty`] : []), ...(g.count.value === '' ? [`/groups/${i}/count`] : [])]),
    ];
    if (empty.length > 0) {
      markFields(empty.map((path) => ({ path, message: t('fieldRequired') })));
      const labels = empty.map((path) => inputAt(path)!.parentElement!.querySelector('span')!.textContent);
      show(alert, t('fieldsMissing', { fields: labels.join(t('detailJoin')) }));
      inputAt(empty[0]!)!.focus();
      return;
    }
    markFields([]);
    // The centre's wall-clock time, whatever the terminal's zone.
    const at = fromLocalInput(opening.value);
    submit.disabled = true;
    api('post', '/v1/projects', {
      body: {
        id: id.value.trim(),
        tenderer: tenderer.value.trim(),
        agency: agency.value.trim() || null,
        // An empty or unreadable time goes as it is: the service's refusal names the field.
        bidOpeningAt: at ? withOffset(at) : opening.value,
        region: region.value.trim(),
        ...(name.value.trim() ? { name: name.value.trim() } : {}),
        ...(venue.value.trim() ? { venue: venue.value.trim() } : {}),
        ...(lead.value ? { leadTimeMinutes: Number(lead.value) } : {}),
        ...(assurance.value === 'witnessed' || assurance.value === 'beacon' ? { assurance: assurance.value } : {}),
        groups: groupRows.map((g) => ({ specialty: g.specialty.value.trim(), count: Number(g.count.value) })),
        ...(listed(bidders.value).length > 0 ? { bidders: listed(bidders.value) } : {}),
      },
      headers: { 'idempotency-key': crypto.randomUUID() },
    })
      .then((project) => {
        show(done, t('registered', { project: project.project.id, drawAt: localTime(project.drawAt) }), ' ', h('a', { href: `#/project/${encodeURIComponent(project.project.id)}` }, t('timeline')));
        // A new form: nothing of this project carries over to the next (an assurance level or groups kept unseen
        // made the next project witnessed, and its unattended draw failed for want of deposits).
        form.reset();
        while (groupRows.length > 1) groupRows.pop()!.row.remove();
        renumber();
        id.focus();
      })
      .catch((err: unknown) => {
        show(alert, failureText(err));
        markFields(fieldIssues(err));
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  show(main, form);
  id.focus();
}

/** Codes separated by commas, spaces or the Chinese comma and enumeration mark. */
function listed(text: string): string[] {
  return text
    .split(/[\s,，、;；]+/u)
    .map((c) => c.trim())
    .filter((c) => c !== '');
}
