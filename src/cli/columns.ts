// Text on a terminal, where a Chinese character takes two columns: padding to a width, and wrapping a line at a width
// between words or between Chinese characters (never before a closing punctuation mark).

/** East Asian wide characters (UAX #11 W and F): Hangul Jamo, CJK, Hangul syllables, fullwidth forms. */
const WIDE = '\\u1100-\\u115f\\u2e80-\\ua4cf\\uac00-\\ud7a3\\uf900-\\ufaff\\ufe30-\\ufe4f\\uff00-\\uff60\\uffe0-\\uffe6';
const WIDE_CHAR = new RegExp(`[${WIDE}]`);
/** What may not end a line: opening brackets. */
const OPENING = '（「『《【';
/** What may not begin a line: closing brackets and marks that end a phrase. */
const CLOSING = '，。、；：！？）」』》】';
/**
 * The pieces a line may break between: a word or one wide character, with the spaces and opening brackets before it
 * and the closing marks after it.
 */
const PIECE = new RegExp(`\\s*[${OPENING}]*(?:[${WIDE}]|[^\\s${WIDE}]+)[${CLOSING}]*`, 'g');

/** The columns a text takes on a terminal. */
export function columns(text: string): number {
  return [...text].reduce((n, ch) => n + (WIDE_CHAR.test(ch) ? 2 : 1), 0);
}

/** The text followed by spaces to `width` columns, and at least one. */
export function padColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(1, width - columns(text)));
}

/** Each line of the text wrapped to `width` columns; a piece wider than that stands on a line of its own. */
export function wrapColumns(text: string, width: number): string {
  return text
    .split(/\r\n|\n/)
    .map((line) => {
      const lines: string[] = [];
      let current = '';
      for (const piece of line.match(PIECE) ?? []) {
        if (current !== '' && columns(current) + columns(piece) > width) {
          lines.push(current);
          current = piece.trimStart();
        } else current += piece;
      }
      return [...lines, current].join('\n');
    })
    .join('\n');
}
