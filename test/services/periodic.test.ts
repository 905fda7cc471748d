// The timer both periodic workers share: one pass at a time, failures reported, a clean stop.
import { describe, expect, it } from 'vitest';
import { Periodic } from '../../src/services/periodic.js';

describe('Periodic', () => {
  it('shares a running pass with a second caller, and runs a new one after it ends', async () => {
    let passes = 0;
    let release: () => void = () => undefined;
    const p = new Periodic(async () => {
      passes++;
      await new Promise<void>((r) => (release = r));
      return passes;
    }, () => undefined);
    const a = p.run();
    const b = p.run();
    release();
    expect(await a).toBe(1);
    expect(await b).toBe(1);
    const c = p.run();
    release();
    expect(await c).toBe(2);
  });

  it('reports a failed pass on its timer instead of swallowing it, and stops cleanly', async () => {
    const errors: unknown[] = [];
    const p = new Periodic(async () => {
      throw new Error('store unreachable');
    }, (err) => errors.push(err));
    p.start(5);
    for (const start = Date.now(); errors.length === 0 && Date.now() - start < 5000; ) await new Promise((r) => setTimeout(r, 5));
    await p.stop();
    expect(errors[0]).toMatchObject({ message: 'store unreachable' });
    const seen = errors.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(errors.length).toBe(seen);
  });
});
