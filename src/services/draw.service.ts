// Running a project's draw: commit (durable, with the project moving to `drawing`) → seed → ranking → sealed result
// (durable, the project moving to `drawn`); failures, stale draws and the roster catch-up. Disclosure is
// disclosure.service.ts. Each step expects the project record as the previous step left it, so two
// instances can never both draw a project, and a crash between the steps leaves a visible `drawing` state.
import { randomUUID, type KeyObject } from 'node:crypto';
import type { ServiceLog } from '../audit/entries.js';
import type { TokenClaims } from '../auth/roles.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { jcs } from '../crypto/canonical.js';
import { open, seal } from '../crypto/sealing.js';
import { pooledRandomBytes } from '../crypto/random-pool.js';
import { COMMIT_ENTRY_TYPE } from '../draw/commit.js';
import { RESULT_ENTRY_TYPE } from '../draw/constants.js';
import { rankings, STALE_ABORT_REASON, type ResultPayload } from '../draw/entries.js';
import type { DrawResult } from '../draw/engine.js';
import { EMPTY_HISTORY } from '../draw/history.js';
import type { BeaconRelay } from '../beacon/relay.js';
import type { VerifiedRound } from '../beacon/rounds.js';
import { begin, finish, finishPlanned, NO_LATE_ENTROPY, OPERATOR_ENTROPY, resultEntry, sealable, withPlan, type Begun, type SealedCore } from '../draw/protocol.js';
import { AppError, type ErrorCode } from '../errors.js';
import { msg } from '../i18n/message.js';
import { encodeEntry } from '../log/entry.js';
import { abandonedChain, awaitingRosterKeys, awaitingRosterMark, draws, nonceContext, witnessRevealsContext, type DrawRecord } from '../records/draws.js';
import { witnessRule } from '../domain/policy.js';
import { depositContext } from '../records/projects.js';
import type { EntropyPlan } from '../draw/seed.js';
import { isPoolVersion, poolVersionExpected } from '../records/pool.js';
import { projectChange, projectExpected, projects, projectWrites, type ProjectRecord, type ProjectState } from '../records/projects.js';
import type { SelectionRecord } from '../records/selections.js';
import { RecordConflictError, type RecordWrite, type Store } from '../store/store.js';
import type { PoolService } from './pool.service.js';
import type { ProjectService } from './project.service.js';
import type { RosterService } from './roster.service.js';
import type { SelectionHistory } from './selection-history.js';
import type { SiteRecipient, SiteService } from './site.service.js';

/** How long a draw's lease holds unless renewed (EXPERT_DRAW_DRAW_LEASE_MS); a running draw renews it every third. */
export const DEFAULT_DRAW_LEASE_MS = 6_000;

/** The one lease every draw of a project runs under, immediate or scheduled, and that the stale check takes. */
export function drawLease(projectId: string): string {
  return `draw:${projectId}`;
}

/** Options of a draw run: the API's Idempotency-Key record, written in the result's transaction. */
export interface DrawExtra {
  readonly idempotency?: (draw: DrawRecord) => RecordWrite;
}

/** Sealed together: everything a later disclosure publishes. */
export interface SealedContent extends SealedCore {
  /**
   * A remote site's draw only: name and ID number of every ranked expert (selected, alternates, extension), so that
   * the site can check experts in at its own desk after opening the result offline. Never published.
   */
  readonly people?: Readonly<Record<string, { readonly name: string; readonly idNumber: string }>>;
  /** A witnessed draw: the deposited secrets (hex) in the commit's order, published at disclosure (§6.2). */
  readonly witnessReveals?: readonly string[];
}

/** A planned draw as it runs (§6.2): the plan's draw id and nonce, the deposits that count, opened. */
interface WitnessedRun {
  readonly drawId: string;
  readonly nonce: Buffer;
  readonly sealedNonce: string;
  readonly plan: EntropyPlan;
  readonly reveals: readonly Buffer[];
  /** The same, hex, as they are sealed and revealed. */
  readonly revealsHex: readonly string[];
  readonly planned: { readonly index: number; readonly deposits: number[] };
  readonly witnesses: NonNullable<DrawRecord['witnesses']>;
}


