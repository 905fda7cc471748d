// The lifecycle's pure parts: calendar months, the retirement day from an ID number, and what a pass does on a day.
import { describe, expect, it } from 'vitest';
import { addMonths, dueStep, LifecyclePolicy, retirementDay, startLifecycle, type Lifecycle } from '../../src/domain/lifecycle.js';

const base: Lifecycle = startLifecycle('2026-12-01', LifecyclePolicy.parse({}), '11010519491231002X', { at: null, by: null });

describe('lifecycle', () => {
  it('adds calendar months, ending on the month’s last day where the day does not exist', () => {
    expect(addMonths('2026-12-01', 36)).toBe('2029-12-01');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-11-15', 2)).toBe('2027-01-15');
  });

  it('computes the retirement day from the birth date in the ID number, and nothing else', () => {
    expect(retirementDay('11010519491231002X', 70)).toBe('2019-12-31');
    expect(retirementDay('110105200002290011', 60)).toBe('2060-02-29');
    expect(retirementDay('110105200002290011', 61)).toBe('2061-02-28');
    expect(base).toMatchObject({ confirmationDue: '2029-12-01', retiresOn: '2019-12-31', retirementAge: 70, exit: null, lapsed: null });
    expect(startLifecycle('2026-12-01', LifecyclePolicy.parse({ retirementAge: null }), '', { at: null, by: null }).retiresOn).toBeNull();
  });

  it('decides the pass’s step: age first, then certificate, then lapse; nothing once exited or already lapsed', () => {
    const young = { ...base, retiresOn: '2040-01-01' };
    expect(dueStep(young, '2029-12-01')).toBeNull();
    expect(dueStep(young, '2029-12-02')).toEqual({ kind: 'lapse' });
    expect(dueStep({ ...young, lapsed: { since: '2029-12-02', held: true, resumeUntil: null } }, '2030-01-01')).toBeNull();
    expect(dueStep({ ...young, certificateExpires: '2027-03-31' }, '2027-03-31')).toBeNull();
    expect(dueStep({ ...young, certificateExpires: '2027-03-31' }, '2027-04-01')).toEqual({ kind: 'exit', reason: 'certificate-expired' });
    expect(dueStep({ ...young, retiresOn: '2027-04-01', certificateExpires: '2027-03-31' }, '2027-04-01')).toEqual({ kind: 'exit', reason: 'retired-age' });
    expect(dueStep({ ...young, retiresOn: '2027-04-01', exit: { reason: 'resigned', on: '2027-01-01', by: 'pm' } }, '2030-01-01')).toBeNull();
  });
});
