// Project records: the project with its draw schedule and state, and the scheduler's index of projects whose draw is
// ahead or running, always written together (projectChange).
import type { AssuranceMinimum } from '../domain/policy.js';
import type { Project } from '../domain/project.js';
import type { DrawRequest } from '../domain/request.js';
import type { RecordExpectation, RecordWrite } from '../store/store.js';
import { RecordSet } from './record-set.js';

export const PROJECT_STATES = ['scheduled', 'drawing', 'drawn', 'missed', 'cancelled', 'failed'] as const;
export type ProjectState = (typeof PROJECT_STATES)[number];

export interface ProjectRecord {
  readonly project: Project;
  readonly request: DrawRequest;
  readonly name: string | null;
  readonly venue: string | null;
  readonly leadTimeMinutes: number;
  /** When the scheduled draw is due (bid opening minus the lead time), ISO 8601 UTC. */
  readonly drawAt: string;
  readonly state: ProjectState;
  /** The latest draw of the project (committed, drawn, failed or aborted). */
  readonly drawId: string | null;
  readonly revision: number;
  readonly updatedAt: string;
  /** A remote evaluation site's project (its draw is sealed to the site's key as well); absent: the centre's own. */
  readonly site?: string | null;
  /** Bidders made known after registration (at bid opening): check-in re-checks against them. */
  readonly knownBidders?: string[];
  /** The assurance the project asked for at registration (the policy's minimum applies as well); absent: none. */
  readonly assurance?: AssuranceMinimum;
  /** A witnessed project's planned draw (docs/draw-proof.md §6.2), until its draw starts; absent otherwise. */
  readonly plan?: PlannedDraw;
}

/**
 * A planned draw as the store keeps it: what its draw.planned entry says, the nonce and every deposited secret
 * vault-sealed (never in an answer, a log line or an error), and each deposit's entry.
 */
export interface PlannedDraw {
  readonly drawId: string;
  /** Log index of the draw.planned entry: the commit names it (entropy.planIndex). */
  readonly index: number;
  readonly nonceHash: string;
  /** The nonce (hex), sealed under the draw's nonce context, as a committed draw's record keeps it. */
  readonly sealedNonce: string;
  readonly depositsCloseAt: string;
  readonly witnesses: { readonly required: number; readonly onShort: 'fail' | 'operator' };
  /** In log order. */
  readonly deposits: readonly WitnessDeposit[];
}

export interface WitnessDeposit {
  /** Log index of the witness.deposited entry (its time, which decides whether it counts, is the entry's own). */
  readonly index: number;
  readonly witness: { readonly user: string; readonly role: string };
  readonly commitment: string;
  /** The secret (hex), vault-sealed under depositContext(drawId, user). */
  readonly sealedSecret: string;
}

/** What a deposited secret is sealed to: it opens only as this witness's secret for this plan. */
export function depositContext(drawId: string, user: string): string {
  return `${projects.collection}/plans/${drawId}/witness/${user}`;
}

/** What the scheduler needs of a project whose draw is ahead or running. */
export interface ScheduleEntry {
  readonly id: string;
  readonly state: ProjectState;
  readonly drawAt: string;
  readonly bidOpeningAt: string;
}

export const projects = new RecordSet<ProjectRecord>('projects', (p) => p.project.id);

/**
 * The scheduler's index: only projects whose draw is still ahead or running, so that its tick reads those and not
 * every project ever registered. Kept in the same transaction as the project record.
 */
export const schedule = new RecordSet<ScheduleEntry>('project-schedule', (e) => e.id);

/** States whose draw is ahead or running: the ones in the schedule index. */
export const ACTIVE: ReadonlySet<ProjectState> = new Set(['scheduled', 'drawing']);

export function scheduleEntry(p: ProjectRecord): ScheduleEntry {
  return { id: p.project.id, state: p.state, drawAt: p.drawAt, bidOpeningAt: p.project.bidOpeningAt };
}

/** Every write a changed project needs: its record, and its schedule entry (removed once the draw is behind it). */
export function projectWrites(next: ProjectRecord): RecordWrite[] {
  return projectChange(next).writes;
}

/** The same writes, with the record's bytes they write: what a later change of the project expects to find. */
export function projectChange(next: ProjectRecord): { writes: RecordWrite[]; raw: Buffer } {
  const record = projects.write(next);
  return { writes: [record, ACTIVE.has(next.state) ? schedule.write(scheduleEntry(next)) : schedule.remove(next.project.id)], raw: record.value! };
}

/** The project record must still be exactly as it was read (null: must not exist yet). */
export function projectExpected(id: string, raw: Buffer | null): RecordExpectation {
  return projects.expect(id, raw);
}