/** What a draw works with. The roster, sites and history are optional, so the engine-level tests run without them. */
export interface DrawDeps {
  readonly store: Store;
  readonly log: ServiceLog;
  readonly pool: PoolService;
  readonly projects: ProjectService;
  /** Seals the nonce in the draw record at the commit, so that a draw ending without a result can reveal it. */
  readonly vault: PersonalDataVault;
  /** The service's sealing key pair: results are sealed to the public key, opened with the private one. */
  readonly sealing: { readonly publicKey: KeyObject; readonly privateKey: KeyObject };
  readonly now: () => number;
  /** Calls the selected experts once the result exists. */
  readonly roster?: RosterService;
  /** Seals a remote site's draw to its key as well. */
  readonly sites?: SiteService;
  /** Past selections for the frequency caps; without it draws read an empty history. */
  readonly history?: SelectionHistory;
  /** How long the draw lease holds without renewal (default DEFAULT_DRAW_LEASE_MS). */
  readonly leaseMs?: number;
  /** Told when each draw ends, with its outcome and wall time (metrics). */
  readonly observe?: (kind: DrawRecord['kind'], outcome: DrawOutcome, seconds: number) => void;
  /** The drand relay of draws that need beacon assurance; without it such draws fail before their commit. */
  readonly beacon?: BeaconRelay;
  /**
   * Durable appends of a planned draw: 1 (the default: commit, result and calls together, §6.3), or 2 as an unplanned
   * draw takes them — kept for the benchmark that compares the two side by side.
   */
  readonly plannedAppends?: 1 | 2;
}

export class DrawService {
  /** The first catch-up of a process looks at every draw (data from before the index); later ones at the index. */
  private caughtUpOnce = false;
  private readonly store: Store;
  private readonly vault: PersonalDataVault;
  private readonly log: ServiceLog;
  private readonly pool: PoolService;
  private readonly projects: ProjectService;
  private readonly sealingKey: KeyObject;
  private readonly sealingPrivateKey: KeyObject;
  private readonly now: () => number;
  private readonly roster: RosterService | null;
  private readonly sites: SiteService | null;
  private readonly history: SelectionHistory | null;
  private readonly leaseMs: number;
  private readonly observe: NonNullable<DrawDeps['observe']>;
  private readonly beacon: BeaconRelay | null;
  private readonly plannedAppends: 1 | 2;
  /** Draw leases this instance holds right now. */
  private held = 0;

  constructor(deps: DrawDeps) {
    ({ store: this.store, vault: this.vault, log: this.log, pool: this.pool, projects: this.projects, now: this.now } = deps);
    this.sealingKey = deps.sealing.publicKey;
    this.sealingPrivateKey = deps.sealing.privateKey;
    this.roster = deps.roster ?? null;
    this.sites = deps.sites ?? null;
    this.history = deps.history ?? null;
    this.leaseMs = deps.leaseMs ?? DEFAULT_DRAW_LEASE_MS;
    this.observe = deps.observe ?? (() => undefined);
    this.beacon = deps.beacon ?? null;
    this.plannedAppends = deps.plannedAppends ?? 1;
  }

  /** Draw leases this instance holds now: its draws under way. */
  get leasesHeld(): number {
    return this.held;
  }

  /** Takes in the results committed since the last look (other instances' too). */
  async refreshHistory(): Promise<void> {
    await this.history?.refresh();
  }

  async get(drawId: string): Promise<DrawRecord> {
    const found = await draws.read(this.store, drawId);
    if (!found) throw new AppError('NOT_FOUND', msg('draw.notFound', { id: drawId }));
    return found.value;
  }

