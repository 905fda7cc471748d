// Admission and exit (准入/退出, docs/admission.md): the expert's lifecycle beside the draw input. Nothing here is a
// draw input: what a lifecycle change means for draws is written to the expert's pool status through the pool's
// ordinary `expert.status` entries (lapse → suspended, exit → retired), so the draw protocol and its vectors stay.
import { z } from 'zod';
import { IsoDate } from './primitives.js';

/** Why an expert left the pool: a closed list (labels: src/i18n/messages/lifecycle.ts `exitReason.*`). */
export const EXIT_REASONS = ['resigned', 'retired-age', 'certificate-expired', 'removed', 'deceased', 'not-in-register', 'other'] as const;
export const ExitReason = z.enum(EXIT_REASONS).describe('Why the expert left: resigned, retired-age, certificate-expired, removed, deceased, not-in-register, other');
export type ExitReason = z.infer<typeof ExitReason>;
/** Exit reasons the periodic pass applies by itself; the others are a pool manager's decision. */
export const AUTOMATIC_EXITS = ['retired-age', 'certificate-expired'] as const satisfies readonly ExitReason[];
/**
 * Exit reasons a pool manager may give by hand (POST /v1/experts/{id}/exit): never `not-in-register`, which only a
 * revised register records. The automatic ones only once true (`untrueExit`), ahead of the periodic pass.
 */
export const HAND_EXITS = EXIT_REASONS.filter((r) => r !== 'not-in-register');
export const HandExitReason = z.enum(HAND_EXITS as [Exclude<ExitReason, 'not-in-register'>, ...Array<Exclude<ExitReason, 'not-in-register'>>]).describe('Why the expert leaves: resigned, retired-age (once reached), certificate-expired (once expired), removed, deceased, other');

/** Whether an automatic reason given by hand is not (yet) true of the expert on `today`: the log would record a false one. */
export function untrueExit(reason: ExitReason, lifecycle: Pick<Lifecycle, 'retiresOn' | 'certificateExpires'>, today: string): boolean {
  if (reason === 'retired-age') return lifecycle.retiresOn === null || lifecycle.retiresOn > today;
  if (reason === 'certificate-expired') return lifecycle.certificateExpires === null || lifecycle.certificateExpires >= today;
  return false;
}

export const Exit = z
  .object({
    reason: ExitReason,
    on: IsoDate.describe('Day of the exit'),
    by: z.string().describe('Who decided it (token subject), or `lifecycle` for the periodic pass'),
  })
  .strict();

/**
 * An expert's lifecycle, kept in the expert's pool record (never in the draw input). Absent on experts added before
 * admission existed: the first periodic pass gives them one (`lifecycle.adopted`).
 */
export const Lifecycle = z
  .object({
    admittedAt: z.string().nullable().describe('When a pool manager admitted the expert (ISO 8601); null: added before admission review existed, or by an import of admitted experts'),
    admittedBy: z.string().nullable().describe('Who admitted them (token subject), or the importer for an import of admitted experts'),
    confirmedOn: IsoDate.nullable().describe('Day of the last (re-)confirmation; null: never re-confirmed since admission'),
    confirmationDue: IsoDate.describe('Confirmation is due by this day; after it the expert is not drawn until re-confirmed'),
    lapsed: z
      .object({
        since: IsoDate.describe('First day past the due date'),
        held: z.boolean().describe('The lapse suspended the expert: a re-confirmation lifts that suspension'),
        resumeUntil: IsoDate.nullable().describe('Last day of a suspension the lapse replaced (resumed at re-confirmation if not over); null: the expert was active'),
      })
      .strict()
      .nullable()
      .describe('Confirmation lapsed: not drawn until re-confirmed'),
    retiresOn: IsoDate.nullable().describe('Day the expert reaches the retirement age (from the ID number; the birth date itself is not kept); null: no age limit'),
    retirementAge: z.int().nullable().describe('The age retiresOn was computed for'),
    certificateExpires: IsoDate.nullable().describe('Last day of the expert’s qualification certificate; null: none recorded'),
    exit: Exit.nullable().describe('The exit, once the expert has left; never undone'),
  })
  .strict();
export type Lifecycle = z.infer<typeof Lifecycle>;

/** Settings of the lifecycle (the policy file's `lifecycle` section, docs/admission.md). */
export const LifecyclePolicy = z
  .object({
    confirmationMonths: z.int().min(1).max(120).default(36).describe('Re-confirmation is due this many months after admission or the last confirmation'),
    retirementAge: z.int().min(40).max(100).nullable().default(70).describe('Experts leave the pool on the day they reach this age; null: no age limit'),
    dueSoonDays: z.int().min(1).max(366).default(90).describe('The due list shows confirmations due within this many days unless asked otherwise'),
  })
  .strict();
export type LifecyclePolicy = z.infer<typeof LifecyclePolicy>;

/** `date` plus `months` calendar months (the last day of the month when the day does not exist: 2024-02-29 + 12 → 2025-02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/**
 * The day a resident ID number's holder reaches `age`: from the birth date in characters 7–14 (GB 11643-1999). Only
 * this day is kept; the birth date is read here and nowhere else, and never logged.
 */
export function retirementDay(idNumber: string, age: number): string {
  const birth = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
  return addMonths(birth, age * 12);
}

/** A new lifecycle from `today`: admitted now (or not reviewed: admittedAt null), confirmation due a period later. */
export function startLifecycle(
  today: string,
  settings: LifecyclePolicy,
  idNumber: string,
  admitted: { at: string | null; by: string | null },
  certificateExpires: string | null = null,
): Lifecycle {
  return {
    admittedAt: admitted.at,
    admittedBy: admitted.by,
    confirmedOn: null,
    confirmationDue: addMonths(today, settings.confirmationMonths),
    lapsed: null,
    retiresOn: settings.retirementAge === null ? null : retirementDay(idNumber, settings.retirementAge),
    retirementAge: settings.retirementAge,
    certificateExpires,
    exit: null,
  };
}

/** What the periodic pass does to one expert on `today`: nothing, an automatic exit, or a lapse. Pure. */
export type LifecycleStep = { kind: 'exit'; reason: (typeof AUTOMATIC_EXITS)[number] } | { kind: 'lapse' } | null;

export function dueStep(lifecycle: Lifecycle, today: string): LifecycleStep {
  if (lifecycle.exit) return null;
  if (lifecycle.retiresOn !== null && lifecycle.retiresOn <= today) return { kind: 'exit', reason: 'retired-age' };
  if (lifecycle.certificateExpires !== null && lifecycle.certificateExpires < today) return { kind: 'exit', reason: 'certificate-expired' };
  if (lifecycle.lapsed === null && lifecycle.confirmationDue < today) return { kind: 'lapse' };
  return null;
}

