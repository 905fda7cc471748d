// A project (tender) as the draw sees it: the parties an expert must not be tied to, and when bids open.
import { z } from 'zod';
import { ExpertId, IsoDateTimeWithOffset, ProjectId, RegionCode, Uscc } from './primitives.js';

export const Project = z
  .object({
    id: ProjectId,
    tenderer: Uscc.describe('Tenderer (招标人)'),
    agency: Uscc.nullable().default(null).describe('Tendering agency (招标代理); null when the tenderer runs the tender itself'),
    bidders: z.array(Uscc).max(500).default([]).describe('Bidders (投标人) if already known; re-checked at check-in'),
    avoid: z.array(Uscc).max(500).default([]).describe('Further organisations the project asks experts not to be tied to'),
    preparedBy: z.array(ExpertId).max(500).default([]).describe('Experts who took part in preparing this project'),
    bidOpeningAt: IsoDateTimeWithOffset.describe('Bid opening (开标) time with its time zone offset'),
    region: RegionCode.describe('Region of the project, for 异地 (outside the project region) groups'),
  })
  .strict();

export type Project = z.infer<typeof Project>;
export type ProjectInput = z.input<typeof Project>;

/** The local calendar date of bid opening, as written in its own offset (availability is declared per local date). */
export function bidOpeningLocalDate(project: Pick<Project, 'bidOpeningAt'>): string {
  return project.bidOpeningAt.slice(0, 10);
}