  /**
   * Draws for a scheduled project, under the project's draw lease (DrawInProgressError when another holder has it).
   * Retries on a fresh pool index when the pool changed between preparing and committing (the commit names the pool
   * version it used).
   */
  async run(projectId: string, kind: DrawRecord['kind'], by: TokenClaims | 'scheduler', extra: DrawExtra = {}): Promise<DrawRecord> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      // A drawn project is never drawn again: its lease is left to expire rather than given back (one write fewer).
      const draw = await this.underLease(projectId, (done) => done.state === 'drawn', async () => {
        for (let attempt = 0; ; attempt++) {
          try {
            return await this.attempt(projectId, kind, typeof by === 'string' ? by : by.sub, extra);
          } catch (err) {
            if (err instanceof PoolMoved && attempt < 3) continue;
            if (err instanceof PoolMoved) throw new AppError('CONFLICT', msg('draw.poolKeepsChanging'));
            throw err;
          }
        }
      });
      this.observe(kind, 'drawn', seconds());
      return draw;
    } catch (err) {
      this.observe(kind, outcomeOf(err), seconds());
      throw err;
    }
  }

  /**
   * Runs `work` holding the project's draw lease, renewed every third of its time until the work ends, then given
   * back unless `keep` says the result needs it no more (a drawn project: the lease then expires within one lease time
   * and saves its release, a durable write on Redis). The contract: while a draw runs from before its commit to after
   * its result, nobody else holds the lease, so no other draw starts and no stale check aborts it; a holder that dies
   * stops renewing, and its lease expires within one lease time. The owner is unique per run, so even this instance's
   * own scheduler cannot take it.
   */
  private async underLease<T>(projectId: string, keep: (result: T) => boolean, work: () => Promise<T>): Promise<T> {
    const name = drawLease(projectId);
    const owner = `draw-${randomUUID()}`;
    if (!(await this.store.claimLease(name, owner, this.leaseMs))) {
      // Someone else holds it: say why the project cannot be drawn, the state first (drawn, cancelled, …).
      const { record } = await this.projects.get(projectId);
      if (record.state !== 'scheduled' && record.state !== 'drawing') throw new NotScheduledError(projectId, record.state);
      throw new DrawInProgressError(projectId);
    }
    this.held++;
    let renewing: Promise<unknown> | null = null;
    const heartbeat = setInterval(() => {
      // One renewal at a time; a failed one is retried at the next beat (the lease outlives one missed beat).
      renewing ??= this.store
        .claimLease(name, owner, this.leaseMs)
        .catch(() => false)
        .finally(() => (renewing = null));
    }, Math.max(1, Math.floor(this.leaseMs / 3)));
    // The heartbeat alone never keeps the process alive.
    heartbeat.unref();
    let kept = false;
    try {
      const result = await work();
      kept = keep(result);
      return result;
    } finally {
      clearInterval(heartbeat);
      // A renewal still on its way must not land after the release.
      await renewing;
      if (!kept) await this.store.releaseLease(name, owner).catch(() => undefined);
      this.held--;
    }
  }

  private async attempt(projectId: string, kind: DrawRecord['kind'], by: string, extra: DrawExtra): Promise<DrawRecord> {
    // The history takes in the latest results while the project is read (on Redis, two round trips at once).
    const [{ record: project, raw }] = await Promise.all([this.projects.get(projectId), this.history?.refresh()]);
    if (project.state !== 'scheduled') throw new NotScheduledError(projectId, project.state);
    // A witnessed project's draw runs its plan (§6.2): the draw id and nonce fixed at scheduling, the deposits logged
    // before the close. Any other project's draw reads nothing more.
    let witnessed: WitnessedRun | null = null;
    let witnessCount: DrawRecord['witnesses'] | undefined;
    // Drawn now, before its deposits close and short of them, a witnessed project's draw would leave its witnesses out
    // (failing under `onShort: fail`, an operator draw under `operator`): refused, changing nothing, until the close.
    const plan = project.plan;
    if (kind === 'immediate' && plan && this.now() < Date.parse(plan.depositsCloseAt)) {
      const required = (plan.witnesses ?? witnessRule(this.projects.policy)).required;
      if (plan.deposits.length < required) throw new AppError('CONFLICT', msg('witness.stillOpen', { id: projectId, closeAt: plan.depositsCloseAt, deposited: plan.deposits.length, required }));
    }
    if (plan || project.assurance === 'witnessed' || this.projects.policy.minimumAssurance === 'witnessed') {
      try {
        ({ run: witnessed, witnesses: witnessCount } = await this.witnessedRun(project));
      } catch (err) {
        // Logged like any failure before a commit; too few deposits open the plan with it.
        if (err instanceof WitnessMissing) await this.fail(project, raw, err.drawId, kind, by, err, null, err.opened);
        else if (err instanceof AppError) await this.fail(project, raw, `D-${randomUUID()}`, kind, by, err, null);
        throw err;
      }
    }
    const drawId = witnessed?.drawId ?? `D-${randomUUID()}`;
    // A re-draw names the earlier draws it follows in its commit, so that its proof cannot leave them out.
    const follows = project.drawId === null ? [] : (await abandonedChain(this.store, project.drawId, drawId)).map((d) => d.drawId);
    const at = new Date(this.now()).toISOString();
    const index = this.pool.current();
    // Read together with the preparation below, which consumes it at once: a later refresh only grows it.
    const history = this.history?.current() ?? { index: EMPTY_HISTORY, upTo: -1 };
    let begun: Begun;
    let site: SiteRecipient | null = null;
    let beacon: BeaconRelay | null;
    try {
      // The assurance the project needs: a beacon draw must have a beacon to wait for.
      beacon = this.beaconFor(project);
      // 0. Everything the draw reads, and the commit to it, before any randomness exists; a remote site's key must be
      //    usable now.
      begun = begin({ drawId, project: project.project, request: project.request, policy: this.projects.policy, pool: index, history: history.index }, witnessed?.plan ?? OPERATOR_ENTROPY, witnessed?.nonce ?? pooledRandomBytes(32), follows);
      if (project.site) site = await this.siteRecipient(project.site);
    } catch (err) {
      // A planned draw's nonce exists since its scheduling: failing before its commit (too few candidates, a site key
      // no longer usable) uses up the plan, so it opens it, as too few deposits do.
      const opened = witnessed ? { nonce: witnessed.nonce.toString('hex'), witnessReveals: [...witnessed.revealsHex] } : undefined;
      if (err instanceof AppError) await this.fail(project, raw, drawId, kind, by, err, null, opened);
      throw err;
    }
    const groups = begun.prepared.groups.map((g) => ({ specialty: g.specialty, count: g.count, alternates: g.alternates, eligibleCount: g.size }));
    // The plan is used up by this draw: its deposits close, and a later draw of the project needs a new plan.
    const drawing: ProjectRecord = { ...withoutPlan(project), state: 'drawing', drawId, revision: project.revision + 1, updatedAt: at };
    const siteFields = site ? { site: site.recipient, siteFingerprint: site.fingerprint } : {};
    const sealedNonce = witnessed?.sealedNonce ?? this.vault.sealJson(nonceContext(drawId), Buffer.from(begun.nonce).toString('hex'));
    const witnessFields = {
      ...(witnessCount ? { witnesses: witnessCount } : {}),
      ...(witnessed ? { planned: witnessed.planned, sealedWitnessReveals: this.vault.sealJson(witnessRevealsContext(drawId), witnessed.revealsHex) } : {}),
    };
    const committed = { drawId, projectId, kind, state: 'committed', sealedNonce, poolVersion: index.version, assurance: beacon ? 'beacon' : begun.assurance, groups, sealed: null, failure: null, policy: this.projects.policy, supersedes: project.drawId, by, createdAt: at, historyUpTo: history.upTo, ...siteFields, ...witnessFields } as const;
    // A planned draw's seed reads only what its commit holds (§6.2): ranked now, it is committed with its result in one
    // durable append (§6.3). A ranking that falls short takes the two appends below, so that its failure is logged
    // after its commit and can be checked.
    if (witnessed && this.plannedAppends === 1) {
      const core = rankedAtOnce(begun, witnessed);
      if (core) return this.commitWithResult({ project, raw, begun, core, site, witnessed, committed, poolVersion: index.version, extra, at });
    }
    // 1. The commit is durable, and the project is `drawing`, before the seed exists; the pool must still be at the
    //    version the candidates came from.
    let commit;
    let planned: Begun = begun;
    // Encoded once: the commit writes these bytes, and the result expects them.
    const drawingChange = projectChange(drawing);
    try {
      commit = await this.log.appendWith((prev, time) => {
        // A beacon draw names the first round published after this very entry's time (with the margin): nobody, the
        // service included, can know its randomness when the commit is logged.
        if (beacon) planned = withPlan(begun, { beacon: { chain: beacon.chain.hash, round: beacon.roundFor(time) }, witnessCommitments: [] });
        return encodeEntry({ type: COMMIT_ENTRY_TYPE, time, prev, payload: planned.commit });
      }, {
        // The draw record exists from the commit on, so that a crash before the result leaves it visible.
        writes: (commitIndex) => [
          ...drawingChange.writes,
          draws.write({ ...committed, commitIndex, commitLeafHash: '', resultIndex: null, resultHash: null }),
        ],
        expects: [projectExpected(projectId, raw), poolVersionExpected(index.version)],
      });
    } catch (err) {
      throw commitConflict(err, projectId, drawId);
    }
    const planBeacon = planned.plan.beacon;
    const base: DrawRecord = { ...committed, commitIndex: commit.index, commitLeafHash: commit.leafHash.toString('hex'), resultIndex: null, resultHash: null, ...(planBeacon ? { beacon: planBeacon } : {}) };
    const drawingRaw = drawingChange.raw;
    // 2. The seed binds the commit's leaf hash and, for a beacon draw, the round's randomness; the ranking follows.
    let core: SealedCore;
    let round: VerifiedRound | null = null;
    try {
      // The lease keeps renewing while the round is awaited; one that does not come or verify fails the draw here.
      if (beacon && planBeacon) round = await beacon.awaitRound(planBeacon.round);
      const late = round ? { beaconRandomness: Buffer.from(round.randomness, 'hex'), witnessReveals: [] } : witnessed ? { beaconRandomness: null, witnessReveals: witnessed.reveals } : NO_LATE_ENTROPY;
      core = sealable(planned, finish(planned, commit.leafHash, late), pooledRandomBytes(32));
    } catch (err) {
      if (err instanceof AppError) await this.fail(drawing, drawingRaw, drawId, kind, by, err, base);
      throw err;
    }
    const done: ProjectRecord = { ...drawing, state: 'drawn', revision: drawing.revision + 1, updatedAt: new Date(this.now()).toISOString() };
    const result = this.sealedResult(planned, core, site, witnessed, round, done);
    const resultPayload = { ...result.payload, commitIndex: commit.index };
    const final: DrawRecord = { ...base, state: 'drawn', resultHash: resultPayload.resultHash, sealed: result.sealed };
    // 4. The selected experts are called in the result's own transaction (one durable write for both).
    const [appended] = await this.log.appendAll(
      [{ type: RESULT_ENTRY_TYPE, payload: resultPayload }, ...result.calls],
      {
        writes: (resultIndex) => this.resultWrites({ ...final, resultIndex }, done, result, extra),
        expects: [projectExpected(projectId, drawingRaw), ...result.expects],
      },
    ).catch((err: unknown) => {
      // The commit stays in the log with no result; the stale check aborts it, unless that is what happened already.
      throw resultConflict(err, projectId, drawId);
    });
    const drawn: DrawRecord = { ...final, resultIndex: appended!.index };
    this.history?.remember(selectionOf(drawn, result));
    return drawn;
  }

  /**
   * A planned draw ranked before its commit (§6.3): the commit, the result and the calls in one durable append, the
   * project going from `scheduled` straight to `drawn`, under the same expectations as the two appends (the project as
   * read, the pool at the version the candidates came from).
   */
  private async commitWithResult(run: {
    project: ProjectRecord;
    raw: Buffer;
    begun: Begun;
    core: SealedCore;
    site: SiteRecipient | null;
    witnessed: WitnessedRun;
    committed: Omit<DrawRecord, 'commitIndex' | 'commitLeafHash' | 'resultIndex' | 'resultHash'>;
    poolVersion: number;
    extra: DrawExtra;
    at: string;
  }): Promise<DrawRecord> {
    const { project, begun, committed } = run;
    const done: ProjectRecord = { ...withoutPlan(project), state: 'drawn', drawId: committed.drawId, revision: project.revision + 1, updatedAt: run.at };
    const result = this.sealedResult(begun, run.core, run.site, run.witnessed, null, done);
    const drawn = (commitIndex: number, commitLeafHash: string): DrawRecord => ({ ...committed, state: 'drawn', commitIndex, commitLeafHash, resultIndex: commitIndex + 1, resultHash: result.payload.resultHash, sealed: result.sealed });
    // The log asks for the writes twice (to batch, then with the commit's leaf hash): only the draw's own record and
    // the API's answer read the leaf hash, so the others are made once per index.
    let others: { index: number; writes: RecordWrite[] } | null = null;
    let appended;
    try {
      appended = await this.log.appendBuilt(
        [
          (prev, time) => encodeEntry({ type: COMMIT_ENTRY_TYPE, time, prev, payload: begun.commit }),
          // The result names its commit: the entry just before it.
          (prev, time, index) => encodeEntry({ type: RESULT_ENTRY_TYPE, time, prev, payload: { ...result.payload, commitIndex: index - 1 } }),
          ...result.calls.map(({ type, payload }) => (prev: string, time: string) => encodeEntry({ type, time, prev, payload })),
        ],
        {
          writes: (commitIndex, leaf) => {
            const final = drawn(commitIndex, leaf(0));
            if (others?.index !== commitIndex) others = { index: commitIndex, writes: this.resultOtherWrites(final, done, result) };
            return [...this.drawWrites(final, run.extra), ...others.writes];
          },
          expects: [projectExpected(project.project.id, run.raw), poolVersionExpected(run.poolVersion), ...result.expects],
        },
      );
    } catch (err) {
      throw commitConflict(err, project.project.id, committed.drawId);
    }
    const record = drawn(appended[0]!.index, appended[0]!.leafHash.toString('hex'));
    this.history?.remember(selectionOf(record, result));
    return record;
  }

  /**
   * Step 3: the ranking sealed at once (the log gets the commitment and counts, never an identity), the result entry's
   * payload (its commit index still to fill in) and the calls to the selected experts, ready to commit with it. Should
   * the calls not be ready, the draw stands without them: its marker puts it on the call worker's catch-up list.
   */
  private sealedResult(begun: Begun, core: SealedCore, site: SiteRecipient | null, witnessed: WitnessedRun | null, round: VerifiedRound | null, done: ProjectRecord) {
    const drawId = begun.commit.drawId;
    const content: SealedContent = { ...core, ...(site ? { people: this.people(core.result, core.extension) } : {}), ...(witnessed && witnessed.reveals.length > 0 ? { witnessReveals: witnessed.revealsHex } : {}) };
    // Who else can open the seal: a remote site, by the certificate registered for it.
    const sealed = seal(Buffer.from(jcs(content)), drawId, [{ recipient: 'service', publicKey: this.sealingKey }, ...(site ? [{ recipient: site.recipient, publicKey: site.publicKey }] : [])]);
    const payload = resultEntry(begun, core.result, { commitIndex: -1, salt: Buffer.from(core.salt, 'hex'), sealed, ...(site ? { sealedTo: { site: site.recipient, fingerprint: site.fingerprint } } : {}), ...(round ? { beacon: beaconRecord(round) } : {}) });
    let opening: ReturnType<RosterService['opening']> | null = null;
    try {
      opening = this.roster?.opening(drawId, done, rosterGroups(content)) ?? null;
    } catch {
      opening = null;
    }
    return { sealed, payload, opening, calls: opening?.entries ?? [], expects: opening?.state.expects ?? [], tenderer: done.project.tenderer, selected: core.result.groups.flatMap((g) => g.selected) };
  }

  /** Step 4's records, in the result's transaction: the draw, the project, the API's answer, the roster, the history. */
  private resultWrites(final: DrawRecord, done: ProjectRecord, result: ReturnType<DrawService['sealedResult']>, extra: DrawExtra): RecordWrite[] {
    return [...this.drawWrites(final, extra), ...this.resultOtherWrites(final, done, result)];
  }

  /** The draw's own record and the API's saved answer, which hold the draw record whole. */
  private drawWrites(final: DrawRecord, extra: DrawExtra): RecordWrite[] {
    return [draws.write(final), ...(extra.idempotency ? [extra.idempotency(final)] : [])];
  }

  /** The rest of step 4's records: they read the draw's indexes, never its commit's leaf hash. */
  private resultOtherWrites(final: DrawRecord, done: ProjectRecord, result: ReturnType<DrawService['sealedResult']>): RecordWrite[] {
    const drawId = final.drawId;
    return [
      ...projectWrites(done),
      // Its roster, or, until one exists, its place on the catch-up's list.
      ...(result.opening ? result.opening.state.writes : this.roster ? [awaitingRosterMark(drawId)] : []),
      // The selected experts join the history the frequency caps of later draws read (sealed).
      ...(this.history ? [this.history.write(selectionOf(final, result))] : []),
    ];
  }

  /** Starts the roster of every completed draw that has none (after a crash between result and calls). */
  async catchUpRosters(): Promise<number> {
    if (!this.roster) return 0;
    let started = 0;
    // A result is committed with a marker that its roster's first write removes: normally the list is empty.
    const keys = this.caughtUpOnce ? await awaitingRosterKeys(this.store) : await draws.keys(this.store);
    this.caughtUpOnce = true;
    const [found, rostered] = await Promise.all([draws.readMany(this.store, keys), this.roster.exist(keys)]);
    for (const [i, key] of keys.entries()) {
      const draw = found[i];
      if (draw?.state !== 'drawn' || rostered[i]) continue;
      const { record } = await this.projects.get(draw.projectId);
      await this.roster.start(key, record, rosterGroups(this.openSealed(draw)));
      started++;
    }
    return started;
  }

  /** The relay a project's draw waits on, or null for an operator draw; ASSURANCE_UNAVAILABLE when none is configured. */
  private beaconFor(project: ProjectRecord): BeaconRelay | null {
    if (this.projects.assuranceFor(project.assurance) !== 'beacon') return null;
    if (!this.beacon) throw new AppError('ASSURANCE_UNAVAILABLE', msg('beacon.notConfigured'));
    return this.beacon;
  }

  private async siteRecipient(siteId: string): Promise<SiteRecipient> {
    if (!this.sites) throw new AppError('SITE_UNAVAILABLE', msg('draw.sitesDisabled', { site: siteId }));
    return this.sites.recipient(siteId);
  }

  /** Name and ID number of every ranked expert of a site's draw, for the site's own desk. */
  private people(result: DrawResult, extension: ReadonlyArray<readonly string[]>): Record<string, { name: string; idNumber: string }> {
    const out: Record<string, { name: string; idNumber: string }> = {};
    const ids = rankings({ result, extension }).flat();
    for (const id of ids) {
      const p = this.pool.personal(id);
      out[id] = { name: p.name, idNumber: p.idNumber };
    }
    return out;
  }

  /** The nonce of a draw that ends without a result, to reveal; null for a draw committed before nonces were kept. */
  private revealedNonce(draw: DrawRecord): string | null {
    return draw.sealedNonce ? this.vault.openJson<string>(nonceContext(draw.drawId), draw.sealedNonce) : null;
  }

  /** A witnessed draw's deposited secrets (hex), in the commit's order, to reveal when it ends without a result. */
  private revealedWitnessSecrets(draw: DrawRecord): string[] | null {
    return draw.sealedWitnessReveals ? this.vault.openJson<string[]>(witnessRevealsContext(draw.drawId), draw.sealedWitnessReveals) : null;
  }

  /**
   * The plan a witnessed project's draw runs (§6.2): the deposits whose entries were logged before the close, in log
   * order, opened. Fewer than the policy requires: WitnessMissing under `onShort: fail` (the plan opened with it);
   * under `operator`, the draw goes on with those there are (none: an unplanned operator draw when there is no plan),
   * and its record says how many it had.
   */
  private async witnessedRun(project: ProjectRecord): Promise<{ run: WitnessedRun | null; witnesses: NonNullable<DrawRecord['witnesses']> | undefined }> {
    const plan = project.plan;
    const level = this.projects.assuranceFor(project.assurance);
    // A beacon draw names its own round after the commit; a plan left from before the policy asked for it is not used.
    if (level === 'beacon' || (!plan && level !== 'witnessed')) return { run: null, witnesses: undefined };
    const rule = plan?.witnesses ?? witnessRule(this.projects.policy);
    const counted = [];
    for (const d of plan?.deposits ?? []) {
      const time = (JSON.parse((await this.log.entry(d.index)).toString('utf8')) as { time: string }).time;
      if (time < plan!.depositsCloseAt) counted.push(d);
    }
    const witnesses = { required: rule.required, deposited: counted.length, onShort: rule.onShort };
    const opened = plan ? { nonce: this.vault.openJson<string>(nonceContext(plan.drawId), plan.sealedNonce), witnessReveals: counted.map((d) => this.vault.openJson<string>(depositContext(plan.drawId, d.witness.user), d.sealedSecret)) } : undefined;
    if (counted.length < rule.required && rule.onShort === 'fail') {
      throw new WitnessMissing(plan?.drawId ?? `D-${randomUUID()}`, rule.required, counted.length, opened);
    }
    if (!plan || !opened) return { run: null, witnesses };
    return {
      run: {
        drawId: plan.drawId,
        nonce: Buffer.from(opened.nonce, 'hex'),
        sealedNonce: plan.sealedNonce,
        plan: { beacon: null, witnessCommitments: counted.map((d) => d.commitment), planIndex: plan.index },
        reveals: opened.witnessReveals.map((r) => Buffer.from(r, 'hex')),
        revealsHex: opened.witnessReveals,
        planned: { index: plan.index, deposits: counted.map((d) => d.index) },
        witnesses,
      },
      witnesses,
    };
  }

  /** Opens a draw's seal with the service's key: only for the roster, check-in and disclosure. */
  openSealed(draw: DrawRecord): SealedContent {
    return openSealedResult(draw, this.sealingPrivateKey);
  }

  /** A draw that cannot complete: logged with its reason, the project left `failed` for an operator. */
  private async fail(project: ProjectRecord, raw: Buffer, drawId: string, kind: DrawRecord['kind'], by: string, err: AppError, committed: DrawRecord | null, opened?: { nonce: string; witnessReveals: string[] }): Promise<void> {
    const failure = { code: err.code, message: err.message, zh: err.localized.text('zh-CN') };
    // A failed draw uses up its plan (its draw id is now this draw's): rescheduling plans anew.
    const failed: ProjectRecord = { ...withoutPlan(project), state: 'failed', drawId, revision: project.revision + 1, updatedAt: new Date(this.now()).toISOString() };
    const record: DrawRecord = committed
      ? { ...committed, state: 'failed', failure, inputs: { project: project.project, request: project.request } }
      : { drawId, projectId: project.project.id, kind, state: 'failed', poolVersion: this.pool.poolVersion, assurance: 'operator', commitIndex: -1, commitLeafHash: '', resultIndex: null, resultHash: null, groups: [], sealed: null, failure, supersedes: project.drawId, by, createdAt: new Date(this.now()).toISOString(), ...(project.site ? { site: project.site } : {}) };
    // After its commit, the failure opens the draw: its nonce is revealed, so anyone can check that it genuinely failed;
    // a witnessed draw's deposited secrets with it. A plan that fails before its commit (too few deposits) is opened too.
    const nonce = committed ? this.revealedNonce(committed) : (opened?.nonce ?? null);
    const reveals = committed ? this.revealedWitnessSecrets(committed) : (opened?.witnessReveals ?? null);
    await this.log.append(
      'draw.failed',
      { drawId, projectId: project.project.id, code: err.code, details: err.details ?? null, committed: committed !== null, ...(nonce ? { nonce } : {}), ...(reveals && reveals.length > 0 ? { witnessReveals: reveals } : {}) },
      { writes: (endIndex) => [draws.write(committed ? { ...record, endIndex } : record), ...projectWrites(failed)], expects: [projectExpected(project.project.id, raw)] },
    ).catch(() => undefined);
  }

  /**
   * A project left `drawing` by an instance that died between commit and result: its committed draw is aborted (it
   * stays in the log, visible) and the project is scheduled again, so the next draw references it. Call it holding the
   * project's draw lease. True when it aborted a draw.
   */
  async abortStale(projectId: string): Promise<boolean> {
    const { record, raw } = await this.projects.get(projectId);
    if (record.state !== 'drawing' || !record.drawId) return false;
    const again: ProjectRecord = { ...record, state: 'scheduled', revision: record.revision + 1, updatedAt: new Date(this.now()).toISOString() };
    const draw = await draws.read(this.store, record.drawId);
    // The aborted draw is opened: its nonce is revealed, so a re-draw never hides what the first would have been.
    const nonce = draw ? this.revealedNonce(draw.value) : null;
    const reveals = draw ? this.revealedWitnessSecrets(draw.value) : null;
    return this.log.append(
      'draw.aborted',
      { drawId: record.drawId, projectId, reason: STALE_ABORT_REASON, ...(nonce ? { nonce } : {}), ...(reveals && reveals.length > 0 ? { witnessReveals: reveals } : {}) },
      {
        writes: (endIndex) => [
          ...projectWrites(again),
          ...(draw ? [draws.write({ ...draw.value, state: 'aborted', endIndex, inputs: { project: record.project, request: record.request } })] : []),
        ],
        expects: [projectExpected(projectId, raw)],
      },
    ).then(
      () => true,
      (err: unknown) => {
        if (!(err instanceof RecordConflictError)) throw err;
        return false;
      },
    );
  }
}

