// Monitoring and early warning (docs/alerts.md): the alerts of src/verify/alerts.ts over the service's own disclosed
// draws. A draw counts once its reveal is in the log and its proof bundle verifies (the draws fairness reads, verified
// once and kept by the fairness service); its call records are joined to experts by group and rank through the
// revealed ranking, each checked against its per-draw keyed subject. Draws still sealed count nowhere, not even in the
// centre-wide acceptance: their panels and records are not attributable yet. Besides, a rule over the projects' own
// entries: remote sites that cancel drawn projects (a site opens its result at once; docs/security.md T3).
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { alertsPolicy, type AlertsPolicy, type Policy } from '../domain/policy.js';
import { rankings } from '../draw/entries.js';
import { entryType } from '../log/entry.js';
import { recordSubject } from '../records/performance.js';
import { uncounted } from '../roster/performance.js';
import type { Store } from '../store/store.js';
import { assessAlerts, type AlertCall, type AlertDraw, type AlertsReport, type Withdrawal } from '../verify/alerts.js';
import { LogFollower } from './catch-up.js';
import type { FairnessService } from './fairness.service.js';

const REVEAL = 'draw.reveal';
const CALL = 'record.call';
const REGISTERED = 'project.registered';
const CANCELLED = 'project.cancelled';

/** What a reveal says that the alerts read: the project's parties and opening, and each group's ranking. */
interface Revealed {
  readonly at: number;
  readonly tenderer: string;
  readonly agency: string | null;
  readonly rankings: readonly (readonly string[])[];
}

/** A call record as the log holds it: by group and rank, the expert only as the draw's keyed subject. */
interface CallRecord {
  readonly group: number;
  readonly rank: number;
  readonly subject: string;
  readonly outcome: AlertCall['outcome'];
}

export interface AlertsAnswer extends AlertsReport {
  readonly policy: AlertsPolicy;
  /** Disclosed draws left out because their proof did not verify (should be none). */
  readonly unverified: readonly string[];
  /** Call records of counted draws whose subject is not the expert at their rank: left out (should be none). */
  readonly unattributed: number;
}

export class AlertsService {
  private readonly reveals = new Map<string, Revealed>();
  private readonly calls = new Map<string, CallRecord[]>();
  /** Draw id → its calls joined to experts, and how many records they were made from (more may arrive). */
  private readonly joined = new Map<string, { from: number; calls: AlertCall[]; unattributed: number }>();
  /** Project id → the remote site that registered it (the centre's own projects are not kept). */
  private readonly siteOf = new Map<string, string>();
  /** Sites' drawn projects cancelled, in log order. */
  private readonly withdrawals: Withdrawal[] = [];
  private last: { key: string; answer: AlertsAnswer } | null = null;
  private readonly log: LogFollower;

  constructor(
    store: Store,
    private readonly fairness: FairnessService,
    private readonly vault: PersonalDataVault,
    private readonly policy: Policy,
    private readonly now: () => number,
  ) {
    this.log = new LogFollower(store, (_index, bytes) => this.take(bytes));
  }

  /**
   * The alerts as of `at` (ISO; default now, to the minute: the windows are days long), under the policy's thresholds.
   * The last answer is kept while the log has not grown: a year of draws takes a second or two of CPU to assess.
   */
  async report(q: { readonly at?: string }): Promise<AlertsAnswer> {
    const at = q.at === undefined ? Math.floor(this.now() / 60_000) * 60_000 : Date.parse(q.at);
    await this.log.catchUp();
    const key = `${this.log.size}/${at}`;
    if (this.last?.key === key) return this.last.answer;
    const answer = await this.assess(at);
    this.last = { key, answer };
    return answer;
  }

  private async assess(at: number): Promise<AlertsAnswer> {
    const policy = alertsPolicy(this.policy);
    // Every disclosed draw committed before `at`: the windows go by bid opening, which a draw precedes.
    const { draws: verified, unverified } = await this.fairness.disclosedDraws({ to: new Date(at).toISOString() });
    const draws: AlertDraw[] = [];
    let unattributed = 0;
    for (const d of verified) {
      const revealed = this.reveals.get(d.drawId);
      if (!revealed) continue;
      const joined = this.join(d.drawId, revealed);
      unattributed += joined.unattributed;
      draws.push({ drawId: d.drawId, at: revealed.at, tenderer: revealed.tenderer, agency: revealed.agency, groups: d.groups, calls: joined.calls });
    }
    return { ...assessAlerts(draws, at, policy, this.withdrawals), policy, unverified, unattributed };
  }

  /** A disclosed draw's calls with their experts: the rank's expert, when the record's subject is theirs. */
  private join(drawId: string, revealed: Revealed): { calls: AlertCall[]; unattributed: number } {
    const records = this.calls.get(drawId) ?? [];
    const known = this.joined.get(drawId);
    if (known && known.from === records.length) return known;
    const calls: AlertCall[] = [];
    let unattributed = 0;
    for (const r of records) {
      const expertId = revealed.rankings[r.group]?.[r.rank];
      if (expertId !== undefined && recordSubject(this.vault, drawId, expertId) === r.subject) calls.push({ expertId, outcome: r.outcome });
      else unattributed++;
    }
    const out = { from: records.length, calls, unattributed };
    this.joined.set(drawId, out);
    return out;
  }

  /** Reads the log since the last look: reveals, and call records (kept by draw until it is disclosed). */
  private take(bytes: Buffer): void {
    const type = entryType(bytes);
    if (type === REVEAL) this.takeReveal(bytes);
    else if (type === CALL) {
      const { payload: p } = JSON.parse(bytes.toString('utf8')) as { payload: { drawId: string; group: number; rank: number; subject: string; outcome: AlertCall['outcome'] | 'undelivered' | 'busy' } };
      // A call whose message never reached the expert, or one an expert seated elsewhere could not take, says nothing
      // about the expert: the alerts read answers.
      if (uncounted(p.outcome)) return;
      const list = this.calls.get(p.drawId) ?? this.calls.set(p.drawId, []).get(p.drawId)!;
      list.push({ group: p.group, rank: p.rank, subject: p.subject, outcome: p.outcome });
    } else if (type === REGISTERED) {
      const { payload: p } = JSON.parse(bytes.toString('utf8')) as { payload: { project: { id: string }; site?: string } };
      if (p.site !== undefined) this.siteOf.set(p.project.id, p.site);
    } else if (type === CANCELLED) {
      const { time, payload: p } = JSON.parse(bytes.toString('utf8')) as { time: string; payload: { id: string; withdrawsDraw?: string } };
      const site = this.siteOf.get(p.id);
      if (p.withdrawsDraw !== undefined && site !== undefined) this.withdrawals.push({ at: Date.parse(time), site, projectId: p.id, drawId: p.withdrawsDraw });
    }
  }

  private takeReveal(bytes: Buffer): void {
    const { payload } = JSON.parse(bytes.toString('utf8')) as {
      payload: { drawId: string; project: { tenderer: string; agency?: string | null; bidOpeningAt: string }; result: { groups: Array<{ selected: string[]; alternates: string[] }> }; extension: string[][] };
    };
    // The ranking the roster called down, by group.
    this.reveals.set(payload.drawId, { at: Date.parse(payload.project.bidOpeningAt), tenderer: payload.project.tenderer, agency: payload.project.agency ?? null, rankings: rankings(payload) });
  }
}
