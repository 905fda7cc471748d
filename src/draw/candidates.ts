// Per group: who matches the request, who is excluded and why, and the digests the commit binds (§3–4).
// Hot path: the rules run on typed arrays and per-draw marks (exclusionMask); conflicts.ts holds the same rules in
// their plain, readable form (expertExclusions), and a property test holds the two to the same answers.
import type { Policy } from '../domain/policy.js';
import { REGION_LEVEL_DIGITS } from '../domain/policy.js';
import type { Project } from '../domain/project.js';
import type { DrawGroup, DrawRequest } from '../domain/request.js';
import { AppError } from '../errors.js';
import { clauses, msg, type Message } from '../i18n/message.js';
import { dayNumber, FLAG_ORG_RELATIONS, FLAG_UNAVAILABLE, PACKED, PACKED_FIELDS, STATUS, type PoolIndex } from './pool-index.js';
import { EXCLUSION_CODES, relationExclusions, type ConflictContext, type ExclusionCode, type PanelMember } from './conflicts.js';
import { exclusionLine, linesDigest } from './digest.js';
import type { HistoryIndex } from './history.js';
import type { SamplingGroup } from './sample.js';
import { lowerBound } from './sorted.js';

export interface Exclusion {
  readonly id: string;
  readonly reasons: readonly ExclusionCode[];
}

export interface PreparedGroup extends SamplingGroup {
  readonly index: number;
  /** Members of the specialty prefix, before the region filter and exclusions. */
  readonly membersCount: number;
  readonly membersDigest: string;
  /** Members in the region but excluded by rules 1–6, sorted by id (built on first read). */
  readonly excluded: readonly Exclusion[];
  /** How many `excluded` holds, without building it (the commit needs only the count). */
  readonly excludedCount: number;
  readonly exclusionDigest: string;
}

/** Committee rules of law art 37 and the policy; throws POLICY_RULES naming every rule broken. */
export function checkCommittee(request: DrawRequest, policy: Policy): void {
  const drawn = request.groups.reduce((sum, g) => sum + g.count, 0);
  const total = drawn + request.tendererRepresentatives;
  const broken: Message[] = [];
  if (total < policy.minCommitteeSize) broken.push(msg('draw.committeeTooSmall', { total, min: policy.minCommitteeSize }));
  if (policy.oddCommittee && total % 2 === 0) broken.push(msg('draw.committeeEven', { total }));
  if (drawn * policy.minExpertShareDen < policy.minExpertShareNum * total) {
    broken.push(msg('draw.expertShare', { drawn, num: policy.minExpertShareNum, den: policy.minExpertShareDen, total }));
  }
  request.groups.forEach((g, i) => {
    if (g.alternates !== undefined && g.alternates < policy.alternatesPerGroup) {
      broken.push(msg('draw.fewAlternates', { group: i, alternates: g.alternates, min: policy.alternatesPerGroup }));
    }
  });
  if (broken.length > 0) throw new AppError('POLICY_RULES', msg('draw.committeeRules', { rules: clauses(broken) }), { rules: broken });
}

/** Bit of each exclusion code in a reason mask. */
const BIT = Object.fromEntries(EXCLUSION_CODES.map((code, i) => [code, 1 << i])) as Record<ExclusionCode, number>;
const codeLists = new Map<number, { codes: readonly ExclusionCode[]; text: string }>();
function reasonsOf(mask: number): { codes: readonly ExclusionCode[]; text: string } {
  let entry = codeLists.get(mask);
  if (!entry) {
    const codes = Object.freeze(EXCLUSION_CODES.filter((c) => mask & BIT[c]));
    codeLists.set(mask, (entry = { codes, text: codes.join(',') }));
  }
  return entry;
}
/** The codes of a mask, in EXCLUSION_CODES order (one frozen list per mask). */
export function codesOf(mask: number): readonly ExclusionCode[] {
  return reasonsOf(mask).codes;
}

