// A draw request: groups of a specialty and a count, with optional region filters.
import { z } from 'zod';
import { RegionPrefix, SpecialtyCode } from './primitives.js';

export const RegionFilter = z
  .object({
    include: z.array(RegionPrefix).max(100).optional().describe('Only experts whose region starts with one of these'),
    exclude: z.array(RegionPrefix).max(100).optional().describe('No expert whose region starts with one of these'),
    outsideProjectRegion: z
      .boolean()
      .optional()
      .describe('异地: leave out experts from the project region (level set by the policy)'),
  })
  .strict();

export const DrawGroup = z
  .object({
    specialty: SpecialtyCode,
    count: z.int().min(1).max(50).describe('Experts to select for this group'),
    alternates: z.int().min(0).max(50).optional().describe('Ranked alternates; never fewer than the policy minimum'),
    regions: RegionFilter.optional().describe('Regions to draw from or leave out (异地)'),
  })
  .strict();

export const DrawRequest = z
  .object({
    groups: z.array(DrawGroup).min(1).max(20).describe('Groups, drawn in this order'),
    tendererRepresentatives: z
      .int()
      .min(0)
      .max(50)
      .default(0)
      .describe('Tenderer representatives sitting on the committee (not drawn); counted for size and share rules'),
  })
  .strict();

export type DrawGroup = z.infer<typeof DrawGroup>;
export type DrawRequest = z.infer<typeof DrawRequest>;
export type DrawRequestInput = z.input<typeof DrawRequest>;
export type RegionFilter = z.infer<typeof RegionFilter>;
