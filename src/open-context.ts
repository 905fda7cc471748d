// Opens what the service runs on — keys, store, audit log — from the configuration, and closes it in order.
import type { EntryPayloads, ServiceLog } from './audit/entries.js';
import { BeaconRelay } from './beacon/relay.js';
import { AppError } from './errors.js';
import { beaconSettings, listenerUrl, type Config } from './config.js';
import { loadKeys } from './instance-keys.js';
import { AuditLog } from './log/audit-log.js';
import { LogMarker, logKeyIdentity, storeIdentity } from './log/log-marker.js';
import { privateDir } from './private-files.js';
import type { AppContext } from './plugins/app/context.js';
import { PersonalDataVault } from './crypto/personal-data.js';
import { lifecyclePolicy, loadPolicy, productionPolicyProblems } from './domain/policy.js';
import { DrawService } from './services/draw.service.js';
import { DisclosureService } from './services/disclosure.service.js';
import { PoolService } from './services/pool.service.js';
import { LifecycleService } from './services/lifecycle.service.js';
import { IdMatchAllowance } from './services/id-matches.js';
import { Periodic } from './services/periodic.js';
import { ExchangeService } from './services/exchange.service.js';
import { trustedKeys } from './exchange/format.js';
import { NoteSigner } from './log/note.js';
import { ProjectService } from './services/project.service.js';
import { Scheduler } from './services/scheduler.js';
import { join } from 'node:path';
import type { CallAdapter } from './calls/message.js';
import { FileAdapter } from './calls/file-adapter.js';
import { WebhookAdapter } from './calls/webhook-adapter.js';
import { CallWorker } from './services/call-worker.js';
import { contactChangedText } from './calls/text.js';
import { OutboxService } from './services/outbox.service.js';
import { RosterService } from './services/roster.service.js';
import { SiteService } from './services/site.service.js';
import { keepingFor, SelectionHistory } from './services/selection-history.js';
import { SessionRegistry } from './services/session-registry.js';
import { SessionService } from './services/session.service.js';
import { UserService } from './services/user.service.js';
import { tokenSigner } from './auth/tokens.js';
import { LogIndex } from './services/log-index.js';
import { ListingService } from './services/listing.service.js';
import { TimelineService } from './services/timeline.service.js';
import { LogReader } from './services/log-reader.js';
import { FairnessService } from './services/fairness.service.js';
import { AlertsService } from './services/alerts.service.js';
import { PerformanceService } from './services/performance.service.js';
import { RulesService } from './services/rules.service.js';
import { RecordLinkService } from './services/record-link.service.js';
import { Readiness } from './services/readiness.js';
import { ServiceMetrics } from './metrics/metrics.js';
import { openStore, sqliteAbsentOrEmpty } from './store/open-store.js';
import { holdDataFormat, readableFormat } from './records/data-format.js';
import type { Store } from './store/store.js';

export interface OpenedContext {
  readonly ctx: AppContext;
  /**
   * The server listens on `port`. Without EXPERT_DRAW_PUBLIC_URL the answer links follow it (port 0 is known only
   * now); returns the base the links use.
   */
  listening(port: number): string;
  /** Stops the background work: no new draw or call pass starts; resolves when those under way have ended. */
  stop(): Promise<void>;
  /** stop(), then the log (pending appends, a final checkpoint) and the store, in that order. */
  close(): Promise<void>;
}

export interface ContextOptions {
  readonly onKeysGenerated?: (files: string[]) => void;
  /** The clock; tests drive it. */
  readonly now?: () => number;
  /** Start the scheduler's timer (the server does; tests call scheduler.tick() themselves). */
  readonly schedule?: boolean;
  /** Read the log for the listings and timelines now, in the background (the server does; else the first listing does). */
  readonly index?: boolean;
  /** Wraps the opened store (tests inject faults around the real store). */
  readonly wrapStore?: (store: Store) => Store;
}