/** partyMask bits per organisation, and the rule-1 codes each combination means. */
const PARTY_BITS = { tenderer: 1, agency: 2, bidder: 4, avoid: 8 } as const;
const PARTY_REASONS = Array.from(
  { length: 16 },
  (_, m) =>
    (m & 1 ? BIT.EMPLOYER_IS_TENDERER : 0) | (m & 2 ? BIT.EMPLOYER_IS_AGENCY : 0) | (m & 4 ? BIT.EMPLOYER_IS_BIDDER : 0) | (m & 8 ? BIT.EMPLOYER_IS_AVOIDED : 0),
);
/** Marks in PoolIndex.scratch. */
const MARK_FREQUENT = 1;
const MARK_FREQUENT_TENDERER = 2;
const MARK_PREPARED = 4;

/** What the fast rules read, built once per draw. release() must run when the draw's groups are prepared. */
export interface PreCheck {
  /** Per organisation index: PARTY_BITS of the roles it plays in the project. */
  readonly partyMask: Uint8Array;
  /** The organisation indices partyMask marks, each once. */
  readonly partyOrgs: readonly number[];
  readonly refDay: number;
  /** Positions carrying marks in PoolIndex.scratch, ascending. */
  readonly marked: readonly number[];
  release(): void;
}

/**
 * Marks, for this draw, every member at a frequency cap or named as having prepared the project, and the parties'
 * organisations. Costs O(parties + recent selections), not O(pool).
 */
export function preCheck(pool: PoolIndex, project: Project, ctx: ConflictContext, history: HistoryIndex): PreCheck {
  const partyMask = new Uint8Array(pool.orgIndex.size);
  const partyOrgs: number[] = [];
  for (const [code, roles] of ctx.parties) {
    const i = pool.orgIndex.get(code);
    if (i === undefined) continue;
    if (partyMask[i] === 0) partyOrgs.push(i);
    for (const role of roles) partyMask[i]! |= PARTY_BITS[role];
  }
  const marked: number[] = [];
  const mark = (pos: number | undefined, bit: number) => {
    if (pos === undefined) return;
    if (pool.scratch[pos] === 0) marked.push(pos);
    pool.scratch[pos]! |= bit;
  };
  for (const pos of history.capped(pool, ctx.frequencySinceMs, ctx.maxDraws)) mark(pos, MARK_FREQUENT);
  for (const pos of history.capped(pool, ctx.tendererSinceMs, ctx.maxDrawsSameTenderer, ctx.tenderer)) mark(pos, MARK_FREQUENT_TENDERER);
  for (const id of project.preparedBy) mark(pool.positionOf(id), MARK_PREPARED);
  marked.sort((a, b) => a - b);
  return {
    partyMask,
    partyOrgs,
    refDay: dayNumber(ctx.refDate),
    marked,
    release: () => {
      for (const pos of marked) pool.scratch[pos] = 0;
    },
  };
}

/**
 * Rules 1–6 for the member at `pos`, as a mask of EXCLUSION_CODES bits, from typed arrays and the draw's marks. The
 * rare members with org relations at a party go through the reference rules for those. Must agree with
 * expertExclusions (conflicts.ts) for every member; test/draw/candidates.test.ts checks that it does.
 */
export function exclusionMask(pool: PoolIndex, pre: PreCheck, ctx: ConflictContext, pos: number): number {
  const record = Int32Array.of(
    pool.employerOf[pos]!,
    pool.regionOf[pos]!,
    pool.statusOf[pos]! | (pool.flagsOf[pos]! << 4),
    pool.suspendedUntilDay[pos]!,
    pool.relationStart[pos]!,
    pool.relationStart[pos + 1]!,
    pool.unavailableStart[pos]!,
    pool.unavailableStart[pos + 1]!,
  );
  const party = PARTY_REASONS[pre.partyMask[pool.employerOf[pos]!]!]!;
  const statusFlags = record[PACKED.statusFlags]!;
  return party | (statusFlags === 0 ? 0 : statusMask(pool, pre, ctx, pos, record, 0)) | markMask(pool.scratch[pos]!);
}

/**
 * Rule 5 and the relation rules for a member whose status or flags are not all zero, from its packed record at
 * `f` (PoolIndex.packedMembers).
 */
