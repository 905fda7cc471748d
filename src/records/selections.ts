// The selection history's records: per drawn result, who was selected, when and for which tenderer — sealed with the
// vault under `selections/<draw id>` (a plain record would say who was drawn), so the stored value is the sealed text.
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
