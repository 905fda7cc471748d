// A drawn result's disclosure after the award, and what depends on it: the reveal entry (rebuilt from the log and
// checked against the commit first), the proof bundle for inspectors, and a remote site's copy of its sealed result.
import type { KeyObject } from 'node:crypto';
import type { ServiceLog } from '../audit/entries.js';
import type { TokenClaims } from '../auth/roles.js';
import { toExport, type SealedExport } from '../crypto/sealing.js';
import { jcs } from '../crypto/canonical.js';
import { LINES_ENTRY_TYPE, REVEAL_ENTRY_TYPE } from '../draw/constants.js';
import { CommitPayload } from '../draw/entries.js';
import type { PreparedDraw } from '../draw/engine.js';
import type { Policy } from '../domain/policy.js';
import type { Project } from '../domain/project.js';
import type { DrawRequest } from '../domain/request.js';
import { conflictContext, inFrequencyWindow } from '../draw/conflicts.js';
import { EMPTY_HISTORY } from '../draw/history.js';
import { AppError } from '../errors.js';
import { msg } from '../i18n/message.js';
import type { InclusionProof } from '../log/audit-log.js';
import { abandonedChain, draws, type DrawRecord } from '../records/draws.js';
import { RecordConflictError, type Store } from '../store/store.js';
import { PoolReplay, rebuildDraw, ReplayError } from '../verify/pool-replay.js';
import { revealFacts, revealPayload, type PastDraw, type RevealGroupLines } from '../verify/reveal-facts.js';
import { openSealedResult } from './draw.service.js';
import type { ProjectService } from './project.service.js';
import type { RosterService } from './roster.service.js';
import type { SelectionHistory } from './selection-history.js';

export interface DrawProofPart {
  readonly index: number;
  /** The entry's exact bytes (JCS JSON). */
  readonly entry: string;
  readonly inclusion: InclusionProof;
}

export interface DrawProof {
  readonly drawId: string;
  readonly commit: DrawProofPart;
  readonly result: DrawProofPart;
  readonly reveal: DrawProofPart;
  /** The project's earlier draws that ended after their commit (docs/draw-proof.md §11, §13). */
  readonly abandoned?: ReadonlyArray<{ readonly commit: DrawProofPart; readonly end: DrawProofPart; readonly lines?: DrawProofPart }>;
  /** A planned draw (§6.2): its draw.planned entry and the witness.deposited entries its commit took, in log order. */
  readonly planned?: { readonly plan: DrawProofPart; readonly deposits: readonly DrawProofPart[] };
}

export class DisclosureService {
  /** The pool replayed from the log, kept from one disclosure to the next (each reads only the entries since). */
  private readonly pools: PoolReplay;

  constructor(
    private readonly store: Store,
    private readonly log: ServiceLog,
    private readonly projects: ProjectService,
    private readonly roster: RosterService,
    private readonly history: SelectionHistory,
    private readonly sealingPrivateKey: KeyObject,
  ) {
    this.pools = new PoolReplay(store);
  }

  private async get(drawId: string): Promise<DrawRecord> {
    const found = await draws.read(this.store, drawId);
    if (!found) throw new AppError('NOT_FOUND', msg('draw.notFound', { id: drawId }));
    return found.value;
  }