function statusMask(pool: PoolIndex, pre: PreCheck, ctx: ConflictContext, pos: number, packed: Int32Array, f: number): number {
  let mask = dayMask(pool, pre.refDay, packed, f);
  if ((packed[f + PACKED.statusFlags]! >> 4) & FLAG_ORG_RELATIONS) {
    let atParty = false;
    const end = packed[f + PACKED.relationEnd]!;
    for (let k = packed[f + PACKED.relationStart]!; k < end; k++) if (pre.partyMask[pool.relationOrgs[k]!]) atParty = true;
    if (atParty) mask |= relationMask(pool, ctx, pos);
  }
  return mask;
}

/** Rule 5 on the reference day (status, declared unavailability): the part of a member's mask no project changes. */
function dayMask(pool: PoolIndex, refDay: number, packed: Int32Array, f: number): number {
  const statusFlags = packed[f + PACKED.statusFlags]!;
  let mask = 0;
  switch (statusFlags & 15) {
    case STATUS.active:
      break;
    case STATUS.suspended:
      if (packed[f + PACKED.suspendedUntil]! >= refDay) mask |= BIT.SUSPENDED;
      break;
    case STATUS.blacklisted:
      mask |= BIT.BLACKLISTED;
      break;
    default:
      mask |= BIT.RETIRED;
  }
  if ((statusFlags >> 4) & FLAG_UNAVAILABLE) {
    const end = packed[f + PACKED.unavailableEnd]!;
    for (let k = packed[f + PACKED.unavailableStart]!; k < end; k++) {
      if (pool.unavailableDays[k] === refDay) mask |= BIT.UNAVAILABLE;
    }
  }
  return mask;
}

/** Rules 2 and 3 for a member with an org relation at one of the project's parties. */
function relationMask(pool: PoolIndex, ctx: ConflictContext, pos: number): number {
  let mask = 0;
  for (const code of relationExclusions(pool.member(pos).expert, ctx)) mask |= BIT[code];
  return mask;
}

function markMask(marks: number): number {
  if (marks === 0) return 0;
  return (marks & MARK_FREQUENT ? BIT.FREQUENCY_CAP : 0) | (marks & MARK_FREQUENT_TENDERER ? BIT.TENDERER_FREQUENCY_CAP : 0) | (marks & MARK_PREPARED ? BIT.PREPARED_PROJECT : 0);
}

/** The region filter of one group over numeric region codes, or null when the group has none. */
export function regionTest(group: DrawGroup, project: Project, policy: Policy): ((region: number) => boolean) | null {
  const f = group.regions;
  if (!f) return null;
  const compile = (prefix: string) => ({ divisor: 10 ** (6 - prefix.length), value: Number(prefix) });
  const include = f.include && f.include.length > 0 ? f.include.map(compile) : null;
  const exclude = (f.exclude ?? []).map(compile);
  const local = f.outsideProjectRegion ? compile(project.region.slice(0, REGION_LEVEL_DIGITS[policy.localRegionLevel])) : null;
  if (!include && exclude.length === 0 && !local) return null;
  const under = (region: number, p: { divisor: number; value: number }) => Math.floor(region / p.divisor) === p.value;
  return (region) => {
    if (include && !include.some((p) => under(region, p))) return false;
    if (exclude.some((p) => under(region, p))) return false;
    return !(local && under(region, local));
  };
}

