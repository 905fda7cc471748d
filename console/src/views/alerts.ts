// The early-warning screen (supervisors and inspectors; docs/alerts.md): GET /v1/alerts — the window and the draws it
// counted, the centre's acceptance against its baseline, and each alert with its sentence, its corrected chance and the
// policy's threshold, and the draws behind it; a remote site's cancelled drawn projects with the rule that raised it. Experts by pool id only, as the service answers.
import { api } from '../api';
import { h, show } from '../dom';
import { failureText, localTime } from '../format';
import { t } from '../i18n';

const KIND_LABEL = {
  'decline-cluster': 'alertKindDeclineCluster',
  'co-seating': 'alertKindCoSeating',
  'agency-repeat': 'alertKindAgencyRepeat',
  'acceptance-drop': 'alertKindAcceptanceDrop',
  'withdrawn-draws': 'alertKindWithdrawnDraws',
} as const;

/** A small chance as people read it: 3.2 × 10⁻⁹. */
function chance(p: number): string {
  if (p >= 0.001 || p === 0) return String(Math.round(p * 10_000) / 10_000);
  const [m, e] = p.toExponential(1).split('e');
  return `${m} × 10^${Number(e)}`;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** `#/alerts`. */
export function alertsView(main: HTMLElement): void {
  const body = h('div', {}, t('loading'));
  show(main, h('section', { class: 'card wide' }, h('h1', {}, t('alertsTitle')), h('p', {}, t('alertsIntro')), body));
  api('get', '/v1/alerts')
    .then((r) => {
      const a = r.acceptance;
      show(
        body,
        h('p', { class: 'alerts-window' }, t('alertsWindow', { from: localTime(r.window.from).slice(0, 10), to: localTime(r.window.to).slice(0, 10), draws: r.window.draws })),
        // With no calls before the period there is nothing to compare with: said so, not as a rate of 0.0 %.
        h('p', { class: 'alerts-acceptance' }, a.baseline.calls === 0 ? t('alertsAcceptanceNoBaseline', { rate: pct(a.period.rate), calls: a.period.calls }) : t('alertsAcceptance', { rate: pct(a.period.rate), calls: a.period.calls, baselineRate: pct(a.baseline.rate), baselineCalls: a.baseline.calls })),
        r.unverified.length > 0 ? h('p', { class: 'alert', role: 'alert' }, t('alertsUnverified', { draws: r.unverified.join(', ') })) : null,
        r.alerts.length === 0
          ? h('p', { class: 'alerts-none' }, t('alertsNone'))
          : h(
              'table',
              { class: 'alerts' },
              h('thead', {}, h('tr', {}, ...(['colAlertKind', 'colAlertSays', 'colAlertChance', 'colAlertDraws'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
              h(
                'tbody',
                {},
                ...r.alerts.map((x) =>
                  h(
                    'tr',
                    { 'data-kind': x.kind },
                    h('td', {}, t(KIND_LABEL[x.kind])),
                    h('td', { class: 'detail' }, x.message),
                    h('td', {}, x.kind === 'withdrawn-draws' ? t('alertRule', { min: x.min, days: x.days }) : t('alertChance', { adjusted: chance(x.adjusted), alpha: String(x.alpha), tests: x.tests })),
                    h('td', { class: 'detail' }, 'draws' in x ? h('span', { title: x.draws.join('\n') }, t('alertDraws', { count: x.draws.length, first: x.draws.slice(0, 3).join(', ') })) : '–'),
                  ),
                ),
              ),
            ),
      );
    })
    .catch((err: unknown) => show(body, h('p', { class: 'alert', role: 'alert' }, failureText(err))));
}
