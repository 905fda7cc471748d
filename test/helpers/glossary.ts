// The glossary's "not to use" column (docs/glossary.md), for the tests that hold Chinese texts to it: the service's
// catalogue (test/i18n/glossary.test.ts) and the console's (test/console/texts.test.ts).

/** The words of the glossary's "not to use" column (explanations in parentheses dropped). */
export function forbiddenWords(markdown: string): string[] {
  const rows = markdown.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| 中文') && !line.startsWith('|---'));
  return rows.flatMap((row) => {
    const cells = row.split('|').map((c) => c.trim());
    const notToUse = cells[4] ?? '';
    return notToUse
      .replace(/\s*[（(][^）)]*[）)]/g, '')
      .split(/[、,，]/)
      .map((w) => w.trim())
      .filter((w) => w !== '' && w !== '—');
  });
}

/** Each text that holds a forbidden word, as `word: text`. */
export function violations(texts: readonly string[], words: readonly string[]): string[] {
  return texts.flatMap((text) => words.filter((w) => text.includes(w)).map((w) => `${w}: ${text}`));
}
