// The flat digests a commit holds per group (docs/draw-proof.md §4).
import { createHash } from 'node:crypto';
import type { PanelMember } from './conflicts.js';

/** One candidate's line: id TAB employer TAB comma-joined sorted relative ids LF. */
export function candidateLine(member: PanelMember): string {
  return `${member.id}\t${member.employer}\t${member.relatives.join(',')}\n`;
}

/** SHA-256 over the concatenated candidate lines, in id order. */
export function candidateDigest(lines: readonly string[]): string {
  return createHash('sha256').update(lines.join(''), 'utf8').digest('hex');
}

/** One exclusion's line: id TAB comma-joined reason codes LF. */
export function exclusionLine(id: string, reasons: readonly string[]): string {
  return `${id}\t${reasons.join(',')}\n`;
}

export function exclusionDigest(lines: readonly string[]): string {
  return createHash('sha256').update(lines.join(''), 'utf8').digest('hex');
}