/** The project is no longer waiting for a draw (drawn meanwhile by another instance, cancelled, …): 409. */
export class NotScheduledError extends AppError {
  constructor(projectId: string, state: string) {
    super('CONFLICT', msg('project.wrongState', { id: projectId, state: msg(`projectState.${state as ProjectState}`) }));
    this.name = 'NotScheduledError';
  }
}

/** Another holder has the project's draw lease: its draw is running (or a stale draw is being aborted) elsewhere: 409. */
export class DrawInProgressError extends AppError {
  constructor(projectId: string) {
    super('DRAW_IN_PROGRESS', msg('draw.inProgress', { id: projectId }));
    this.name = 'DrawInProgressError';
  }
}

/** A result write that lost a race: a clear 409 (the project aborted or edited since the commit), never a bare conflict. */
function resultConflict(err: unknown, projectId: string, drawId: string): unknown {
  if (!(err instanceof RecordConflictError)) return err;
  if (err.collection === projects.collection) return new AppError('CONFLICT', msg('draw.resultProjectChanged', { project: projectId, draw: drawId }));
  return new AppError('CONFLICT', msg('draw.resultConflict', { draw: drawId, collection: err.collection }));
}

/** What a draw ended with (metrics): `drawn`, or the stable code of the error that stopped it. */
export type DrawOutcome = 'drawn' | ErrorCode;

