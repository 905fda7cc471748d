// App decorators: configuration, keys, store, audit log and clock, shared by every route and service.
import type { ServiceLog } from '../../audit/entries.js';
import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import type { InstanceKeys } from '../../instance-keys.js';
import type { PersonalDataVault } from '../../crypto/personal-data.js';
import type { DrawService } from '../../services/draw.service.js';
import type { DisclosureService } from '../../services/disclosure.service.js';
import type { PoolService } from '../../services/pool.service.js';
import type { IdMatchAllowance } from '../../services/id-matches.js';
import type { LifecycleService } from '../../services/lifecycle.service.js';
import type { ExchangeService } from '../../services/exchange.service.js';
import type { ProjectService } from '../../services/project.service.js';
import type { Scheduler } from '../../services/scheduler.js';
import type { CallWorker } from '../../services/call-worker.js';
import type { OutboxService } from '../../services/outbox.service.js';
import type { RosterService } from '../../services/roster.service.js';
import type { SiteService } from '../../services/site.service.js';
import type { SessionService } from '../../services/session.service.js';
import type { UserService } from '../../services/user.service.js';
import type { ListingService } from '../../services/listing.service.js';
import type { TimelineService } from '../../services/timeline.service.js';
import type { LogReader } from '../../services/log-reader.js';
import type { FairnessService } from '../../services/fairness.service.js';
import type { AlertsService } from '../../services/alerts.service.js';
import type { Readiness } from '../../services/readiness.js';
import type { PerformanceService } from '../../services/performance.service.js';
import type { RulesService } from '../../services/rules.service.js';
import type { RecordLinkService } from '../../services/record-link.service.js';
import type { ServiceMetrics } from '../../metrics/metrics.js';
import type { Store } from '../../store/store.js';

export interface AppContext {
  readonly config: Config;
  readonly keys: InstanceKeys;
  readonly store: Store;
  readonly auditLog: ServiceLog;
  readonly vault: PersonalDataVault;
  readonly pool: PoolService;
  /** Admission, re-confirmation and exit (docs/admission.md). */
  readonly lifecycle: LifecycleService;
  /** How many ID numbers of bulk files each person may be told are already held (src/services/id-matches.ts). */
  readonly idMatches: IdMatchAllowance;
  /** Signed exchange of records with other centres (docs/exchange.md). */
  readonly exchange: ExchangeService;
  readonly projects: ProjectService;
  readonly draws: DrawService;
  /** Disclosure, proofs and sealed copies of drawn results. */
  readonly disclosure: DisclosureService;
  readonly scheduler: Scheduler;
  readonly roster: RosterService;
  readonly outbox: OutboxService;
  readonly calls: CallWorker;
  readonly sites: SiteService;
  /** Staff accounts, and their login sessions. */
  readonly users: UserService;
  readonly sessions: SessionService;
  /** Projects and draws listed in order, fed from the log. */
  readonly listings: ListingService;
  /** A project's story from its log entries. */
  readonly timeline: TimelineService;
  /** The inspector's view of the log: checkpoints, proofs, entries. */
  readonly logReader: LogReader;
  readonly fairness: FairnessService;
  /** Experts' performance records: entered conduct, a draw's records, an expert's record. */
  readonly performance: PerformanceService;
  /** Early-warning alerts over the disclosed draws (docs/alerts.md). */
  readonly alerts: AlertsService;
  /** Rules that turn disclosed records into consequences, and objections against them (docs/records.md). */
  readonly rules: RulesService;
  /** Links to the expert's own record page, sent through the call channel (docs/records.md). */
  readonly recordLinks: RecordLinkService;
  /** Whether this instance may take traffic (GET /readyz). */
  readonly readiness: Readiness;
  /** Prometheus metrics, served on their own port (src/metrics/metrics-server.ts). */
  readonly metrics: ServiceMetrics;
  /** Current time in ms; tests drive it. */
  readonly now: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
}

export default fp<{ context: AppContext }>(
  async (app, { context }) => {
    app.decorate('ctx', context);
  },
  { name: 'context', fastify: '5.x' },
);
