// The Python reimplementation, written from docs/draw-proof.md alone, must agree with every vector.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const python = spawnSync('python3', ['--version']);
const hasPython = !python.error && python.status === 0;

describe('independent implementation', () => {
  it.skipIf(!hasPython)('agrees with every vector (python3 test/vectors/independent/check_vectors.py)', () => {
    const run = spawnSync('python3', ['test/vectors/independent/check_vectors.py'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/(\d+)\/\1 vectors agree/);
    expect(run.status).toBe(0);
  });
});
