// A project's story from its log entries: registered, scheduled, committed, drawn, calls placed and answered,
// promotions, check-ins, unseal approvals, disclosure — each entry as its row of the timeline table tells it
// (src/audit/timeline.ts), by seat and rank, never by expert. The log index says where the entries are.
import { timelineRow, type StoryEvent } from '../audit/timeline.js';
import type { Store } from '../store/store.js';
import type { LogIndex } from './log-index.js';

export interface TimelineEvent extends StoryEvent {
  /** Log index of the entry (several events may share one: an entry for a batch). */
  readonly index: number;
  readonly time: string;
  /** The entry's type. */
  readonly type: string;
}

export class TimelineService {
  constructor(
    private readonly store: Pick<Store, 'readEntries'>,
    private readonly log: LogIndex,
  ) {}

  /** The events of a project and its draws, in log order, as of the log now. */
  async of(projectId: string): Promise<TimelineEvent[]> {
    await this.log.catchUp();
    // Consecutive positions are read together: a draw's calls are appended side by side.
    const read = await Promise.all(runs(this.log.of(projectId)).map(async ([start, end]) => ({ start, entries: await this.store.readEntries(start, end) })));
    const events: TimelineEvent[] = [];
    for (const { start, entries } of read) {
      entries.forEach((bytes, i) => {
        const { type, time, payload } = JSON.parse(bytes.toString('utf8')) as { type: string; time: string; payload: never };
        for (const e of timelineRow(type)?.story(payload) ?? []) events.push({ index: start + i, time, type, ...e });
      });
    }
    return events;
  }
}

/**
 * The story as a remote site is told it: a call passed on because its expert holds a seat of another evaluation that
 * day reads as declined (as in progressForSite, src/roster/roster.ts): the site knows its experts by name, and which of
 * them sit on other panels that day is not its to learn.
 */
export function timelineForSite(events: readonly TimelineEvent[]): TimelineEvent[] {
  return events.map((e) => {
    if (e.type === 'call.busy') return { ...e, type: 'call.declined' };
    if (e.type === 'record.call' && e.detail?.outcome === 'busy') return { ...e, detail: { ...e.detail, outcome: 'declined' } };
    // The seat that passed on names why: for the site, as declined too.
    if ((e.type === 'seat.promoted' || e.type === 'seat.unfilled') && e.detail?.because === 'busy') return { ...e, detail: { ...e.detail, because: 'declined' } };
    return e;
  });
}

/** Ascending positions as [start, end) runs of consecutive ones. */
export function runs(positions: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const p of positions) {
    const last = out.at(-1);
    if (last && last[1] === p) last[1] = p + 1;
    else out.push([p, p + 1]);
  }
  return out;
}
