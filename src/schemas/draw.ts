// What the API says about a draw: state, counts, log indices and commitments; never an expert identity. Shared by the
// project routes (the immediate draw answers with it) and the draw routes.
import { z } from 'zod';
import { ProjectId } from '../domain/primitives.js';
import type { Lang } from '../i18n/language.js';
import { DRAW_STATES, type DrawRecord } from '../records/draws.js';

export const DrawView = z
  .object({
    drawId: z.string().describe('Draw id'),
    projectId: ProjectId,
    kind: z.enum(['scheduled', 'immediate']).describe('scheduled (before bid opening, by the scheduler) or immediate (asked for)'),
    state: z.enum(DRAW_STATES).describe('committed → drawn; failed (could not fill a group), aborted (cut between commit and result)'),
    poolVersion: z.int().describe('Pool version the candidates came from'),
    assurance: z.enum(['beacon', 'witnessed', 'operator']).describe('What made the seed (docs/draw-proof.md §11)'),
    commitIndex: z.int().describe('Log index of the commit entry'),
    commitLeafHash: z.string().describe('Its RFC 9162 leaf hash'),
    resultIndex: z.int().nullable().describe('Log index of the result entry'),
    resultHash: z.string().nullable().describe('SHA-256(salt ‖ JCS(result)): the sealed result’s commitment'),
    revealIndex: z.int().optional().describe('Log index of the reveal entry, once disclosed'),
    groups: z
      .array(
        z.object({
          specialty: z.string().describe('Specialty code'),
          count: z.int().describe('Experts selected'),
          alternates: z.int().describe('Ranked alternates drawn with them'),
          eligibleCount: z.int().describe('Candidates left after the recusal rules'),
        }),
      )
      .describe('Per group: counts only'),
    failure: z.object({ code: z.string().describe('Error code'), message: z.string().describe('Why, for a person') }).nullable().describe('Why the draw failed, if it did'),
    calls: z
      .record(z.string(), z.int())
      .nullable()
      .optional()
      .describe('Seats by the state of their current call (calling, accepted, declined, timeout, refused, checked-in, undelivered, busy); counts only'),
    callsByGroup: z
      .array(
        z.object({
          group: z.int().describe('Group index, in request order'),
          specialty: z.string().describe('Specialty code of the group'),
          seats: z.int().describe('Seats the group fills'),
          current: z.record(z.string(), z.int()).describe('Seats whose current call is in each state (a seat passed on shows its new call)'),
          vacant: z.int().describe('Seats with no open or accepted call (the ranking ran out, or the call is not placed yet)'),
          declined: z.int().describe('Calls of the group declined so far, also those whose seat has since passed on'),
          timedOut: z.int().describe('Calls of the group that timed out so far'),
          refused: z.int().describe('Calls refused at check-in (a conflict found) so far'),
          undelivered: z.int().describe('Calls whose message could not be delivered so far (the seat passed on at once; counted against nobody)'),
          busy: z.int().describe('Calls accepted by an expert already seated at another evaluation that day (the seat passed on; counted against nobody)'),
        }),
      )
      .nullable()
      .optional()
      .describe('Per group: seats filled, calling and vacant, and the calls that ended without an expert; counts only'),
    unseal: z
      .object({
        approvals: z
          .array(
            z.object({
              role: z.string().describe('operator or supervisor'),
              at: z.string().describe('When, ISO 8601'),
            }),
          )
          .describe('Approvals that count: those within the approval window (10 minutes), or all of them once unsealed'),
        openedAt: z.string().nullable().describe('When the second approval opened the whole list; null until then'),
      })
      .optional()
      .describe('How the two-person unseal stands (on draw status and the listing): roles and times only, neither an expert nor an account'),
    supersedes: z.string().nullable().describe('Earlier draw of the project this one follows'),
    site: z.string().optional().describe('Remote site the result is sealed to as well'),
    siteFingerprint: z.string().optional().describe('SHA-256 fingerprint of the site certificate the result was sealed to'),
    beacon: z
      .object({ chain: z.string().describe('drand chain hash'), round: z.int().describe('drand round') })
      .optional()
      .describe('A beacon draw: the drand round its commit names, published after the commit (the result entry holds its signature)'),
    witnesses: z
      .object({
        required: z.int().describe('Deposits the policy requires'),
        deposited: z.int().describe('Deposits logged before the close that the draw took (its commit’s witnessCommitments)'),
        onShort: z.enum(['fail', 'operator']).describe('What the policy does with fewer: fail the draw, or draw with those there are'),
      })
      .optional()
      .describe('A project needing witnessed assurance (docs/draw-proof.md §6.2): what its draw had of its witnesses'),
    planned: z
      .object({
        index: z.int().describe('Log index of the draw.planned entry, logged at scheduling'),
        deposits: z.array(z.int()).describe('Log indices of the witness.deposited entries the commit took, in log order'),
      })
      .optional()
      .describe('A planned draw: its plan and deposits in the log'),
    createdAt: z.string().describe('When the draw committed (or failed before a commit)'),
  })
  .describe('Draw status: never an expert identity');

/** A draw record as the API shows it: without the sealed box, the sealed nonce and secrets and the operator's subject. */
export const drawView = (d: DrawRecord, lang: Lang = 'en') => {
  const { sealed: _sealed, sealedNonce: _nonce, sealedWitnessReveals: _reveals, by: _by, ...rest } = d;
  return { ...rest, groups: [...rest.groups], failure: failureIn(d.failure, lang) };
};

/** A failure's reason in the answer's language (the Chinese one where it was kept). */
export function failureIn(failure: DrawRecord['failure'], lang: Lang): { code: string; message: string } | null {
  return failure && { code: failure.code, message: lang === 'zh-CN' && failure.zh ? failure.zh : failure.message };
}
