// A deliberately plain second implementation of draw-proof.md §7–8 (full array, Node's HMAC), for cross-checking.
import { createHmac } from 'node:crypto';
import type { PanelMember } from '../../src/draw/conflicts.js';

export interface RefGroup {
  count: number;
  alternates: number;
  size: number;
  candidate(i: number): PanelMember;
}

function words(seed: Uint8Array, group: number): () => number {
  let block = Buffer.alloc(0);
  let j = 0n;
  let k = 8;
  return () => {
    if (k === 8) {
      const msg = Buffer.alloc(21 + 12);
      msg.write('expert-draw/v1/stream', 0, 'ascii');
      msg.writeUInt32BE(group, 21);
      msg.writeBigUInt64BE(j++, 25);
      block = createHmac('sha256', seed).update(msg).digest();
      k = 0;
    }
    return block.readUInt32BE(4 * k++);
  };
}

/** Returns per group the ranked ids and skips, or the groups that came up short. */
export function referenceRank(groups: readonly RefGroup[], seed: Uint8Array, maxPerEmployer: number) {
  const panel = new Set<string>();
  const perEmployer = new Map<string, number>();
  const out: Array<{ ranked: string[]; skipped: Array<{ id: string; reason: string }> }> = [];
  groups.forEach((g, gi) => {
    const next = words(seed, gi);
    const uniform = (m: number) => {
      const limit = 2 ** 32 - (2 ** 32 % m);
      for (;;) {
        const w = next();
        if (w < limit) return w % m;
      }
    };
    const a = Array.from({ length: g.size }, (_, i) => i);
    const ranked: string[] = [];
    const skipped: Array<{ id: string; reason: string }> = [];
    for (let i = 0; ranked.length < g.count + g.alternates && i < a.length; i++) {
      const j = i + uniform(a.length - i);
      [a[i], a[j]] = [a[j]!, a[i]!];
      const c = g.candidate(a[i]!);
      if (panel.has(c.id)) skipped.push({ id: c.id, reason: 'ALREADY_RANKED' });
      else if (c.relatives.some((r) => panel.has(r))) skipped.push({ id: c.id, reason: 'RELATIVE_ON_PANEL' });
      else if ((perEmployer.get(c.employer) ?? 0) >= maxPerEmployer) skipped.push({ id: c.id, reason: 'EMPLOYER_CAP_ON_PANEL' });
      else {
        ranked.push(c.id);
        panel.add(c.id);
        perEmployer.set(c.employer, (perEmployer.get(c.employer) ?? 0) + 1);
      }
    }
    out.push({ ranked, skipped });
  });
  return out;
}
