// The expert record the draw reads, and the personal data kept apart from it.
import { z } from 'zod';
import { ExpertId, IsoDate, PersonText, RegionCode, ResidentId, SpecialtyCode, Uscc } from './primitives.js';

export const EXPERT_STATUSES = ['active', 'suspended', 'blacklisted', 'retired'] as const;
export const ExpertStatus = z.enum(EXPERT_STATUSES).describe('Pool status; only active experts (or suspensions that have ended) are drawn');

/** Positions that bind an expert (or a close relative) to an organisation (domain.md recusal rules 2 and 3). */
export const ORG_ROLES = ['employee', 'director', 'supervisor', 'controlling-shareholder', 'adviser'] as const;

export const OrgRelation = z
  .object({
    kind: z.literal('org').describe('A position held at an organisation'),
    holder: z.enum(['self', 'relative']).describe('Held by the expert, or by a close relative of the expert'),
    role: z.enum(ORG_ROLES).describe('The position held'),
    org: Uscc,
    until: IsoDate.nullable().describe('Last day the position was held; null while it lasts'),
  })
  .strict();

export const RelativeRelation = z
  .object({
    kind: z.literal('relative').describe('A close relative who is also in the pool'),
    expertId: ExpertId,
  })
  .strict();

export const Relation = z.discriminatedUnion('kind', [OrgRelation, RelativeRelation]);

export const Expert = z
  .object({
    id: ExpertId,
    specialties: z.array(SpecialtyCode).min(1).max(16).describe('Specialty codes the expert is registered for'),
    region: RegionCode,
    employer: Uscc.describe('Current employer, as a unified social credit code'),
    status: ExpertStatus,
    suspendedUntil: IsoDate.nullable().default(null).describe('Last day of a suspension; null for an open-ended one'),
    unavailable: z.array(IsoDate).max(366).default([]).describe('Dates the expert declared unavailable'),
    relations: z.array(Relation).max(64).default([]).describe('Declared relations (回避 declarations)'),
  })
  .strict();

/** Personal data: never part of a draw input, never in a log, stored encrypted or keyed-hashed. */
export const ExpertPersonal = z
  .object({
    name: PersonText({ max: 64, description: 'Full name' }),
    phone: z.string().regex(/^\+?\d{6,20}$/, 'phone: digits, optionally with a leading +').describe('Phone number for calls'),
    idNumber: ResidentId,
  })
  .strict();

/** A phone number as one line reaches: a mainland mobile number with +86 or 86 before it is the same number without. */
export const samePhone = (phone: string): string => phone.replace(/^(?:\+|00)?86(?=1\d{10}$)/, '');

/** The personal data a change is told to the expert for (and held for a second person's approval), in the order a notice names them. */
export const PERSONAL_FIELDS = ['phone', 'name', 'idNumber'] as const;
export const PersonalField = z.enum(PERSONAL_FIELDS).describe('Which personal data: phone, name or idNumber (never its value)');
export type PersonalField = z.infer<typeof PersonalField>;

/** Which of an expert's personal data differ between two versions, in PERSONAL_FIELDS order. */
export const personalFields = (before: ExpertPersonal, after: ExpertPersonal): PersonalField[] => PERSONAL_FIELDS.filter((f) => before[f] !== after[f]);

export const Organisation = z
  .object({
    code: Uscc,
    name: PersonText({ max: 200, description: 'Registered name' }),
  })
  .strict();

export type Expert = z.infer<typeof Expert>;
export type ExpertInput = z.input<typeof Expert>;
export type ExpertPersonal = z.infer<typeof ExpertPersonal>;
export type Relation = z.infer<typeof Relation>;
export type OrgRelation = z.infer<typeof OrgRelation>;
export type Organisation = z.infer<typeof Organisation>;
