// ProofFilePool (src/verify/proof-pool.ts): over worker threads, every file gets exactly one verdict, the same as in
// this thread, handed to onVerdict in file order whatever order the workers finish in; this thread takes its share
// from the first file on, while the workers start.
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
    // This thread and two workers, started as soon as this thread has its pace; two workers alone.
    for (const pool of [new ProofFilePool({ verifierKey }, 3, { workerWorthMs: 0 }), new ProofFilePool({ verifierKey }, 2, { inThisThread: false })]) {
      try {
        const order: number[] = [];
        let progress = 0;
        const viaWorkers = await pool.verify(files, { onVerdict: (_: FileVerdict, index) => order.push(index), onProgress: (done) => (progress = done) });
        expect(viaWorkers).toEqual(inThread);
        expect(viaWorkers.map((v) => v.file)).toEqual(files);
        expect(order).toEqual(files.map((_, i) => i));
        expect(progress).toBe(files.length);
        // The same pool again (its workers started), all the files, then fewer files than workers.
        expect(await pool.verify(files)).toEqual(inThread);
        expect(await pool.verify(files.slice(0, 2))).toEqual(inThread.slice(0, 2));
      } finally {
        await pool.close();
      }
    }
  });

  it('verifies in this thread from the first file, and starts workers only for work worth their start', async () => {
    const file = join(dir, 'missing.json');
    const verifierKey = generateNoteKeys('pool.test/log').verifierKey;
    const pool = new ProofFilePool({ verifierKey }, 2);
    try {
      // The first file is verified before this thread yields, so before any worker could have said it is ready.
      const [verdict] = await pool.verify([file]);
      expect(verdict).toMatchObject({ file, error: expect.stringContaining('does not exist') });
      expect(pool.verifiedHere).toBe(1);
      // Forty files that fail in microseconds: far less work left than a worker's start is worth, so none starts.
      const many = await pool.verify(Array.from({ length: 40 }, () => file));
      expect(many).toHaveLength(40);
      expect(pool.verifiedHere).toBe(41);
      expect(pool.workersStarted).toBe(0);
    } finally {
      await pool.close();
    }
    // Where any work left is worth it, the workers start once this thread has its pace (after its first files).
    const eager = new ProofFilePool({ verifierKey }, 3, { workerWorthMs: 0 });
    try {
      expect(await eager.verify(Array.from({ length: 40 }, () => file))).toHaveLength(40);
      expect(eager.workersStarted).toBe(2);
    } finally {
      await eager.close();
    }
    // Workers alone: this thread verifies nothing.
    const workersOnly = new ProofFilePool({ verifierKey }, 1, { inThisThread: false });
    try {
      expect(await workersOnly.verify([file])).toHaveLength(1);
      expect(workersOnly.verifiedHere).toBe(0);
    } finally {
      await workersOnly.close();
    }
  });
});
