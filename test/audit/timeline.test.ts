// The timeline table against the catalogue: every entry type either tells a project's story or is declared to concern
// none, so a new or renamed entry (the per-call entries becoming per batch) fails here until its row is written. And
// the in-place reading of an entry's type that lets the log index skip the pool's entries without parsing them.
import { describe, expect, it } from 'vitest';
import { ENTRIES, type EntryType } from '../../src/audit/entries.js';
import { NOT_ABOUT_A_PROJECT, TIMELINE, timelineRow } from '../../src/audit/timeline.js';
import { encodeEntry, entryType, GENESIS_PREV } from '../../src/log/entry.js';

const types = Object.keys(ENTRIES) as EntryType[];

describe('timeline table', () => {
  it('covers the catalogue: each type has a row or is declared to concern no project, never both', () => {
    const rows = Object.keys(TIMELINE);
    expect(types.filter((t) => !rows.includes(t) && !NOT_ABOUT_A_PROJECT.includes(t)), 'types without a row').toEqual([]);
    expect(rows.filter((t) => NOT_ABOUT_A_PROJECT.includes(t as EntryType)), 'types in both').toEqual([]);
    expect([...rows, ...NOT_ABOUT_A_PROJECT].filter((t) => !types.includes(t as EntryType)), 'rows for no catalogue type').toEqual([]);
  });

  it('finds a project for every row: named, or through the draw it names', () => {
    for (const [type, row] of Object.entries(TIMELINE)) expect(row.project !== undefined || row.draw !== undefined, type).toBe(true);
  });

  it('tells a seat by group, seat and rank, and a promotion by the new rank', () => {
    const deadline = '2026-12-01T00:15:00.000Z';
    const placed = { drawId: 'D-1', calls: [{ group: 1, seat: 2, rank: 7, messageId: 'M-9', deadline }, { group: 0, seat: 0, rank: 0, messageId: 'M-10', deadline }] };
    // One entry for a placement, one event per call.
    expect(timelineRow('calls.placed')!.story(placed as never)).toEqual([
      { drawId: 'D-1', group: 1, seat: 2, rank: 7, detail: { messageId: 'M-9', deadline } },
      { drawId: 'D-1', group: 0, seat: 0, rank: 0, detail: { messageId: 'M-10', deadline } },
    ]);
    const promoted = { drawId: 'D-1', group: 1, seat: 2, fromRank: 2, toRank: 7, because: 'declined' };
    expect(timelineRow('seat.promoted')!.story(promoted as never)).toEqual([{ drawId: 'D-1', group: 1, seat: 2, rank: 7, detail: { fromRank: 2, because: 'declined' } }]);
    expect(timelineRow('expert.created')).toBeUndefined();
    expect(timelineRow('toString')).toBeUndefined();
  });
});

describe('entryType', () => {
  it('reads the envelope’s type, not a type inside the payload', () => {
    const bytes = encodeEntry({ type: 'draw.commit', time: '2026-12-01T00:00:00.000Z', prev: GENESIS_PREV, payload: { groups: [{ type: 'expert.created' }], zzz: { type: 'x' } } });
    expect(entryType(bytes)).toBe('draw.commit');
    expect(entryType(Buffer.from('{"payload":{}}'))).toBeNull();
  });
});
