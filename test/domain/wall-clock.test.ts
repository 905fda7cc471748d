// The local calendar day of an instant: what lifecycle dates and sanction days are counted in.
import { describe, expect, it } from 'vitest';
import { localDay, wallClock } from '../../src/domain/wall-clock.js';

describe('localDay', () => {
  it('turns the day at local midnight, not at UTC midnight', () => {
    // 2026-12-01 00:00 in Shanghai is 2026-11-30 16:00 UTC.
    const midnight = Date.parse('2026-11-30T16:00:00Z');
    expect(localDay(midnight - 1, 'Asia/Shanghai')).toBe('2026-11-30');
    expect(localDay(midnight, 'Asia/Shanghai')).toBe('2026-12-01');
    expect(localDay(midnight, 'UTC')).toBe('2026-11-30');
  });

  it('keeps one formatter per zone: a zone asked after another answers in its own time', () => {
    const at = Date.parse('2027-01-01T03:00:00Z');
    // Alternating zones: a formatter kept for the wrong zone would give one of them the other's day.
    for (let i = 0; i < 3; i++) {
      expect(localDay(at, 'America/New_York')).toBe('2026-12-31');
      expect(localDay(at, 'Asia/Shanghai')).toBe('2027-01-01');
    }
  });

  it('agrees with the wall clock of the same zone', () => {
    for (let ms = Date.parse('2026-03-07T00:00:00Z'); ms < Date.parse('2026-03-10T00:00:00Z'); ms += 37 * 60_000) {
      const w = wallClock(ms, 'America/New_York');
      expect(localDay(ms, 'America/New_York')).toBe(`${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`);
    }
  });

  it('refuses a zone that does not exist', () => {
    expect(() => localDay(0, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
