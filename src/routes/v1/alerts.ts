// Monitoring and early warning (监测预警, docs/alerts.md) for supervisors and inspectors: declines clustered on a
// tenderer, pairs of experts seated together more often than chance, experts seated repeatedly for one agency, and a
// centre-wide drop in acceptance — each with the numbers that raised it and the policy's threshold. Over disclosed
// draws only; experts by pool id, never a name. And remote sites that cancel drawn projects (a rule over the log).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IsoDateTimeWithOffset } from '../../domain/primitives.js';
import { negotiateLanguage, type Lang } from '../../i18n/language.js';
import { msg } from '../../i18n/message.js';
import { errorResponses } from '../../schemas/common.js';
import type { Alert, Period } from '../../verify/alerts.js';

const Query = z
  .object({
    at: IsoDateTimeWithOffset.transform((s) => new Date(s).toISOString()).optional().describe('The time the windows end at (default now), with its offset'),
  })
  .strict();

const Tail = {
  message: z.string().describe('What the alert says, with its numbers, in the answer’s language'),
  pValue: z.number().describe('Chance of this or something more extreme if nothing were wrong'),
  adjusted: z.number().describe('That chance corrected for the number of tests (Šidák): 1 − (1 − p)^tests'),
  tests: z.number().describe('Tests this kind of alert made over the window (what `adjusted` is corrected for)'),
  alpha: z.number().describe('The policy’s threshold that `adjusted` fell below'),
};
const Draws = z.array(z.string()).describe('The disclosed draws that make up the observed count');
const ExpertRef = z.string().describe('Pool id of an expert (never a name)');

const PeriodView = z.object({
  from: z.string().describe('Start, ISO 8601 UTC (inclusive)'),
  to: z.string().describe('End, ISO 8601 UTC (exclusive)'),
  calls: z.int().describe('Calls of disclosed draws whose bid opening falls in the period'),
  accepted: z.int().describe('Of them, accepted'),
  rate: z.number().describe('accepted ÷ calls (0 without calls)'),
});

const AlertView = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('decline-cluster').describe('An expert’s declines concentrate on one tenderer'),
    expertId: ExpertRef,
    tenderer: z.string().describe('The tenderer (unified social credit code)'),
    calls: z.int().describe('The expert’s calls for this tenderer'),
    declines: z.int().describe('Of them, declined'),
    expertCalls: z.int().describe('All the expert’s calls in the window'),
    expertDeclines: z.int().describe('Of them, declined'),
    expected: z.number().describe('Declines expected for the tenderer at the expert’s overall rate'),
    draws: Draws,
    ...Tail,
  }),
  z.object({
    kind: z.literal('co-seating').describe('Two experts sit on the same panel more often than chance'),
    experts: z.array(ExpertRef).length(2).describe('The pair'),
    together: z.int().describe('Draws whose panel held both'),
    expected: z.number().describe('Expected of a random draw, from each draw’s eligible counts and seats'),
    trials: z.int().describe('Draws for which both were eligible'),
    draws: Draws,
    ...Tail,
  }),
  z.object({
    kind: z.literal('agency-repeat').describe('An expert is selected for one agency’s projects more often than chance'),
    expertId: ExpertRef,
    agency: z.string().describe('The tendering agency (unified social credit code)'),
    seated: z.int().describe('Times selected for the agency’s projects'),
    expected: z.number().describe('Expected of a random draw: the sum of seats ÷ eligible over those groups'),
    trials: z.int().describe('Groups of the agency’s draws for which the expert was eligible'),
    draws: Draws,
    ...Tail,
  }),
  z.object({
    kind: z.literal('acceptance-drop').describe('The centre’s acceptance of calls fell'),
    period: PeriodView.describe('The latest period'),
    baseline: PeriodView.describe('The trailing baseline before it'),
    drop: z.number().describe('baseline.rate − period.rate'),
    ...Tail,
  }),
  z.object({
    kind: z.literal('withdrawn-draws').describe('A remote site cancelled drawn projects (a rule, not a test of chance: no pValue)'),
    site: z.string().describe('The remote site'),
    withdrawn: z.int().describe('Its drawn projects cancelled in the last `days` days'),
    days: z.int().describe('The policy’s window for this rule'),
    min: z.int().describe('The policy’s count that raises the alert'),
    draws: z.array(z.string()).describe('The draws the cancellations withdrew, oldest first'),
    projects: z.array(z.string()).describe('Their projects, in the same order'),
    message: Tail.message,
  }),
]);

