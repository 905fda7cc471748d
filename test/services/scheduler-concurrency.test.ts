// A burst of due draws runs a bounded number at a time on one instance: every project is drawn, never more than the
// limit at once. The draws here are stand-ins that only count (what a real draw writes is the other tests' subject).
import { describe, expect, it } from 'vitest';
import type { DrawService } from '../../src/services/draw.service.js';
import type { ProjectService } from '../../src/services/project.service.js';
import { Scheduler } from '../../src/services/scheduler.js';
import type { Store } from '../../src/store/store.js';

describe('scheduler concurrency', () => {
  it('draws every due project, at most `concurrency` at once', async () => {
    const due = Array.from({ length: 100 }, (_, i) => ({ id: `P-${i}`, state: 'scheduled', drawAt: '2026-12-01T07:00:00Z', bidOpeningAt: '2026-12-01T09:00:00Z' }));
    let inFlight = 0;
    let most = 0;
    const drawn: string[] = [];
    const draws = {
      refreshHistory: async () => undefined,
      run: async (id: string) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 1 + (id.length % 3)));
        inFlight--;
        drawn.push(id);
      },
    } as unknown as DrawService;
    const projects = { active: async () => due } as unknown as ProjectService;
    const scheduler = new Scheduler({} as Store, projects, draws, () => Date.parse('2026-12-01T08:00:00Z'), { concurrency: 7 });
    const report = await scheduler.tick();
    expect(report.drawn.sort()).toEqual(due.map((p) => p.id).sort());
    expect(drawn).toHaveLength(100);
    expect(most).toBe(7);
  });
});