  /**
   * Disclosure after the award: the reveal entry publishes nonce, salt, result, the stream's extension and the member
   * and exclusion lines of every group, rebuilt from the log at the draw's pool version and checked against the
   * commit first. From then on the draw's proof is available to inspectors. Needs the list unsealed.
   */
  async disclose(drawId: string, by: TokenClaims): Promise<DrawRecord> {
    // Two disclosures at once: the one that loses the race finds the draw disclosed and answers it (disclosure is
    // idempotent), instead of a conflict.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.discloseOnce(drawId, by);
      } catch (err) {
        if (!(err instanceof RecordConflictError) || attempt >= 3) throw err;
      }
    }
  }

  private async discloseOnce(drawId: string, by: TokenClaims): Promise<DrawRecord> {
    const found = await draws.read(this.store, drawId);
    if (!found) throw new AppError('NOT_FOUND', msg('draw.notFound', { id: drawId }));
    const { value: draw, raw } = found;
    if (draw.revealIndex !== undefined) return draw;
    if (draw.state !== 'drawn' || draw.resultIndex === null) throw new AppError('CONFLICT', msg('draw.wrongState', { id: drawId, state: msg(`drawState.${draw.state}`) }));
    if (!(await this.roster.unsealState(drawId))?.unsealedAt) throw new AppError('SEALED', msg('draw.discloseAfterUnseal'));
    const { record: project } = await this.projects.get(draw.projectId);
    const content = openSealedResult(draw, this.sealingPrivateKey);
    const policy = draw.policy ?? this.projects.policy;
    const rebuilt = await this.rebuild(draw, project.project, project.request, policy);
    // The project's earlier draws that ended after their commit and read other inputs than this one (the project or
    // the pool changed before the re-draw): their own lines first, so that its proof recomputes them too (§11).
    const earlier = await abandonedChain(this.store, draw.supersedes, drawId);
    if (earlier.length > 0) {
      const bound = boundInputs(await this.commitOf(draw.commitIndex));
      for (const e of earlier) await this.publishLines(e, draw, bound, by);
    }
    const payload = revealPayload({ drawId, projectId: draw.projectId, commitIndex: draw.commitIndex, resultIndex: draw.resultIndex, content, ...rebuilt, by: by.sub });
    const entry = await this.log.append(REVEAL_ENTRY_TYPE, payload, {
      writes: (revealIndex) => [draws.write({ ...draw, revealIndex })],
      expects: [draws.expect(drawId, raw)],
    });
    return { ...draw, revealIndex: entry.index };
  }

  /**
   * A draw rebuilt from the log at its pool version (checked against its commit), with the past draws of the history
   * it read that are disclosed already: its lines and what its reveal publishes of them.
   */
  private async rebuild(draw: DrawRecord, project: Project, request: DrawRequest, policy: Policy): Promise<{ prepared: PreparedDraw; lines: RevealGroupLines[]; history: PastDraw[] }> {
    // The history the draw read: every result up to the index it recorded.
    // Only the past draws inside its windows (rule 6): they answer its caps as the whole history did, and they are all
    // the reveal may publish.
    const windows = conflictContext(project, policy, EMPTY_HISTORY);
    const window = { fromMs: Math.min(windows.frequencySinceMs, windows.tendererSinceMs), counts: (atMs: number, tenderer: string) => inFrequencyWindow(windows, atMs, tenderer) };
    const past = draw.historyUpTo !== undefined && draw.historyUpTo >= 0 ? await this.history.recordsAsOf(draw.historyUpTo, window) : { index: EMPTY_HISTORY, records: [] };
    let rebuilt;
    try {
      rebuilt = await rebuildDraw(this.store, { commitIndex: draw.commitIndex, poolVersion: draw.poolVersion, drawId: draw.drawId, project, request, policy, history: past.index }, this.pools);
    } catch (err) {
      if (err instanceof ReplayError) throw new AppError('LOG_MISMATCH', msg('draw.notRebuilt', { reason: err.message }));
      throw err;
    }
    // The project, request and policy as the draw hashed them (requestHash, policyHash), and the facts the recusal
    // rules read: with them an inspector recomputes the region filters, every exclusion and the ranking offline.
    // Past selections are published only for draws disclosed already: naming another draw's expert before that draw is
    // disclosed would open its list early (law art 37). A frequency exclusion that rests on an undisclosed draw is
    // then not verifiable from this bundle alone, and the verifier says so (docs/draw-proof.md §10.2).
    const pastDraws = await draws.readMany(this.store, past.records.map((r) => r.drawId));
    const history = past.records.filter((_, i) => pastDraws[i]?.revealIndex !== undefined);
    return { prepared: rebuilt.prepared, lines: rebuilt.lines, history };
  }

  /**
   * An earlier draw's lines (draw.lines, §11), logged once, when its commit bound other inputs than the disclosed
   * draw's (request, policy, pool version or lines): the disclosed draw's lines do not open it then. A draw that ended
   * before the service kept its inputs, or that is not opened by its end (no nonce), is left as it is.
   */
  private async publishLines(earlier: DrawRecord & { endIndex: number }, disclosed: DrawRecord, disclosedBound: string, by: TokenClaims): Promise<void> {
    if (earlier.linesIndex !== undefined || !earlier.inputs || !earlier.policy || earlier.sealedNonce === undefined) return;
    if (boundInputs(await this.commitOf(earlier.commitIndex)) === disclosedBound) return;
    const { prepared, lines, history } = await this.rebuild(earlier, earlier.inputs.project, earlier.inputs.request, earlier.policy);
    const { project, request, policy } = prepared.input;
    const found = await draws.read(this.store, earlier.drawId);
    // Published meanwhile by a disclosure running beside this one.
    if (!found || found.value.linesIndex !== undefined) return;
    await this.log.append(
      LINES_ENTRY_TYPE,
      { drawId: earlier.drawId, projectId: earlier.projectId, commitIndex: earlier.commitIndex, endIndex: earlier.endIndex, disclosedWith: disclosed.drawId, groups: lines, facts: revealFacts(prepared, history), project, request, policy, by: by.sub },
      { writes: (linesIndex) => [draws.write({ ...found.value, linesIndex })], expects: [draws.expect(earlier.drawId, found.raw)] },
    );
  }

  /** The commit payload at a log index. */
  private async commitOf(index: number): Promise<CommitPayload> {
    const entry = JSON.parse((await this.log.entry(index)).toString('utf8')) as { payload: unknown };
    return CommitPayload.parse(entry.payload);
  }

  /**
   * A remote site's copy of its draw's sealed result, to open offline with its key. Only the site's own token gets
   * it, for a drawn result that was sealed to the site; every download is a log entry.
   */
  async sealedExport(drawId: string, by: TokenClaims): Promise<SealedExport & { readonly result?: DrawProofPart }> {
    const draw = await this.get(drawId);
    // The policy lets only the site a draw belongs to ask (draw.export); its result was sealed to that site.
    if (by.site === undefined || draw.site !== by.site) throw new AppError('FORBIDDEN', by.site === undefined ? msg('draw.notSealedToSites', { id: drawId }) : msg('draw.notSealedToSite', { id: drawId, site: by.site }));
    if (draw.state !== 'drawn' || !draw.sealed || draw.resultHash === null || draw.resultIndex === null) throw new AppError('CONFLICT', msg('draw.noSealedResult', { id: drawId, state: msg(`drawState.${draw.state}`) }));
    // A cancelled evaluation's list is of no use to a desk, and offline nothing would say it was cancelled.
    if ((await this.projects.get(draw.projectId)).record.state === 'cancelled') throw new AppError('CONFLICT', msg('project.cancelled', { id: draw.projectId }));
    // The result entry travels with the file, proved into a signed checkpoint: whoever carries the file cannot swap
    // the box (its hash is in the entry) or the list (its commitment is) without the open command noticing.
    const [inclusion] = await this.log.inclusionProofs([draw.resultIndex]);
    const result = { index: draw.resultIndex, entry: (await this.log.entry(draw.resultIndex)).toString('utf8'), inclusion: inclusion! };
    const file = toExport(drawId, draw.projectId, by.site, draw.sealed, { resultHash: draw.resultHash, resultIndex: draw.resultIndex, result });
    await this.log.append('draw.exported', { drawId, projectId: draw.projectId, site: by.site, fingerprint: draw.siteFingerprint ?? null, by: by.sub });
    return { ...file, result };
  }

  /**
   * A disclosed draw's proof: its commit, result and reveal entries, and the commit and end of every earlier draw of
   * the project that ended after its commit (failed or aborted), each with an inclusion proof to one checkpoint.
   */
  async proof(drawId: string): Promise<DrawProof> {
    const draw = await this.get(drawId);
    // A draw that ended without a result has no proof of its own: it is checked in the proof of the project's draw that
    // followed it (abandoned, §11).
    if (draw.state === 'failed' || draw.state === 'aborted') throw new AppError('CONFLICT', msg('draw.noOwnProof', { id: drawId }));
    if (draw.revealIndex === undefined || draw.resultIndex === null) throw new AppError('SEALED', msg('draw.proofAtDisclosure'));
    const abandoned = await abandonedChain(this.store, draw.supersedes, draw.drawId);
    // All against one checkpoint: one tree, so the bundle needs no consistency proof between its parts.
    const planned = draw.planned ? [draw.planned.index, ...draw.planned.deposits] : [];
    const lines = abandoned.flatMap((a) => (a.linesIndex === undefined ? [] : [a.linesIndex]));
    const indices = [draw.commitIndex, draw.resultIndex, draw.revealIndex, ...abandoned.flatMap((a) => [a.commitIndex, a.endIndex]), ...planned, ...lines];
    const proofs = await this.log.inclusionProofs(indices);
    const part = async (i: number) => ({ index: indices[i]!, entry: (await this.log.entry(indices[i]!)).toString('utf8'), inclusion: proofs[i]! });
    const earlier = [];
    let linesAt = 3 + 2 * abandoned.length + planned.length;
    for (let k = 0; k < abandoned.length; k++) {
      const own = abandoned[k]!.linesIndex === undefined ? {} : { lines: await part(linesAt++) };
      earlier.push({ commit: await part(3 + 2 * k), end: await part(4 + 2 * k), ...own });
    }
    const at = 3 + 2 * abandoned.length;
    const plan = draw.planned ? { plan: await part(at), deposits: await Promise.all(draw.planned.deposits.map((_, k) => part(at + 1 + k))) } : null;
    return { drawId, commit: await part(0), result: await part(1), reveal: await part(2), ...(earlier.length > 0 ? { abandoned: earlier } : {}), ...(plan ? { planned: plan } : {}) };
  }


}

/** What a commit bound of its inputs (§11): equal for two commits exactly when one's lines are the other's. */
function boundInputs(c: CommitPayload): string {
  return jcs([c.requestHash, c.policyHash, c.poolVersion, c.groups]);
}
