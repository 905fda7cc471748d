// The examples every command's --help ends with, under a heading in the reader's language.
import { columns } from './columns.js';

/** An example: a command line, or one with a comment saying what it does. */
export type Example = string | readonly [command: string, comment: string];

/** Help text after the options: the lines, indented, under the heading; the comments of a block aligned. */
export function examples(heading: string, ...lines: Example[]): string {
  const commented = lines.filter((l): l is readonly [string, string] => typeof l !== 'string');
  const width = Math.max(0, ...commented.map(([command]) => columns(command)));
  const text = lines.map((l) => (typeof l === 'string' ? l : `${l[0]}${' '.repeat(width - columns(l[0]) + 3)}# ${l[1]}`));
  return `\n${heading}\n${text.map((l) => `  ${l}`).join('\n')}\n`;
}
