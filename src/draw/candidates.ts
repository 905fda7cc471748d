// Per group: who matches the request, who is excluded and why, and the digests the commit binds (§3–4).
import type { Policy } from '../domain/policy.js';
import { REGION_LEVEL_DIGITS } from '../domain/policy.js';
import type { Project } from '../domain/project.js';
import type { DrawGroup, DrawRequest } from '../domain/request.js';
import { AppError } from '../errors.js';
import { expertExclusions, type ConflictContext, type ExclusionCode } from './conflicts.js';
import { candidateDigest, exclusionDigest, exclusionLine } from './digest.js';
import type { PoolMember, PoolView } from './types.js';

export interface Exclusion {
  readonly id: string;
  readonly reasons: readonly ExclusionCode[];
}

export interface PreparedGroup {
  readonly index: number;
  readonly specialty: string;
  readonly count: number;
  /** The group's alternates, or the policy's when the group names none. */
  readonly alternates: number;
  /** Matching, not excluded, sorted by id. */
  readonly eligible: readonly PoolMember[];
  /** Matching but excluded by rules 1–6, sorted by id. */
  readonly excluded: readonly Exclusion[];
  readonly eligibleDigest: string;
  readonly exclusionDigest: string;
}

/** Committee rules of law art 37 and the policy; throws POLICY_RULES naming every rule broken. */
export function checkCommittee(request: DrawRequest, policy: Policy): void {
  const drawn = request.groups.reduce((sum, g) => sum + g.count, 0);
  const total = drawn + request.tendererRepresentatives;
  const broken: string[] = [];
  if (total < policy.minCommitteeSize) broken.push(`committee of ${total} is below the minimum of ${policy.minCommitteeSize}`);
  if (policy.oddCommittee && total % 2 === 0) broken.push(`committee of ${total} must have an odd number of members`);
  if (drawn * policy.minExpertShareDen < policy.minExpertShareNum * total) {
    broken.push(`${drawn} drawn experts are fewer than ${policy.minExpertShareNum}/${policy.minExpertShareDen} of ${total}`);
  }
  request.groups.forEach((g, i) => {
    if (g.alternates !== undefined && g.alternates < policy.alternatesPerGroup) {
      broken.push(`group ${i} asks for ${g.alternates} alternates, fewer than the policy minimum of ${policy.alternatesPerGroup}`);
    }
  });
  if (broken.length > 0) throw new AppError('POLICY_RULES', broken.join('; '), { rules: broken });
}

/** The region test of one group, compiled once. */
function regionTest(group: DrawGroup, project: Project, policy: Policy): ((region: string) => boolean) | null {
  const f = group.regions;
  if (!f) return null;
  const include = f.include && f.include.length > 0 ? f.include : null;
  const exclude = f.exclude ?? [];
  const localDigits = REGION_LEVEL_DIGITS[policy.localRegionLevel];
  const local = f.outsideProjectRegion ? project.region.slice(0, localDigits) : null;
  if (!include && exclude.length === 0 && !local) return null;
  return (region) => {
    if (include && !include.some((p) => region.startsWith(p))) return false;
    if (exclude.some((p) => region.startsWith(p))) return false;
    return !(local && region.startsWith(local));
  };
}

export function prepareGroup(
  group: DrawGroup,
  index: number,
  pool: PoolView,
  project: Project,
  policy: Policy,
  ctx: ConflictContext,
): PreparedGroup {
  const inRegion = regionTest(group, project, policy);
  const eligible: PoolMember[] = [];
  const eligibleLines: string[] = [];
  const excluded: Exclusion[] = [];
  const excludedLines: string[] = [];
  for (const member of pool.candidatesFor(group.specialty)) {
    if (inRegion && !inRegion(member.expert.region)) continue;
    const reasons = expertExclusions(member.expert, ctx);
    if (reasons.length === 0) {
      eligible.push(member);
      eligibleLines.push(member.digestLine);
    } else {
      excluded.push({ id: member.id, reasons });
      excludedLines.push(exclusionLine(member.id, reasons));
    }
  }
  return {
    index,
    specialty: group.specialty,
    count: group.count,
    // checkCommittee has refused fewer than the policy minimum.
    alternates: group.alternates ?? policy.alternatesPerGroup,
    eligible,
    excluded,
    eligibleDigest: candidateDigest(eligibleLines),
    exclusionDigest: exclusionDigest(excludedLines),
  };
}
