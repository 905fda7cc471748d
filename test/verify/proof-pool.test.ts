// ProofFilePool (src/verify/proof-pool.ts): over worker threads, every file gets exactly one verdict, the same as in
// this thread, handed to onVerdict in file order whatever order the workers finish in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateNoteKeys } from '../../src/log/note.js';
import type { FileVerdict } from '../../src/verify/proof-files.js';
import { ProofFilePool } from '../../src/verify/proof-pool.js';

describe('ProofFilePool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'expert-draw-proof-pool-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers every file once, in file order, with workers as in this thread', async () => {
    // Files that fail fast in different ways (not JSON, not a bundle, missing): each verdict names its file.
    const files = Array.from({ length: 45 }, (_, i) => {
      const file = join(dir, `${String(i).padStart(3, '0')}.json`);
      if (i % 3 === 0) writeFileSync(file, `{"drawId": ${i}`);
      else if (i % 3 === 1) writeFileSync(file, JSON.stringify({ drawId: `D-${i}` }));
      return file;
    });
    const verifierKey = generateNoteKeys('pool.test/log').verifierKey;
    const inThread = await new ProofFilePool({ verifierKey }, 1).verify(files);
    const pool = new ProofFilePool({ verifierKey }, 3);
    try {
      const order: number[] = [];
      let progress = 0;
      const viaWorkers = await pool.verify(files, { onVerdict: (_: FileVerdict, index) => order.push(index), onProgress: (done) => (progress = done) });
      expect(viaWorkers).toEqual(inThread);
      expect(viaWorkers.map((v) => v.file)).toEqual(files);
      expect(order).toEqual(files.map((_, i) => i));
      expect(progress).toBe(files.length);
      // The same pool again, with fewer files than workers.
      expect(await pool.verify(files.slice(0, 2))).toEqual(inThread.slice(0, 2));
    } finally {
      await pool.close();
    }
  });
});
