// docs/errors.md lists every error code the service answers with, with its HTTP status and its title in both
// languages, as src/errors.ts and the catalogue have them: a code added or changed there fails here until the reference
// says so (an outside newcomer found 16 codes documented nowhere, stop 43).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../src/errors.js';
import { codes } from '../../src/i18n/messages/codes.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const rows = new Map(
  doc
    .split('\n')
    .map((line) => /^\| `([A-Z_]+)` \| (\d{3}) \| (.+) \| (.+) \|$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1]!, { status: Number(m[2]), en: m[3]!, zh: m[4]! }]),
);

describe('docs/errors.md', () => {
  it('has a row for every code, with its status and titles, and none that the service does not answer', () => {
    const titles = codes as Record<string, { zh: string; en: string }>;
    const expected = Object.entries(ERROR_STATUS).map(([code, status]) => [code, { status, en: titles[code]!.en, zh: titles[code]!.zh }]);
    expect([...rows.entries()].sort()).toEqual(expected.sort());
  });
});