/** A drawn draw's selections as the history keeps them: written with its result, and remembered once committed. */
function selectionOf(draw: DrawRecord, result: { readonly tenderer: string; readonly selected: readonly string[] }): SelectionRecord {
  return { drawId: draw.drawId, resultIndex: draw.resultIndex!, at: draw.createdAt, tenderer: result.tenderer, experts: result.selected };
}

function outcomeOf(err: unknown): DrawOutcome {
  return err instanceof AppError ? err.code : 'INTERNAL';
}

/** A verified round as the result entry records it. */
function beaconRecord(round: VerifiedRound): NonNullable<ResultPayload['beacon']> {
  return { chain: round.chain, round: round.round, randomness: round.randomness, signature: round.signature, ...(round.previousSignature ? { previousSignature: round.previousSignature } : {}) };
}

/** Too few witness deposits under `onShort: fail` (§6.2): the draw fails before its commit, its plan opened. */
class WitnessMissing extends AppError {
  constructor(
    readonly drawId: string,
    required: number,
    deposited: number,
    readonly opened: { nonce: string; witnessReveals: string[] } | undefined,
  ) {
    super('WITNESS_MISSING', msg('witness.missing', { required, deposited }), { required, deposited });
    this.name = 'WitnessMissing';
  }
}

/** The project record without its plan: a draw that starts, or fails, uses the plan up. */
function withoutPlan(project: ProjectRecord): ProjectRecord {
  if (!project.plan) return project;
  const { plan: _used, ...rest } = project;
  return rest;
}