const Report = z.object({
  at: z.string().describe('The time the windows end at, ISO 8601 UTC'),
  window: z
    .object({ from: z.string().describe('Start (inclusive)'), to: z.string().describe('End (exclusive)'), draws: z.int().describe('Disclosed draws whose bid opening is in the window') })
    .describe('What declines, co-seating and agency repeats read'),
  tests: z
    .object({ declineCluster: z.number().describe('Expert–tenderer pairs tested'), coSeating: z.number().describe('Pairs of experts tested'), agencyRepeat: z.number().describe('Expert–agency pairs tested') })
    .describe('The tests each kind made'),
  acceptance: z
    .object({ period: PeriodView.describe('The latest period'), baseline: PeriodView.describe('The baseline'), pValue: z.number().describe('One-sided Fisher exact test of a lower acceptance in the period') })
    .describe('The acceptance figures, whether or not they raised an alert'),
  policy: z.record(z.string(), z.unknown()).describe('The `alerts` section of the policy in force (thresholds and windows)'),
  alerts: z.array(AlertView).describe('The alerts, most surprising first within each kind'),
  unverified: z.array(z.string()).describe('Disclosed draws left out because their proof did not verify (should be none)'),
  unattributed: z.int().describe('Call records left out because they did not match the expert at their rank (should be none)'),
});

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const num = (x: number) => (Math.round(x * 10) / 10).toString();

/** What an alert says, in `lang`. */
function message(a: Alert, lang: Lang, policy: { periodDays: number; baselineDays: number }): string {
  switch (a.kind) {
    case 'decline-cluster':
      return msg('alerts.declineCluster', { expert: a.expertId, tenderer: a.tenderer, calls: a.calls, declines: a.declines, expertCalls: a.expertCalls, expertDeclines: a.expertDeclines, expected: num(a.expected) }).text(lang);
    case 'co-seating':
      return msg('alerts.coSeating', { a: a.experts[0], b: a.experts[1], together: a.together, trials: a.trials, expected: num(a.expected) }).text(lang);
    case 'agency-repeat':
      return msg('alerts.agencyRepeat', { expert: a.expertId, agency: a.agency, seated: a.seated, trials: a.trials, expected: num(a.expected) }).text(lang);
    case 'acceptance-drop': {
      const p: Period = a.period;
      const b: Period = a.baseline;
      return msg('alerts.acceptanceDrop', { periodDays: policy.periodDays, rate: pct(p.rate), calls: p.calls, accepted: p.accepted, baselineDays: policy.baselineDays, baselineRate: pct(b.rate), baselineCalls: b.calls, baselineAccepted: b.accepted }).text(lang);
    }
    case 'withdrawn-draws':
      return msg('alerts.withdrawnDraws', { site: a.site, withdrawn: a.withdrawn, days: a.days, min: a.min }).text(lang);
  }
}

/** An alert as the API shows it: its fields and its message. */
function view(a: Alert, message: string): z.infer<typeof AlertView> {
  if (a.kind === 'acceptance-drop') return { ...a, message };
  if (a.kind === 'co-seating') return { ...a, experts: [...a.experts], draws: [...a.draws], message };
  if (a.kind === 'withdrawn-draws') return { ...a, draws: [...a.draws], projects: [...a.projects], message };
  return { ...a, draws: [...a.draws], message };
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const { alerts } = app.ctx;

  app.get(
    '/alerts',
    {
      config: { access: 'alert.read' },
      schema: {
        summary: 'Early-warning alerts over the disclosed draws',
        description:
          'Declines clustered on a tenderer, pairs of experts seated together more often than chance, experts selected repeatedly for one agency, and a centre-wide drop in acceptance; each with the numbers that raised it and the policy’s threshold (docs/alerts.md). Only disclosed draws whose proof verifies count: a draw still sealed names nobody. Besides these tests of chance, one rule: a remote site that cancelled the policy’s number of drawn projects in its window (`withdrawn-draws`).',
        tags: ['log'],
        querystring: Query,
        response: { 200: Report, ...errorResponses('LOG_MISMATCH') },
      },
    },
    async (request) => {
      const lang = negotiateLanguage(request.headers['accept-language']);
      const r = await alerts.report(request.query);
      return { ...r, policy: { ...r.policy }, unverified: [...r.unverified], alerts: r.alerts.map((a) => view(a, message(a, lang, r.policy.acceptanceDrop))) };
    },
  );
};
export default routes;
