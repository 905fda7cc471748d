// The log's entries by project, in memory: for each project the positions of the entries about it and its draws, so
// that a project's timeline reads a few dozen entries and never the whole log. Fed from the log itself: the first
// catch-up reads every entry once (skipping the pool's, the sites' and the accounts' without parsing them); each later
// one reads what was appended since, by this instance or any other on the same store. Nothing is written on the draw's
// path. Views fed from the log (the listings) are told which projects and draws each read brought.
import { timelineRow } from '../audit/timeline.js';
import { entryType } from '../log/entry.js';
import type { Store } from '../store/store.js';
import { catchingUp } from './catch-up.js';

/** Projects and draws that entries just read are about. */
export interface Touched {
  readonly projects: ReadonlySet<string>;
  readonly draws: ReadonlySet<string>;
}

/** Entries read per store round trip. */
const CHUNK = 2000;
const NONE: readonly number[] = Object.freeze([]);

export class LogIndex {
  private indexed = 0;
  private stopped = false;
  private readonly positions = new Map<string, number[]>();
  /** A draw's project, from the first entry that names both (its commit, or its failure before one). */
  private readonly projectOfDraw = new Map<string, string>();
  /** Seats a draw's roster left unfilled (`seat.unfilled`: its ranking and top-ups used up), by draw. */
  private readonly unfilled = new Map<string, number>();
  private readonly listeners: Array<(touched: Touched) => void> = [];
  /** Reads every entry appended since the last catch-up; resolves once the index covers the log as it was when called. */
  readonly catchUp: () => Promise<void>;

  constructor(private readonly store: Pick<Store, 'logSize' | 'readEntries'>) {
    this.catchUp = catchingUp(() => this.advance());
  }

  /** Entries indexed so far. */
  get size(): number {
    return this.indexed;
  }

  /** Called after each chunk read, synchronously, with the projects and draws it touched. */
  onRead(listener: (touched: Touched) => void): void {
    this.listeners.push(listener);
  }

  /** Log positions of the entries about a project and its draws, ascending, as of the last catch-up. */
  of(projectId: string): readonly number[] {
    return this.positions.get(projectId) ?? NONE;
  }

  /** How many of a draw's seats went unfilled, as of the last catch-up. */
  unfilledSeats(drawId: string): number {
    return this.unfilled.get(drawId) ?? 0;
  }

  /** Ends a catch-up still reading at its next chunk (the service is closing); later ones read nothing. */
  stop(): void {
    this.stopped = true;
  }

  private async advance(): Promise<void> {
    const size = await this.store.logSize();
    while (this.indexed < size && !this.stopped) {
      const start = this.indexed;
      const entries = await this.store.readEntries(start, Math.min(size, start + CHUNK));
      const touched = { projects: new Set<string>(), draws: new Set<string>() };
      entries.forEach((bytes, i) => this.take(start + i, bytes, touched));
      this.indexed = start + entries.length;
      for (const listener of this.listeners) listener(touched);
    }
  }

  private take(index: number, bytes: Buffer, touched: { projects: Set<string>; draws: Set<string> }): void {
    const type = entryType(bytes);
    const row = type === null ? undefined : timelineRow(type);
    if (!row) return;
    let draw: string | undefined;
    let project: string | undefined;
    try {
      const payload = (JSON.parse(bytes.toString('utf8')) as { payload: never }).payload;
      draw = row.draw?.(payload);
      project = row.project?.(payload) ?? (draw === undefined ? undefined : this.projectOfDraw.get(draw));
    } catch {
      // Not the entry its type says: skipped here, reported by the log's verification (`expert-draw log verify`).
      return;
    }
    if (draw !== undefined) {
      touched.draws.add(draw);
      if (type === 'seat.unfilled') this.unfilled.set(draw, (this.unfilled.get(draw) ?? 0) + 1);
      if (project !== undefined) this.projectOfDraw.set(draw, project);
    }
    if (project === undefined) return;
    touched.projects.add(project);
    const list = this.positions.get(project);
    if (list) list.push(index);
    else this.positions.set(project, [index]);
  }
}
