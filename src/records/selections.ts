// The selection history's records: per drawn result, who was selected, when and for which tenderer — sealed with the
// vault under `selections/<draw id>` (a plain record would say who was drawn), so the stored value is the sealed text.
import type { RecordWrite } from '../store/store.js';
import { RecordSet, TEXT_CODEC } from './record-set.js';

export interface SelectionRecord {
  readonly drawId: string;
  /** Log index of the draw's result entry. */
  readonly resultIndex: number;
  /** When the draw ran (its commit), ISO 8601. */
  readonly at: string;
  readonly tenderer: string;
  /** The selected experts of every group (not the alternates). */
  readonly experts: readonly string[];
}

export const selections = new RecordSet<string>('selections', null, TEXT_CODEC);

/** The vault context a draw's selections are sealed under. */
export const selectionContext = (drawId: string): string => `${selections.collection}/${drawId}`;

/**
 * A draw whose project was cancelled before its bid opening: its experts never sat, so from the cancellation on its
 * selections count for no cap. `index` is the log index of the `project.cancelled` entry: a draw whose history reaches
 * it (or later) reads the history without them, one before it with them, so every draw's history stays as it was read.
 * A record of its own (not a change of the sealed selection record), so that the change feed brings it in log order.
 */
export interface SelectionWithdrawal {
  readonly drawId: string;
  readonly index: number;
}

export const selectionWithdrawals = new RecordSet<SelectionWithdrawal>('selection-withdrawals', (w) => w.drawId);

/** The withdrawal of a cancelled draw's selections, written with the cancellation's entry (at `index`). */
export const withdrawal = (drawId: string, index: number): RecordWrite => selectionWithdrawals.write({ drawId, index });
