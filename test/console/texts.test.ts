// The console's texts (console/src/texts.ts): both languages say the same things with the same values, and the
// Chinese ones use the glossary's words (docs/glossary.md), as the service's catalogue does.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEXTS } from '../../console/src/texts.js';
import { ENTRIES } from '../../src/audit/entries.js';
import { TIMELINE } from '../../src/audit/timeline.js';
import { Expert, ExpertPersonal, OrgRelation, RelativeRelation } from '../../src/domain/expert.js';
import { STALE_ABORT_REASON, WitnessRequirement } from '../../src/draw/entries.js';
import { CALL_OUTCOMES, CHECKIN_OUTCOMES, REPLACEMENTS } from '../../src/roster/performance.js';
import { CSV_COLUMNS, CSV_HEADER_ALIASES } from '../../src/pool/import-parser.js';
import { forbiddenWords, violations } from '../helpers/glossary.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the console’s texts', () => {
  it('name the same values in Chinese and in English, and none is empty', () => {
    const zh = TEXTS['zh-CN'];
    const en = TEXTS.en;
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const key of Object.keys(zh) as (keyof typeof zh)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(zh[key]));
      expect(zh[key].trim(), key).not.toBe('');
      expect(en[key].trim(), key).not.toBe('');
    }
  });

  it('name every event a project’s timeline can show, in both languages, and no other', () => {
    const types = Object.keys(TIMELINE).sort();
    expect(types.length).toBeGreaterThan(30);
    for (const texts of [TEXTS['zh-CN'], TEXTS.en]) {
      const named = Object.keys(texts).filter((k) => k.startsWith('event.')).map((k) => k.slice('event.'.length)).sort();
      expect(named).toEqual(types);
    }
  });

  it('name every field of the timeline’s details (read from src/audit/timeline.ts) in both languages, and no other', () => {
    const source = readFileSync(new URL('../../src/audit/timeline.ts', import.meta.url), 'utf8');
    const keys = new Set([...source.matchAll(/detail: \{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/(\w+):/g)].map((k) => k[1]!)));
    expect(keys.size).toBeGreaterThan(40);
    for (const texts of [TEXTS['zh-CN'], TEXTS.en]) {
      const named = Object.keys(texts).filter((k) => k.startsWith('detail.')).map((k) => k.slice('detail.'.length));
      expect(named.sort()).toEqual([...keys].sort());
    }
  });

  it('name every value of a timeline detail that is a code: delivery kinds, outcomes, a plan’s rule when short, the stale check’s reason', () => {
    const values = [
      ...ENTRIES['call.delivery'].shape.kind.options.map((v) => `deliveryKind.${v}`),
      ...[...CALL_OUTCOMES, ...CHECKIN_OUTCOMES].map((v) => `recordOutcome.${v}`),
      ...WitnessRequirement.shape.onShort.options.map((v) => `onShort.${v}`),
      `abortReason.${STALE_ABORT_REASON}`,
      ...REPLACEMENTS.map((v) => `replaced.${v}`),
    ];
    expect(values.length).toBe(15);
    for (const texts of [TEXTS['zh-CN'], TEXTS.en]) for (const key of values) expect(Object.hasOwn(texts, key), key).toBe(true);
  });

  it('name every CSV column of a pool file, in Chinese by a header the import accepts for it', () => {
    for (const column of CSV_COLUMNS) {
      expect(CSV_HEADER_ALIASES[column], column).toContain(TEXTS['zh-CN'][`importColumn.${column}`]);
      expect(TEXTS.en[`importColumn.${column}`], column).toBeTruthy();
    }
    const named = Object.keys(TEXTS['zh-CN']).filter((k) => k.startsWith('importColumn.')).map((k) => k.slice('importColumn.'.length));
    expect(named.sort()).toEqual([...CSV_COLUMNS].sort());
  });

  it('name every field of a JSON line of a pool file (src/domain/expert.ts), as a CSV column or on its own', () => {
    const fields = new Set(['personal', ...[Expert, ExpertPersonal, OrgRelation, RelativeRelation].flatMap((schema) => Object.keys(schema.shape))]);
    expect(fields.size).toBe(18);
    for (const texts of [TEXTS['zh-CN'], TEXTS.en]) {
      for (const field of fields) expect(Object.hasOwn(texts, `importColumn.${field}`) || Object.hasOwn(texts, `importKey.${field}`), field).toBe(true);
      // A field is named once: a CSV column's name is its column's.
      const own = Object.keys(texts).filter((k) => k.startsWith('importKey.')).map((k) => k.slice('importKey.'.length));
      expect(own.filter((f) => !fields.has(f) || Object.hasOwn(texts, `importColumn.${f}`))).toEqual([]);
    }
  });

  it('name only fields that requests have (console/src/api/schema.d.ts), in both languages', () => {
    const schema = readFileSync(new URL('../../console/src/api/schema.d.ts', import.meta.url), 'utf8');
    for (const texts of [TEXTS['zh-CN'], TEXTS.en]) {
      const fields = Object.keys(texts).filter((k) => k.startsWith('apiField.')).map((k) => k.slice('apiField.'.length));
      expect(fields.length).toBeGreaterThan(15);
      for (const field of fields) expect(schema, field).toMatch(new RegExp(`\\b${field}\\??: `));
    }
  });

  it('use no word the glossary says not to use', () => {
    const words = forbiddenWords(readFileSync(new URL('../../docs/glossary.md', import.meta.url), 'utf8'));
    expect(words.length).toBeGreaterThan(10);
    expect(violations(Object.values(TEXTS['zh-CN']), words)).toEqual([]);
  });
});
