// A list of lines with its RFC 8785 canonical text, as the reveal entry writes it and as a bundle file escapes it
// again: what kept-lists.ts compares a file's bytes with to cut a list out unread. Member tables (member-table.ts) are
// such lists, and so are the status and unavailable lines (reveal-facts.ts), which are the pool's at one version and
// alike in every draw at it.

export class ListText {
  constructor(readonly lines: readonly string[]) {}

  /**
   * The lines' canonical JSON array text (RFC 8785), made on first use; undefined when a line holds a lone surrogate,
   * which RFC 8785 cannot encode.
   */
  get json(): string | undefined {
    if (this.jsonText === null) {
      const text = JSON.stringify(this.lines);
      this.jsonText = text.includes('\\ud') ? undefined : text;
    }
    return this.jsonText;
  }
  private jsonText: string | undefined | null = null;

  /** The canonical text's UTF-8 bytes (hashed as they are: cut-text.ts); undefined as for `json`. */
  get jsonBytes(): Buffer | undefined {
    if (this.bytes === null) this.bytes = this.json === undefined ? undefined : Buffer.from(this.json, 'utf8');
    return this.bytes;
  }
  private bytes: Buffer | undefined | null = null;

  /**
   * The canonical text as it stands inside a JSON string in a bundle file (the reveal entry is a string there):
   * JSON.stringify's escaping of the text, as UTF-8 bytes, without the quotes.
   */
  get escapedJsonBytes(): Buffer | undefined {
    if (this.escaped === null) this.escaped = this.json === undefined ? undefined : Buffer.from(JSON.stringify(this.json).slice(1, -1), 'utf8');
    return this.escaped;
  }
  private escaped: Buffer | undefined | null = null;
}

/** The facts lists (§10.2) kept for cutting, by the key the reveal entry writes them under. */
export type FactListKey = 'status' | 'unavailable';

/** Facts lists kept by their name in a placeholder (`status-7`), most recent last. */
const factLists = new Map<string, { readonly key: FactListKey; readonly list: ListText }>();
const FACT_LISTS_KEPT = 16;
let factListCount = 0;

/**
 * Keeps a copy of a facts list read in a reveal, to be cut from later files (a list under 64 lines is not worth it and
 * is not kept). The copy is what the reader hands out for the list from then on, so it is never changed.
 */
export function keepFactList(key: FactListKey, lines: readonly string[]): readonly string[] {
  if (lines.length < 64) return [...lines];
  const list = new ListText([...lines]);
  if (factLists.size >= FACT_LISTS_KEPT) factLists.delete(factLists.keys().next().value!);
  factLists.set(`${key}-${factListCount++}`, { key, list });
  return list.lines;
}

/** The kept facts lists with a canonical text, by placeholder name. */
export function keptFactLists(): Array<[name: string, key: FactListKey, list: ListText]> {
  const kept: Array<[string, FactListKey, ListText]> = [];
  for (const [name, { key, list }] of factLists) if (list.json !== undefined) kept.push([name, key, list]);
  return kept;
}
