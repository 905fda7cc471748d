// The flat digests a commit holds per group (docs/draw-proof.md §4).
import { createHash } from 'node:crypto';

/** One member's line: id TAB employer TAB region TAB comma-joined sorted relative ids LF. */
export function memberLine(member: { id: string; employer: string; region: string; relatives: readonly string[] }): string {
  return `${member.id}\t${member.employer}\t${member.region}\t${member.relatives.join(',')}\n`;
}

/** One exclusion's line: id TAB comma-joined reason codes LF (the codes already joined: they are cached per mask). */
export function exclusionLine(id: string, joinedCodes: string): string {
  return `${id}\t${joinedCodes}\n`;
}

/** SHA-256 (hex) over concatenated lines. */
export function linesDigest(lines: readonly string[]): string {
  // In slices: joining thousands of lines into one string costs more than hashing them.
  const hash = createHash('sha256');
  for (let start = 0; start < lines.length; start += 256) hash.update(lines.slice(start, start + 256).join(''), 'utf8');
  return hash.digest('hex');
}
