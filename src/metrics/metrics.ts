// Prometheus metrics of one instance, in a registry of its own (prom-client). Every label is a closed set — draw kinds,
// outcomes (error codes), delivery outcomes, states — never a project, draw or expert id, a name, a phone or a token.
// Counters and histograms are fed by the services as things happen; gauges are read when Prometheus scrapes.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ERROR_STATUS } from '../errors.js';
import type { DrawOutcome } from '../services/draw.service.js';

/** What the gauges read at scrape time. */
export interface MetricsSources {
  readonly logSize: () => number;
  readonly logSelfCheckOk: () => boolean;
  /** The latest checkpoint this instance signed or loaded: entries it covers and when (ms since the epoch). */
  readonly checkpoint: () => { readonly size: number; readonly at: number };
  readonly leasesHeld: () => number;
  readonly outbox: () => Promise<{ readonly pending: number; readonly due: number }>;
  readonly ready: () => Promise<boolean>;
}

/** Projects waiting for an operator's decision, by why (missed, failed, unfilled seats before the opening). */
export type DecisionCounts = () => Promise<{ readonly missed: number; readonly failed: number; readonly unfilled: number }>;

export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly drawSeconds: Histogram<'kind'>;
  private readonly draws: Counter<'kind' | 'outcome'>;
  private readonly lag: Histogram;
  private readonly deliveries: Counter<'outcome'>;
  private readonly rejections: Counter<'code'>;
  private processMetrics = false;

  constructor() {
    const registers = [this.registry];
    this.drawSeconds = new Histogram({
      name: 'expert_draw_draw_duration_seconds',
      help: 'Time from claiming a draw to its durable result (or its failure), by kind (immediate, scheduled)',
      labelNames: ['kind'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.draws = new Counter({ name: 'expert_draw_draws_total', help: 'Draws by kind and outcome: drawn, or the error code that stopped them', labelNames: ['kind', 'outcome'], registers });
    this.lag = new Histogram({
      name: 'expert_draw_scheduler_lag_seconds',
      help: 'How late scheduled draws started after they were due',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900],
      registers,
    });
    this.deliveries = new Counter({ name: 'expert_draw_call_deliveries_total', help: 'Call delivery attempts: sent, retried (will be tried again) or failed (given up)', labelNames: ['outcome'], registers });
    this.rejections = new Counter({ name: 'expert_draw_rejected_requests_total', help: 'HTTP requests answered with an error, by its stable code', labelNames: ['code'], registers });
  }

  drawEnded(kind: 'immediate' | 'scheduled', outcome: DrawOutcome, seconds: number): void {
    this.drawSeconds.observe({ kind }, seconds);
    this.draws.inc({ kind, outcome });
  }

  /** A scheduled draw starts `seconds` after it was due. */
  drawStarted(lagSeconds: number): void {
    this.lag.observe(Math.max(0, lagSeconds));
  }

  delivered(report: { readonly sent: number; readonly retried: number; readonly failed: number }): void {
    for (const outcome of ['sent', 'retried', 'failed'] as const) if (report[outcome] > 0) this.deliveries.inc({ outcome }, report[outcome]);
  }

  /** An HTTP error answer; codes outside the closed set count as INTERNAL (a label never carries free text). */
  rejected(code: string): void {
    this.rejections.inc({ code: code in ERROR_STATUS ? code : 'INTERNAL' });
  }

  /** The gauges, read from the service at each scrape (a store read waits at most STORE_READ_MS). */
  observe(sources: MetricsSources): void {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: () => number | Promise<number>) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(await read());
        },
      });
    gauge('expert_draw_log_entries', 'Entries in the audit log as this instance knows it', sources.logSize);
    gauge('expert_draw_log_self_check_ok', '1 when the audit log matched its last checkpoint at start-up, else 0 (draws refused)', () => (sources.logSelfCheckOk() ? 1 : 0));
    gauge('expert_draw_log_unsigned_entries', 'Entries not yet covered by a signed checkpoint', () => sources.logSize() - sources.checkpoint().size);
    gauge('expert_draw_checkpoint_age_seconds', 'Seconds since this instance signed the latest checkpoint (or, at start, loaded it or opened a log without one)', () => (Date.now() - sources.checkpoint().at) / 1000);
    gauge('expert_draw_draw_leases_held', 'Draw leases this instance holds now (draws under way)', sources.leasesHeld);
    // A store that does not answer (Redis down or frozen) must not hold the scrape: not ready, and the outbox unknown.
    gauge('expert_draw_ready', '1 while GET /readyz answers 200, else 0', async () => ((await within(sources.ready(), STORE_READ_MS, false)) ? 1 : 0));
    new Gauge({
      name: 'expert_draw_outbox_batches',
      help: 'Call batches with a message still to deliver: pending (all), due (their next attempt has come)',
      labelNames: ['state'],
      registers,
      async collect() {
        const depth = await within(sources.outbox(), STORE_READ_MS, { pending: Number.NaN, due: Number.NaN });
        this.set({ state: 'pending' }, depth.pending);
        this.set({ state: 'due' }, depth.due);
      },
    });
  }

  /** The projects waiting for a decision: known only once the listings are built (openContext adds them then). */
  observeDecisions(read: DecisionCounts): void {
    new Gauge({
      name: 'expert_draw_projects_awaiting_decision',
      help: 'Projects an operator must decide on: missed (not drawn by their time), failed, or drawn with seats unfilled before opening',
      labelNames: ['reason'],
      registers: [this.registry],
      async collect() {
        const n = await within(read(), STORE_READ_MS, { missed: Number.NaN, failed: Number.NaN, unfilled: Number.NaN });
        for (const reason of ['missed', 'failed', 'unfilled'] as const) this.set({ reason }, n[reason]);
      },
    });
  }

  /** Process metrics (CPU, memory, event-loop delay, GC), once: their monitors run for the life of the process. */
  collectProcessMetrics(): void {
    if (this.processMetrics) return;
    this.processMetrics = true;
    collectDefaultMetrics({ register: this.registry });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** How long a scrape waits for a store read: /readyz itself answers within about two seconds when the store is down. */
const STORE_READ_MS = 2000;

/** The promise's value, or `fallback` when it has not settled within `ms` (or fails). */
async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]);
  } catch {
    return fallback;
  } finally {
    clearTimeout(timer);
  }
}
