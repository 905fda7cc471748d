// A project (tender) as the draw sees it: the parties an expert must not be tied to, and when bids open.
import { z } from 'zod';
import { schemaMessage } from '../i18n/zod-issues.js';
import { ExpertId, IsoDateTimeWithOffset, ProjectId, RegionCode, Uscc } from './primitives.js';
import { offsetOf, offsetText, wallClock } from './wall-clock.js';

/** Bidders a project may name (at registration, and with those added before its draw). */
export const MAX_BIDDERS = 500;

export const Project = z
  .object({
    id: ProjectId,
    tenderer: Uscc.describe('Tenderer (招标人)'),
    agency: Uscc.nullable().default(null).describe('Tendering agency (招标代理); null when the tenderer runs the tender itself'),
    bidders: z.array(Uscc).max(MAX_BIDDERS).default([]).describe('Bidders (投标人) if already known; re-checked at check-in'),
    avoid: z.array(Uscc).max(500).default([]).describe('Further organisations the project asks experts not to be tied to'),
    preparedBy: z.array(ExpertId).max(500).default([]).describe('Experts who took part in preparing this project'),
    bidOpeningAt: IsoDateTimeWithOffset.describe('Bid opening (开标) time with its time zone offset'),
    region: RegionCode.describe('Region of the project, for 异地 (outside the project region) groups'),
  })
  .strict();

export type Project = z.infer<typeof Project>;

type Parties = Pick<Project, 'tenderer' | 'agency' | 'bidders'>;

/** A contradiction between a project's own parties: where, and the schema message that says what. */
export interface PartyConflict {
  readonly path: readonly [string] | readonly [string, number];
  readonly message: string;
}

/**
 * Where a project's own parties contradict each other: an agency that is the tenderer itself (null says the tenderer
 * runs the tender), or a bidder that is the tenderer or its agency (招标投标法实施条例 第十三条: an agency does not bid in
 * a tender it runs). Checked where a project is registered or told its bidders, never where a logged project is read:
 * the log keeps what was registered before this rule.
 */
export function partyConflicts(p: Parties): PartyConflict[] {
  const out: PartyConflict[] = [];
  if (p.agency !== null && p.agency === p.tenderer) out.push({ path: ['agency'], message: schemaMessage('agencyIsTenderer') });
  p.bidders.forEach((b, i) => {
    if (b === p.tenderer) out.push({ path: ['bidders', i], message: schemaMessage('bidderIsTenderer') });
    else if (b === p.agency) out.push({ path: ['bidders', i], message: schemaMessage('bidderIsAgency') });
  });
  return out;
}

/** partyConflicts as a schema's refinement. */
export function refineParties(p: Parties, ctx: z.RefinementCtx): void {
  for (const c of partyConflicts(p)) ctx.addIssue({ code: 'custom', path: [...c.path], message: c.message });
}

/** A project as it may be registered: the schema, and its parties consistent (refineParties). */
export const RegisteredProject = Project.superRefine(refineParties);
export type ProjectInput = z.input<typeof Project>;

/**
 * The local calendar date of bid opening, as written in its own offset (availability is declared per local date). The
 * service writes every opening in the centre's zone (openingInZone), so that this is the centre's calendar day.
 */
export function bidOpeningLocalDate(project: Pick<Project, 'bidOpeningAt'>): string {
  return project.bidOpeningAt.slice(0, 10);
}

/**
 * The same instant written in `timeZone`'s offset at it: `2026-12-06T20:09:33Z` in Asia/Shanghai is
 * `2026-12-07T04:09:33+08:00`. Fractional seconds are kept as written. The draw reads the opening's date as written
 * (bidOpeningLocalDate, docs/draw-proof.md): written in the centre's zone, it is the centre's day whatever offset a
 * client sent.
 */
export function openingInZone(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  const w = wallClock(ms, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const fraction = /T\d{2}:\d{2}:\d{2}(\.\d+)/.exec(iso)?.[1] ?? '';
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${fraction}${offsetText(offsetOf(w, ms))}`;
}
