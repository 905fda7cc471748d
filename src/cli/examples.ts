// The examples every command's --help ends with.

/** Help text after the options: the lines, indented, under "Examples:". */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}