export function prepareGroup(
  group: DrawGroup,
  index: number,
  pool: PoolIndex,
  project: Project,
  policy: Policy,
  ctx: ConflictContext,
  pre: PreCheck,
): PreparedGroup {
  const inRegion = regionTest(group, project, policy);
  const members = pool.candidatesFor(group.specialty);
  // Without a region filter, from the second draw on an index: only the few members some rule may exclude are
  // looked at (see bucketRules). The first draw scans, so that an index drawn on once (a disclosure's replay) does
  // not pay for what only later draws would use.
  const rules = inRegion ? null : bucketRules(pool, group.specialty);
  if (rules) {
    const { excludedAt, excludedMask, excludedLines } = excludedWithoutRegions(group.specialty, pool, rules, ctx, pre);
    return new Prepared(group, index, pool, policy, members, excludedAt, excludedAt, excludedMask, linesDigest(excludedLines));
  }
  const packed = pool.packedMembers(group.specialty);
  const marked = pre.marked;
  let markAt = 0;
  // Eligible = members minus `skipped` (bucket indices, ascending): nothing the size of the bucket is allocated.
  const skipped: number[] = [];
  const excludedAt: number[] = [];
  const excludedMask: number[] = [];
  const excludedLines: string[] = [];
  const partyMask = pre.partyMask;
  // Sequential over the packed records; only members with a status, a flag or a mark (few) call out of the loop.
  for (let i = 0, f = 0; i < members.length; i++, f += PACKED_FIELDS) {
    const pos = members[i]!;
    let mask = 0;
    // Members and marks are both ascending by position: a merge, one comparison per member.
    while (markAt < marked.length && marked[markAt]! < pos) markAt++;
    if (marked[markAt] === pos) mask = markMask(pool.scratch[pos]!);
    if (inRegion && !inRegion(packed[f + PACKED.region]!)) {
      skipped.push(i);
      continue;
    }
    mask |= PARTY_REASONS[partyMask[packed[f + PACKED.employer]!]!]!;
    if (packed[f + PACKED.statusFlags] !== 0) mask |= statusMask(pool, pre, ctx, pos, packed, f);
    if (mask === 0) continue;
    skipped.push(i);
    excludedAt.push(i);
    excludedMask.push(mask);
    excludedLines.push(exclusionLine(pool.idOf(pos), reasonsOf(mask).text));
  }
  return new Prepared(group, index, pool, policy, members, skipped, excludedAt, excludedMask, linesDigest(excludedLines));
}

/**
 * What a specialty's bucket of one pool index gives every draw whatever the project: which members each organisation
 * employs or relates to, and, per reference day, the members rule 5 excludes that day with their masks and lines.
 * Kept per index object, and an index is never changed (a new pool version is a new index), so nothing here outlives
 * the pool it was read from.
 */
interface BucketRules {
  /** Who each organisation employs: bucket indices, ascending. */
  readonly employs: OrgLists;
  /** Who has an org relation (self or relative) to each organisation: bucket indices, ascending. */
  readonly relates: OrgLists;
  /** Day number → rule 5's exclusions that day; a few days at most (see DAYS_KEPT). */
  readonly days: Map<number, DayExclusions>;
}

/**
 * Bucket indices by organisation, for the organisations the bucket's members name only (memory in the bucket's size,
 * not the pool's count of organisations): those of orgs[k] are at[start[k] .. start[k + 1]), ascending.
 */
interface OrgLists {
  /** Organisation indices, ascending. */
  readonly orgs: Int32Array;
  readonly start: Int32Array;
  readonly at: Int32Array;
}

interface DayExclusions {
  /** Bucket indices, ascending. */
  readonly at: readonly number[];
  readonly mask: readonly number[];
  /** The exclusion line of each, for a member no other rule excludes. */
  readonly lines: readonly string[];
}

/** Reference days kept per bucket: the draws of one pool version fall on a few bid-opening days. */
const DAYS_KEPT = 4;
/** Per index and specialty: null after its first draw, the rules from its second on. */
const bucketRuleSets = new WeakMap<PoolIndex, Map<string, BucketRules | null>>();

/** The bucket's rules, or null on the index's first draw of the specialty (the caller scans the bucket instead). */
function bucketRules(pool: PoolIndex, specialty: string): BucketRules | null {
  let bySpecialty = bucketRuleSets.get(pool);
  if (!bySpecialty) bucketRuleSets.set(pool, (bySpecialty = new Map()));
  let rules = bySpecialty.get(specialty);
  if (rules === undefined) {
    bySpecialty.set(specialty, null);
    return null;
  }
  if (rules === null) {
    // From the bucket's packed records, read in order: the pool-wide arrays by position would be a cache miss a member.
    const packed = pool.packedMembers(specialty);
    const n = pool.candidatesFor(specialty).length;
    const employs = orgLists(pool.orgIndex.size, n, (f, visit) => visit(packed[f + PACKED.employer]!));
    const relates = orgLists(pool.orgIndex.size, n, (f, visit) => {
      for (let k = packed[f + PACKED.relationStart]!; k < packed[f + PACKED.relationEnd]!; k++) visit(pool.relationOrgs[k]!);
    });
    bySpecialty.set(specialty, (rules = { employs, relates, days: new Map() }));
  }
  return rules;
}

