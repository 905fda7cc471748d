// The entry catalogue: what it refuses. Every test that builds an app also parses every entry it caused against the
// catalogue when it closes (test/helper.ts), so the writers are checked where they run.
import { describe, expect, it } from 'vitest';
import { entryProblem } from '../../src/audit/entries.js';
import { encodeEntry, GENESIS_PREV } from '../../src/log/entry.js';

const entry = (type: string, payload: unknown) => encodeEntry({ type, time: '2026-12-01T00:00:00.000Z', prev: GENESIS_PREV, payload });
const unsealed = { drawId: 'D-1', projectId: 'P-1', approvedBy: [{ by: 'op-1', role: 'operator' }, { by: 'sv-1', role: 'supervisor' }] };

describe('entry catalogue', () => {
  it('accepts a catalogued entry', () => {
    expect(entryProblem(entry('draw.unsealed', unsealed))).toBeNull();
  });

  it('refuses an unknown type, a missing or extra field, a wrong type, a broken envelope', () => {
    expect(entryProblem(entry('draw.peeked', unsealed))).toMatch(/unknown entry type draw\.peeked/);
    expect(entryProblem(entry('draw.unsealed', { ...unsealed, projectId: undefined }))).toMatch(/projectId/);
    // A name or phone slipped into an entry is caught as an unknown field.
    expect(entryProblem(entry('draw.unsealed', { ...unsealed, name: '张三' }))).toMatch(/name/);
    expect(entryProblem(entry('calls.placed', { drawId: 'D-1', calls: [{ group: '0', seat: 0, rank: 0, messageId: 'M-1', deadline: 'x' }] }))).toMatch(/group/);
    expect(entryProblem(entry('calls.placed', { drawId: 'D-1', calls: [] }))).toMatch(/calls/);
    expect(entryProblem('{"type":"draw.unsealed"}')).toMatch(/envelope/);
    expect(entryProblem('not json')).toBe('not JSON');
  });
});
