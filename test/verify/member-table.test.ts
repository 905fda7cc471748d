// Member tables kept across bundles (src/verify/member-table.ts): a reveal text whose member lists are a kept table's
// canonical text is read with those lists cut out and taken from the table (cutText, src/verify/cut-text.ts); the
// value must equal JSON.parse of the text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jcs } from '../../src/crypto/canonical.js';
import { linesDigest } from '../../src/draw/digest.js';
import { cutText } from '../../src/verify/cut-text.js';
import { knownTable, memberTable } from '../../src/verify/member-table.js';

/** Member lines as memberLine writes them: id, employer, region, relatives; ascending ids. */
function lines(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(6, '0')}\t91110105000000${String(i % 97).padStart(4, '0')}\t3301${String(i % 90 + 10)}\t\n`);
}
const first = lines('E', 120);
const second = lines('F', 80);
const firstTable = memberTable(linesDigest(first), first);
const secondTable = memberTable(linesDigest(second), second);

const revealText = (groups: unknown[], extra: Record<string, unknown> = {}) => jcs({ payload: { drawId: 'D-1', facts: { status: ['E000003\tretired\t\n'] }, groups, ...extra }, prev: '0'.repeat(64), time: '2026-12-01T00:00:00.000Z', type: 'draw.reveal' });

/** The text read as a bundle's reveal entry is: its kept lists cut out where it has any, else parsed whole. */
const parseReusingTables = (text: string): unknown => cutText(text)?.parse() ?? JSON.parse(text);

describe('cutText', () => {
  it('takes kept member lists from their tables and reads the rest as JSON.parse does', () => {
    const text = revealText([
      { exclusions: ['E000001\tSUSPENDED\n'], index: 0, members: [...first], specialty: 'C990101' },
      { exclusions: [], index: 1, members: [...second], specialty: 'C990102' },
    ]);
    const value = parseReusingTables(text) as { payload: { groups: Array<{ members: unknown }> } };
    expect(value).toEqual(JSON.parse(text));
    // The very arrays of the tables: the digest and the canonical text are not computed again.
    expect(value.payload.groups[0]!.members).toBe(firstTable.lines);
    expect(value.payload.groups[1]!.members).toBe(secondTable.lines);
    expect(knownTable(value.payload.groups[0]!.members as string[])?.digest).toBe(linesDigest(first));
  });

  it('parses a list that differs from every table in one line, or is a table’s prefix, as it is', () => {
    const changed = [...first];
    changed[60] = changed[60]!.replace('\t\n', '\tE000061\n');
    for (const members of [changed, first.slice(0, 100), [...first, 'E999999\t911101050000000000\t330110\t\n']]) {
      const text = revealText([{ exclusions: [], index: 0, members, specialty: 'C990101' }]);
      const value = parseReusingTables(text) as { payload: { groups: Array<{ members: unknown }> } };
      expect(value).toEqual(JSON.parse(text));
      expect(value.payload.groups[0]!.members).not.toBe(firstTable.lines);
    }
  });

  it('a text that holds the stand-in’s words itself is parsed whole', () => {
    const text = revealText([{ exclusions: [], index: 0, members: [...first], specialty: 'C990101' }], { by: '\u0001expert-draw kept member list 0' });
    expect(text).toContain('expert-draw kept member list');
    const value = parseReusingTables(text) as { payload: { by: unknown; groups: Array<{ members: unknown }> } };
    expect(value).toEqual(JSON.parse(text));
    expect(value.payload.by).toBe('\u0001expert-draw kept member list 0');
  });

  it('"members": inside a string, or under a key that only ends in members, never changes the value', () => {
    const text = jcs({ a: `"members":${JSON.stringify(first)}`, ['x"members']: [...first], members: [...second], nested: { members: [[...first]] } });
    expect(parseReusingTables(text)).toEqual(JSON.parse(text));
  });

  it('equals JSON.parse on any canonical text with kept and unkept lists in any place (property)', () => {
    const list = fc.oneof(fc.constant([...first]), fc.constant([...second]), fc.array(fc.string(), { maxLength: 3 }));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 2 }), fc.dictionary(fc.oneof(fc.constant('members'), fc.string()), tie('node'), { maxKeys: 4 }), fc.array(tie('node'), { maxLength: 3 }), fc.record({ members: list })),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        let text: string;
        try {
          text = jcs(v);
        } catch {
          return; // a value RFC 8785 cannot encode (a lone surrogate, -0): not a canonical text
        }
        expect(parseReusingTables(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });
});