/**
 * The `n` members of a bucket by organisation, `orgsOf` naming each one's organisations from its packed record at
 * `f`: counted, then placed, in bucket order (typed arrays: no list per organisation).
 */
function orgLists(orgCount: number, n: number, orgsOf: (f: number, visit: (org: number) => void) => void): OrgLists {
  const count = new Int32Array(orgCount);
  for (let i = 0, f = 0; i < n; i++, f += PACKED_FIELDS) orgsOf(f, (org) => count[org]!++);
  let named = 0;
  for (let o = 0; o < orgCount; o++) if (count[o] !== 0) named++;
  const orgs = new Int32Array(named);
  const start = new Int32Array(named + 1);
  // `count` becomes each organisation's next place in `at`.
  for (let o = 0, k = 0, total = 0; o < orgCount; o++) {
    if (count[o] === 0) continue;
    orgs[k] = o;
    start[k] = total;
    total += count[o]!;
    count[o] = start[k]!;
    start[++k] = total;
  }
  const at = new Int32Array(start[named]!);
  for (let i = 0, f = 0; i < n; i++, f += PACKED_FIELDS) orgsOf(f, (org) => (at[count[org]!++] = i));
  return { orgs, start, at };
}

/** Where an organisation's members are in `lists.at`: [from, to), empty when the bucket has none. */
function orgRange(lists: OrgLists, org: number): { from: number; to: number } {
  const lo = lowerBound(lists.orgs, org);
  return lists.orgs[lo] === org ? { from: lists.start[lo]!, to: lists.start[lo + 1]! } : { from: 0, to: 0 };
}

function dayExclusions(pool: PoolIndex, specialty: string, rules: BucketRules, refDay: number): DayExclusions {
  let day = rules.days.get(refDay);
  if (!day) {
    const members = pool.candidatesFor(specialty);
    const packed = pool.packedMembers(specialty);
    const at: number[] = [];
    const mask: number[] = [];
    const lines: string[] = [];
    for (let i = 0, f = 0; i < members.length; i++, f += PACKED_FIELDS) {
      if (packed[f + PACKED.statusFlags] === 0) continue;
      const m = dayMask(pool, refDay, packed, f);
      if (m === 0) continue;
      at.push(i);
      mask.push(m);
      lines.push(exclusionLine(pool.idOf(members[i]!), reasonsOf(m).text));
    }
    // The oldest day makes room (a Map iterates in insertion order).
    if (rules.days.size >= DAYS_KEPT) rules.days.delete(rules.days.keys().next().value!);
    rules.days.set(refDay, (day = { at, mask, lines }));
  }
  return day;
}

/**
 * A group without a region filter: rule 5 of the day from the bucket's cache, merged with the members this project
 * adds (employed by or related to a party, marked for a cap or for having prepared it), in bucket order. The same
 * masks and lines as the full scan of prepareGroup, which test/draw/candidates.test.ts holds to the reference rules.
 */
