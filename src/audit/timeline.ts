// How each audit entry tells a project's story (GET /v1/projects/{id}/timeline): which project and draw it concerns,
// and what it says — seats and ranks, never an expert. One row per entry type, so a changed entry changes one row; an
// entry for a batch (`calls.placed`) tells one event per call. The log index (src/services/log-index.ts) reads the subjects, the timeline service the stories.
import type { z } from 'zod';
import { assuranceOf } from '../draw/seed.js';
import type { ENTRIES, EntryType } from './entries.js';

type Payload<T extends EntryType> = z.infer<(typeof ENTRIES)[T]>;

/** Type-specific facts of an event: counts, times, codes, roles; never a name, a phone or an expert id. */
export type Detail = Readonly<Record<string, string | number | boolean | null | string[]>>;

/** One event of a story, before the index, time and type of its entry are added. */
export interface StoryEvent {
  readonly drawId?: string;
  readonly group?: number;
  readonly seat?: number;
  readonly rank?: number;
  readonly detail?: Detail;
}

interface Row<P> {
  /** The project the entry names; without it, the project of the draw it names (known from the draw's commit). */
  readonly project?: (p: P) => string;
  readonly draw?: (p: P) => string;
  /** What the entry says: none, one, or several events (an entry for a batch). */
  readonly story: (p: P) => StoryEvent[];
}

type Seat = { drawId: string; group: number; seat: number; rank: number };
const seat = (p: Seat): StoryEvent => ({ drawId: p.drawId, group: p.group, seat: p.seat, rank: p.rank });
const byDraw = { draw: (p: { drawId: string }) => p.drawId };
const byProjectAndDraw = { ...byDraw, project: (p: { projectId: string }) => p.projectId };
const sum = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0);