/** The pool changed between preparing and committing: prepare again on the new index. */
class PoolMoved extends Error {}

/** A commit that lost a race: the pool moved (prepare again) or the project changed since it was read (409), or a result's record. */
function commitConflict(err: unknown, projectId: string, drawId: string): unknown {
  if (!(err instanceof RecordConflictError)) return err;
  if (isPoolVersion(err)) return new PoolMoved();
  if (err.collection === projects.collection) return new AppError('CONFLICT', msg('project.changedMeanwhile', { id: projectId }));
  // A commit appended with its result (§6.3) expects the result's records too.
  return resultConflict(err, projectId, drawId);
}

/**
 * A planned draw's ranking before its commit (§6.3), sealed with a fresh salt; null when it falls short, for the draw
 * to be committed first and its failure logged after it.
 */
function rankedAtOnce(begun: Begun, witnessed: WitnessedRun): SealedCore | null {
  try {
    return sealable(begun, finishPlanned(begun, { beaconRandomness: null, witnessReveals: witnessed.reveals }), pooledRandomBytes(32));
  } catch (err) {
    if (err instanceof AppError) return null;
    throw err;
  }
}

/** Opens a draw's sealed result with the service's private sealing key. */
export function openSealedResult(draw: DrawRecord, sealingPrivateKey: KeyObject): SealedContent {
  if (!draw.sealed) throw new AppError('NOT_FOUND', msg('draw.noResult', { id: draw.drawId }));
  return JSON.parse(open(draw.sealed, draw.drawId, 'service', sealingPrivateKey).toString('utf8')) as SealedContent;
}

/** Each group's ranking for the roster: selected, alternates, then the extension. */
export function rosterGroups(content: SealedContent): Array<{ specialty: string; count: number; ranking: string[] }> {
  const ranked = rankings(content);
  return content.result.groups.map((g, i) => ({ specialty: g.specialty, count: g.selected.length, ranking: ranked[i]! }));
}