function excludedWithoutRegions(specialty: string, pool: PoolIndex, rules: BucketRules, ctx: ConflictContext, pre: PreCheck): { excludedAt: number[]; excludedMask: number[]; excludedLines: string[] } {
  const members = pool.candidatesFor(specialty);
  const day = dayExclusions(pool, specialty, rules, pre.refDay);
  // Bucket index → the project's own reasons (rules 1–4 and 6).
  const added = new Map<number, number>();
  const addMask = (i: number, m: number) => added.set(i, (added.get(i) ?? 0) | m);
  for (const org of pre.partyOrgs) {
    const reasons = PARTY_REASONS[pre.partyMask[org]!]!;
    const employs = orgRange(rules.employs, org);
    for (let k = employs.from; k < employs.to; k++) addMask(rules.employs.at[k]!, reasons);
    // A member with two relations to the organisation is listed twice: the same reasons, added twice.
    const relates = orgRange(rules.relates, org);
    for (let k = relates.from; k < relates.to; k++) addMask(rules.relates.at[k]!, relationMask(pool, ctx, members[rules.relates.at[k]!]!));
  }
  for (const pos of pre.marked) {
    const i = positionIn(members, pos);
    if (i >= 0) addMask(i, markMask(pool.scratch[pos]!));
  }
  const excludedAt: number[] = [];
  const excludedMask: number[] = [];
  const excludedLines: string[] = [];
  const extra = [...added.keys()].sort((a, b) => a - b);
  // A merge of two ascending lists; a member on both gets both masks.
  for (let d = 0, e = 0; d < day.at.length || e < extra.length; ) {
    const nextDay = d < day.at.length ? day.at[d]! : Infinity;
    const nextExtra = e < extra.length ? extra[e]! : Infinity;
    const i = Math.min(nextDay, nextExtra);
    const dayPart = nextDay === i ? day.mask[d++]! : 0;
    const mask = dayPart | (nextExtra === i ? added.get(extra[e++]!)! : 0);
    if (mask === 0) continue;
    excludedAt.push(i);
    excludedMask.push(mask);
    excludedLines.push(mask === dayPart ? day.lines[d - 1]! : exclusionLine(pool.idOf(members[i]!), reasonsOf(mask).text));
  }
  return { excludedAt, excludedMask, excludedLines };
}

/** The bucket index of the member at `pos` (members ascending), or -1 when it is not in the bucket. */
function positionIn(members: Int32Array, pos: number): number {
  const at = lowerBound(members, pos);
  return at < members.length && members[at] === pos ? at : -1;
}

/**
 * A prepared group. A class, where an object literal would do, for the lazy `excluded`: an accessor written into a
 * literal is a new closure per call, so each group got a hidden class of its own in old space pointing at the
 * group's arrays, and every young collection kept those arrays alive (and promoted them) until the next full one.
 */
class Prepared implements PreparedGroup {
  readonly specialty: string;
  readonly count: number;
  readonly alternates: number;
  readonly membersCount: number;
  readonly membersDigest: string;
  readonly size: number;
  readonly excludedCount: number;
  private built: Exclusion[] | undefined;

  constructor(
    group: DrawGroup,
    readonly index: number,
    private readonly pool: PoolIndex,
    policy: Policy,
    /** The specialty's members (pool positions); `skipped` and `excludedAt` index into it. */
    private readonly members: Int32Array,
    private readonly skipped: readonly number[],
    private readonly excludedAt: readonly number[],
    private readonly excludedMask: readonly number[],
    readonly exclusionDigest: string,
  ) {
    this.specialty = group.specialty;
    this.count = group.count;
    // checkCommittee has refused fewer than the policy minimum.
    this.alternates = group.alternates ?? policy.alternatesPerGroup;
    this.membersCount = members.length;
    this.membersDigest = pool.membersDigest(group.specialty);
    this.size = members.length - skipped.length;
    this.excludedCount = excludedAt.length;
  }

  candidate(i: number): PanelMember {
    if (i < 0 || i >= this.size) throw new RangeError(`no eligible candidate ${i}`);
    return this.pool.member(this.members[bucketIndex(this.skipped, i)]!);
  }

  get excluded(): readonly Exclusion[] {
    return (this.built ??= this.excludedAt.map((at, k) => ({ id: this.pool.idOf(this.members[at]!), reasons: reasonsOf(this.excludedMask[k]!).codes })));
  }
}

/** The bucket index of the i-th eligible member: i plus the number of skipped indices before it (binary search). */
export function bucketIndex(skipped: readonly number[], i: number): number {
  // skipped[s] - s counts the eligible members before skipped[s]; find the first s where that exceeds i.
  let lo = 0;
  let hi = skipped.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (skipped[mid]! - mid <= i) lo = mid + 1;
    else hi = mid;
  }
  return i + lo;
}