/** The rows: every catalogue type that concerns a project (a test checks that the two lists cover the catalogue). */
export const TIMELINE: { readonly [T in EntryType]?: Row<Payload<T>> } = {
  'project.registered': {
    project: (p) => p.project.id,
    story: (p) => [{ detail: { bidOpeningAt: p.project.bidOpeningAt, drawAt: p.drawAt, leadTimeMinutes: p.leadTimeMinutes, groups: p.request.groups.length, site: p.site ?? null } }],
  },
  'project.rescheduled': { project: (p) => p.id, story: (p) => [{ detail: { from: p.from, to: p.to, drawAt: p.drawAt, rearmed: p.rearmed ?? null, reason: p.reason } }] },
  'project.bidders': { project: (p) => p.id, story: (p) => [{ detail: { bidders: p.bidders.length } }] },
  // A witnessed project's plan (docs/draw-proof.md §6.2) and its witnesses' deposits: commitments, never a secret.
  'draw.planned': { ...byProjectAndDraw, story: (p) => [{ drawId: p.drawId, detail: { nonceHash: p.nonceHash, depositsCloseAt: p.depositsCloseAt, required: p.witnesses.required, onShort: p.witnesses.onShort, replaces: p.replaces ?? null } }] },
  'witness.deposited': { ...byProjectAndDraw, story: (p) => [{ drawId: p.drawId, detail: { role: p.witness.role, commitment: p.commitment } }] },
  'project.cancelled': { project: (p) => p.id, story: (p) => [{ ...(p.withdrawsDraw ? { drawId: p.withdrawsDraw } : {}), detail: { from: p.from, reason: p.reason, endsPlan: p.endsPlan ?? null } }] },
  'draw.missed': { project: (p) => p.projectId, story: (p) => [{ detail: { drawAt: p.drawAt, bidOpeningAt: p.bidOpeningAt } }] },
  'draw.commit': { ...byProjectAndDraw, story: (p) => [{ drawId: p.drawId, detail: { poolVersion: p.poolVersion, groups: p.groups.length, assurance: assuranceOf(p.entropy), ...(p.entropy.beacon ? { beaconRound: p.entropy.beacon.round } : {}) } }] },
  'draw.result': {
    ...byProjectAndDraw,
    story: (p) => [{ drawId: p.drawId, detail: { selected: sum(p.groups.map((g) => g.selected)), alternates: sum(p.groups.map((g) => g.alternates)), sealedTo: p.sealedTo?.site ?? null } }],
  },
  'draw.failed': { ...byProjectAndDraw, story: (p) => [{ drawId: p.drawId, detail: { code: p.code, committed: p.committed } }] },
  'draw.aborted': { ...byProjectAndDraw, story: (p) => [{ drawId: p.drawId, detail: { reason: p.reason } }] },
  // The reveal names every ranked expert: the story says only that it happened.
  'draw.reveal': { ...byProjectAndDraw, story: (p) => [{ drawId: p.drawId }] },
  // An abandoned draw's lines, published with the disclosure of the draw that followed it.
  'draw.lines': { ...byProjectAndDraw, story: (p) => [{ drawId: p.drawId, detail: { disclosedWith: p.disclosedWith } }] },
  'draw.exported': { ...byProjectAndDraw, story: (p) => [{ drawId: p.drawId, detail: { site: p.site } }] },
  'unseal.approved': { ...byProjectAndDraw, story: (p) => [{ drawId: p.drawId, detail: { role: p.role } }] },
  'draw.unsealed': { ...byProjectAndDraw, story: (p) => [{ drawId: p.drawId, detail: { roles: p.approvedBy.map((a) => a.role) } }] },
  'draw.panel-read': { ...byProjectAndDraw, story: (p) => [{ drawId: p.drawId, detail: { role: p.role } }] },
  'calls.placed': { ...byDraw, story: (p) => p.calls.map((c) => ({ ...seat({ drawId: p.drawId, ...c }), detail: { messageId: c.messageId, deadline: c.deadline } })) },
  'call.accepted': { ...byDraw, story: (p) => [{ ...seat(p), detail: { messageId: p.messageId } }] },
  'call.declined': { ...byDraw, story: (p) => [{ ...seat(p), detail: { messageId: p.messageId } }] },
  'call.timeout': { ...byDraw, story: (p) => [{ ...seat(p), detail: { messageId: p.messageId } }] },
  'call.undelivered': { ...byDraw, story: (p) => [{ ...seat(p), detail: { messageId: p.messageId } }] },
  'call.busy': { ...byDraw, story: (p) => [{ ...seat(p), detail: { messageId: p.messageId } }] },
  'call.withdrawn': { ...byDraw, story: (p) => [{ ...seat(p), detail: { messageId: p.messageId, noticeId: p.noticeId } }] },
  // The gateway's reason is its own text: left out.
  'call.delivery': { ...byDraw, story: (p) => [{ drawId: p.drawId, detail: { messageId: p.messageId, kind: p.kind, attempt: p.attempt, ok: p.ok, final: p.final ?? false } }] },
  'seat.promoted': { ...byDraw, story: (p) => [{ drawId: p.drawId, group: p.group, seat: p.seat, rank: p.toRank, detail: { fromRank: p.fromRank, because: p.because } }] },
  'seat.unfilled': { ...byDraw, story: (p) => [{ drawId: p.drawId, group: p.group, seat: p.seat, rank: p.fromRank, detail: { because: p.because } }] },
  'seat.passed-over': { ...byDraw, story: (p) => [{ drawId: p.drawId, group: p.group, seat: p.seat, rank: p.rank, detail: { codes: p.codes } }] },
  'checkin.admitted': { ...byDraw, story: (p) => [seat(p)] },
  'checkin.refused': { ...byDraw, story: (p) => [{ ...seat(p), detail: { codes: p.codes ?? [] } }] },
  'checkin.repeated': { ...byDraw, story: (p) => [seat(p)] },
  'checkin.unanswered': { ...byDraw, story: (p) => [seat(p)] },
  'checkin.unmatched': { ...byProjectAndDraw, story: (p) => [{ drawId: p.drawId }] },
  'checkin.blocked': { ...byProjectAndDraw, story: (p) => [{ drawId: p.drawId }] },
  // Performance records: the seat and what happened, never the sealed subject.
  'record.call': { ...byProjectAndDraw, story: (p) => [{ ...seat(p), detail: { outcome: p.outcome, seconds: p.seconds, replaced: p.replaced } }] },
  'record.checkin': { ...byProjectAndDraw, story: (p) => [{ ...seat(p), detail: { outcome: p.outcome, minutesAfterOpening: p.minutesAfterOpening, replaced: p.replaced } }] },
  'record.no-show': { ...byProjectAndDraw, story: (p) => [{ ...seat(p), detail: { dueAt: p.dueAt } }] },
  'record.entered': { ...byProjectAndDraw, story: (p) => [{ ...seat(p), detail: { recordId: p.recordId, code: p.code, corrects: p.corrects, role: p.role } }] },
  'record.withdrawn': { ...byProjectAndDraw, story: (p) => [{ ...seat(p), detail: { withdraws: p.withdraws, objectionId: p.objectionId } }] },
};

/** Catalogue types that concern no project: the pool, the remote sites, staff accounts and their login sessions. */
export const NOT_ABOUT_A_PROJECT: readonly EntryType[] = [
  'expert.created',
  'expert.updated',
  'expert.availability',
  'expert.relations',
  'expert.status',
  'organisation.upserted',
  'pool.id-matched',
  'pool.id-matches-refused',
  'expert.applied',
  'expert.admitted',
  'expert.rejected',
  'expert.confirmed',
  'expert.lapsed',
  'expert.exited',
  'expert.certificate',
  'lifecycle.adopted',
  'lifecycle.retirement-age',
  'exchange.exported',
  'exchange.imported',
  'site.registered',
  'site.renewed',
  'site.revoked',
  'user.created',
  'user.updated',
  'user.disabled',
  'user.enabled',
  'user.password-reset',
  'user.password-changed',
  'user.password-rehashed',
  'login.locked',
  'session.opened',
  'session.refreshed',
  'session.ended',
  // Rules' consequences and objections name the expert (after disclosure): the expert's story, not a project's.
  'rule.applied',
  'rule.lifted',
  'objection.lodged',
  'objection.decided',
  'review.closed',
  'record-link.sent',
  'record-link.delivery',
  'expert.contact-changed',
  'contact-notice.delivery',
  'expert.personal-change-held',
  'log.marker-archived',
  'expert.personal-change-approved',
  'expert.personal-change-rejected',
];

/** The row of an entry type, as the readers see it (the payload as parsed from the entry's JSON). */
export function timelineRow(type: string): Row<never> | undefined {
  return Object.hasOwn(TIMELINE, type) ? (TIMELINE[type as EntryType] as Row<never>) : undefined;
}