export async function openContext(config: Config, options: ContextOptions | ((files: string[]) => void) = {}): Promise<OpenedContext> {
  const opts: ContextOptions = typeof options === 'function' ? { onKeysGenerated: options } : options;
  const onKeysGenerated = opts.onKeysGenerated;
  const keys = keysOrSetting(() =>
    loadKeys({
      dir: config.EXPERT_DRAW_KEYS_DIR,
      origin: config.EXPERT_DRAW_LOG_ORIGIN,
      generateMissing: config.EXPERT_DRAW_MODE === 'development',
      production: config.EXPERT_DRAW_MODE === 'production',
      onGenerated: onKeysGenerated,
    }),
    config.EXPERT_DRAW_KEYS_DIR,
  );
  // A policy that cannot serve a centre stops a production start before anything is opened.
  const policy = loadPolicy(config.EXPERT_DRAW_POLICY_FILE);
  const unfit = config.EXPERT_DRAW_MODE === 'production' ? productionPolicyProblems(policy) : [];
  if (unfit.length > 0) throw new Error(`refusing to start in production mode: the policy file ${config.EXPERT_DRAW_POLICY_FILE}: ${unfit.join('; ')}`);
  // The largest tree this instance signed, kept outside the store: a store emptied or replaced while the service was down
  // is refused here, instead of a second log starting from entry 0 under the same key (src/log/log-marker.ts).
  const marker = LogMarker.open({
    dir: config.EXPERT_DRAW_DATA_DIR,
    store: storeIdentity(config),
    logKey: logKeyIdentity(keys.logVerifier),
    verifier: keys.logVerifier,
    onError: (err) => console.error(`log marker not written (the next checkpoint tries again): ${err instanceof Error ? err.message : String(err)}`),
  });
  // A deleted (or emptied, zero-length) SQLite file is refused before opening it would write a new database in it (a
  // restore then finds the folder ready).
  if (config.EXPERT_DRAW_STORE === 'sqlite' && sqliteAbsentOrEmpty(config)) await marker.check(null);
  const opened = await openStore(config, config.EXPERT_DRAW_REDIS_CONNECT_TIMEOUT_S * 1000);
  const store = opts.wrapStore ? opts.wrapStore(opened) : opened;
  const now = opts.now ?? Date.now;
  try {
    // On Redis the data folder holds only the marker (and a development calls file): it must be there and ours.
    if (config.EXPERT_DRAW_STORE === 'redis') markerFolder(config.EXPERT_DRAW_DATA_DIR);
    // A store written by a newer version (after an upgrade, then a step back) is refused before anything else reads it.
    await readableFormat(store);
    // Then the marker, before anything writes to the store: a refused start leaves it as it was. (It reads only the log's
    // size and O(log n) tree nodes, which every data format this version reads keeps as it does.)
    await marker.check(store);
    // Only now is an unstamped store stamped with this version's data format.
    await holdDataFormat(store, new Date(now()));
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  // Entry times come from the same clock as every other time the service records.
  const auditLog = await AuditLog.open<EntryPayloads>({
    store,
    signer: keys.logSigner,
    verifier: keys.logVerifier,
    checkpointIntervalMs: config.EXPERT_DRAW_CHECKPOINT_INTERVAL_MS,
    clock: () => new Date(now()),
    // The marker follows the checkpoints: written at most once a checkpoint interval, never per append.
    onCheckpoint: (tree) => marker.note({ size: tree.size, rootHash: tree.rootHash.toString('hex'), checkpoint: tree.note, at: new Date(now()).toISOString() }),
  });
  await logArchivedMarkers(auditLog, marker);
  const vault = new PersonalDataVault(keys.sealing.privateKey);
  const pool = await PoolService.open(store, auditLog, vault, now, { policy: lifecyclePolicy(policy), timeZone: config.EXPERT_DRAW_TIME_ZONE });
  try {
    pool.checkSealingKey();
  } catch (err) {
    await auditLog.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
  const lifecycle = new LifecycleService(store, auditLog, pool, vault, now);
  const idMatches = new IdMatchAllowance(store, auditLog, now);
  // Retirements, certificate expiries and lapses are by the day: a pass every EXPERT_DRAW_LIFECYCLE_INTERVAL_S applies them.
  const lifecyclePass = new Periodic(() => lifecycle.pass(), (err) => console.error(`lifecycle pass: ${err instanceof Error ? err.message : String(err)}`));
  // Other instances' pool changes arrive on the store's change feed (one instance on SQLite: nothing arrives).
  if (store.kind === 'redis') pool.follow();
  const beacon = await openBeacon(config, now);
  const projects = new ProjectService(store, auditLog, pool, policy, now, { beacon: beacon !== null, vault, timeZone: config.EXPERT_DRAW_TIME_ZONE });
  await projects.indexSchedule();
  const adapter: CallAdapter =
    config.EXPERT_DRAW_CALL_ADAPTER === 'webhook'
      ? new WebhookAdapter({ url: config.EXPERT_DRAW_CALL_WEBHOOK_URL!, secret: Buffer.from(config.EXPERT_DRAW_CALL_WEBHOOK_SECRET!, 'hex') })
      : new FileAdapter({ path: config.EXPERT_DRAW_CALLS_FILE ?? join(config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl') });
  const outbox = new OutboxService(store, auditLog, vault, adapter, (id) => pool.phone(id), now);
  pool.noticeContactChanges((expertId, oldPhone, at, changed) => outbox.noticeTo(expertId, oldPhone, contactChangedText(at, config.EXPERT_DRAW_TIME_ZONE, changed)));
  // Read by the roster at each call, so that links made after listen() on port 0 name the real port.
  const sites = new SiteService(store, auditLog, config.EXPERT_DRAW_SITE_CA_FILE ?? join(config.EXPERT_DRAW_KEYS_DIR, 'ca', 'ca.pem'), now);
  const links = { publicUrl: config.EXPERT_DRAW_PUBLIC_URL, timeZone: config.EXPERT_DRAW_TIME_ZONE, siteServed: (id: string) => sites.serves(id) };
  const defaultLinks = config.EXPERT_DRAW_PUBLIC_URL === listenerUrl(config.EXPERT_DRAW_HOST, config.EXPERT_DRAW_PORT);
  const roster = new RosterService(store, auditLog, pool, projects, outbox, vault, policy, links, now);
  await outbox.indexPending();
  await roster.indexDeadlines();
  // Sessions ended on another instance reach this one through the change feed.
  const registry = await SessionRegistry.open(store, now);
  registry.follow();
  const users = new UserService(store, auditLog, vault, now, (id) => registry.changed(id));
  const sessions = new SessionService(store, auditLog, users, registry, vault, tokenSigner(keys.jwt.privateKey), { accessTtlS: config.EXPERT_DRAW_ACCESS_TOKEN_TTL_S, maxS: config.EXPERT_DRAW_SESSION_MAX_S, idleS: config.EXPERT_DRAW_SESSION_IDLE_S }, now, (site) => sites.isActive(site));
  const history = await SelectionHistory.open(store, vault, keepingFor(policy.frequency, now));
  const metrics = new ServiceMetrics();
  const draws = new DrawService({ store, vault, log: auditLog, pool, projects, sealing: keys.sealing, now, roster, sites, history, leaseMs: config.EXPERT_DRAW_DRAW_LEASE_MS, observe: (kind, outcome, seconds) => metrics.drawEnded(kind, outcome, seconds), ...(beacon ? { beacon } : {}) });
  const disclosure = new DisclosureService(store, auditLog, projects, roster, history, keys.sealing.privateKey);
  const calls = new CallWorker(roster, outbox, draws, (err) => console.error(`call worker: ${err instanceof Error ? err.message : String(err)}`), (tick) => {
    metrics.delivered(tick);
    // A gateway that does not take the messages is told in the service log too, with the adapter's reason (no content).
    if (tick.failed + tick.retried > 0) console.error(`call delivery: ${tick.retried} to retry, ${tick.failed} given up (last: ${tick.lastFailure ?? 'unknown'})`);
  });
  const scheduler = new Scheduler(store, projects, draws, now, {
    leaseMs: config.EXPERT_DRAW_DRAW_LEASE_MS,
    concurrency: config.EXPERT_DRAW_DRAW_CONCURRENCY,
    onError: (id, err) => console.error(`draw of project ${id} failed: ${err instanceof Error ? err.message : String(err)}`),
    onPassError: (err) => console.error(`scheduler: ${err instanceof Error ? err.message : String(err)}`),
    onDrawStart: (lateMs) => metrics.drawStarted(lateMs / 1000),
  });
  const readiness = new Readiness({
    store,
    log: auditLog,
    keysLoaded: () => keys.logSigner !== undefined && keys.jwt.privateKey !== undefined && keys.sealing.privateKey !== undefined,
    dataDir: config.EXPERT_DRAW_STORE === 'sqlite' ? config.EXPERT_DRAW_DATA_DIR : null,
    minFreeBytes: config.EXPERT_DRAW_MIN_FREE_DISK_MB * 1024 * 1024,
    onChange: (report, cause) => {
      const problems = Object.entries(report.checks).flatMap(([name, c]) => (c.ok ? [] : [`${name}: ${c.reason}`]));
      if (report.ready) console.log('expert-draw: ready again');
      else console.error(`expert-draw: not ready: ${problems.join('; ')}${cause ? ` (${cause instanceof Error ? cause.message : String(cause)})` : ''}`);
    },
  });
  metrics.observe({
    logSize: () => auditLog.size,
    logSelfCheckOk: () => auditLog.integrity === null,
    checkpoint: () => auditLog.checkpointStatus,
    leasesHeld: () => draws.leasesHeld,
    outbox: () => outbox.depth(),
    ready: async () => (await readiness.check()).ready,
  });
  // The listings and timelines read the whole log once: the server has it done in the background, so that draws are
  // served at once and only a listing or timeline asked meanwhile waits for it.
  const logIndex = new LogIndex(store);
  const listings = new ListingService(store, logIndex, now);
  metrics.observeDecisions(() => listings.awaitingDecision());
  const timeline = new TimelineService(store, logIndex);
  const logReader = new LogReader(store, logIndex, () => auditLog.checkpoint());
  const fairness = new FairnessService(listings, disclosure, keys.logVerifier, beacon ? [beacon.chain] : []);
  const performance = new PerformanceService(store, auditLog, logIndex, draws, projects, roster, vault, policy, now);
  const alerts = new AlertsService(store, fairness, vault, policy, now);
  const rules = new RulesService(store, auditLog, pool, vault, policy, config.EXPERT_DRAW_TIME_ZONE, now, (err) => console.error(`rules: ${err instanceof Error ? err.message : String(err)}`));
  const recordLinks = new RecordLinkService(store, auditLog, pool, outbox, links, now);
  const exchange = new ExchangeService(store, auditLog, pool, performance, vault, exchangeKeys(config), now);
  const indexing = opts.index ? Promise.all([listings.sync().catch(() => undefined), pool.warmPhones().catch(() => undefined)]) : null;
  if (opts.schedule) {
    scheduler.start();
    calls.start();
    rules.start();
    // The first pass one interval after the start, then every interval (docs/admission.md).
    lifecyclePass.start(config.EXPERT_DRAW_LIFECYCLE_INTERVAL_S * 1000);
  }
  const stop = async () => void (await Promise.all([scheduler.stop(), calls.stop(), rules.stop(), lifecyclePass.stop()]));
  return {
    ctx: { config, keys, store, auditLog, vault, pool, lifecycle, idMatches, exchange, projects, draws, disclosure, scheduler, roster, outbox, calls, sites, users, sessions, listings, timeline, logReader, fairness, performance, alerts, rules, recordLinks, readiness, metrics, now },
    listening(port) {
      if (defaultLinks) links.publicUrl = listenerUrl(config.EXPERT_DRAW_HOST, port);
      return links.publicUrl;
    },
    stop,
    async close() {
      await stop();
      pool.stop();
      await registry.stop();
      logIndex.stop();
      await indexing;
      await auditLog.close();
      // The final checkpoint's tree is in the marker before the process ends.
      await marker.close();
      await store.close();
    },
  };
}

/** Makes the data folder (0700) for the log marker, or says which setting to change. */
function markerFolder(dir: string): void {
  try {
    privateDir(dir);
  } catch (err) {
    throw new Error(`cannot keep the log marker there:\n  EXPERT_DRAW_DATA_DIR: ${dir} cannot be the data folder (${(err as Error).message}): set it to a folder this user may create and write (each instance its own)`);
  }
}

/**
 * Records in the log each marker archived for this store and key since the last start (a restore, `expert-draw log
 * archive-marker`): the tree the instance had signed, now behind the store's log. One that cannot be appended now (a
 * broken log, a store refusing writes) stays to be recorded at the next start.
 */
async function logArchivedMarkers(auditLog: ServiceLog, marker: LogMarker): Promise<void> {
  if (auditLog.integrity) return;
  for (const archived of marker.unlogged()) {
    try {
      const { size, rootHash, checkpoint, at, storeSize, archivedAt, command, reason, by } = archived;
      const { index } = await auditLog.append('log.marker-archived', { marker: { size, rootHash, checkpoint, at }, storeSize, archivedAt, command, reason, by });
      await marker.logged(archived, index);
    } catch (err) {
      console.error(`archived log marker not recorded yet (the next start tries again): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** The keys, or a file-system refusal said as the setting to change (an unreadable or misplaced keys folder). */
function keysOrSetting<T>(load: () => T, dir: string): T {
  try {
    return load();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EROFS') {
      throw new Error(`cannot use the keys folder:\n  EXPERT_DRAW_KEYS_DIR: ${dir} (${(err as Error).message}): set it to the service's keys folder, readable and writable by this user`);
    }
    throw err;
  }
}

/** The exchange keys of the configuration; a malformed pinned key stops the start, named. */
function exchangeKeys(config: Config) {
  try {
    return {
      signer: config.EXPERT_DRAW_EXCHANGE_SIGNER_KEY ? NoteSigner.fromKey(config.EXPERT_DRAW_EXCHANGE_SIGNER_KEY) : null,
      personKey: config.EXPERT_DRAW_EXCHANGE_PERSON_KEY ? Buffer.from(config.EXPERT_DRAW_EXCHANGE_PERSON_KEY, 'hex') : null,
      trusted: trustedKeys(config.EXPERT_DRAW_EXCHANGE_TRUSTED),
    };
  } catch (err) {
    throw new Error(`invalid configuration:\n  EXPERT_DRAW_EXCHANGE_SIGNER_KEY / EXPERT_DRAW_EXCHANGE_TRUSTED: ${err instanceof Error ? err.message : String(err)} (docs/exchange.md)`);
  }
}

/**
 * The configured beacon relay, its chain info checked at start: a relay serving another chain than the pinned one
 * stops the start; one that cannot be reached now is only reported (each beacon draw checks it again).
 */
async function openBeacon(config: Config, now: () => number): Promise<BeaconRelay | null> {
  const settings = beaconSettings(config);
  if (!settings) return null;
  const relay = new BeaconRelay(settings, now);
  try {
    await relay.checkInfo();
  } catch (err) {
    if (err instanceof AppError && err.code === 'BEACON_INVALID') throw new Error(`invalid configuration:\n  EXPERT_DRAW_BEACON_URL: ${err.message}`);
    console.error(`expert-draw: beacon relay not reachable at start (beacon draws will retry): ${err instanceof Error ? err.message : String(err)}`);
  }
  return relay;
}
