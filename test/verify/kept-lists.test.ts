// Reading a bundle file with the reveal entry's kept member and status lists cut out (src/verify/kept-lists.ts): whenever it
// reads a file at all, the bundle, the reveal entry's whole text, its leaf hash and its parse are what reading the
// file whole gives; a file it cannot be sure of (a \u escape, the placeholder's words, a list outside the reveal
// entry) is left to the whole reading.
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { isCanonicalText, jcs } from '../../src/crypto/canonical.js';
import { linesDigest } from '../../src/draw/digest.js';
import { leafHashOfText } from '../../src/log/entry.js';
import { readCut } from '../../src/verify/kept-lists.js';
import { keepFactList } from '../../src/verify/kept-text.js';
import { cutRuns, forgetKeptRuns } from '../../src/verify/list-runs.js';
import { memberTable } from '../../src/verify/member-table.js';

function lines(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(6, '0')}\t91110105000000${String(i % 97).padStart(4, '0')}\t3301${String((i % 90) + 10)}\t\n`);
}
const first = lines('E', 120);
const second = lines('F', 80);
const small = lines('G', 20); // under 64 lines: never kept
memberTable(linesDigest(first), first);
memberTable(linesDigest(second), second);
memberTable(linesDigest(small), small);
/** A status list as reveal-facts.ts keeps it once read: the copy it keeps is what a cut hands back. */
const statusLines = Array.from({ length: 90 }, (_, i) => `E${String(i * 3).padStart(6, '0')}\t${i % 2 ? 'retired\t' : 'suspended\t2027-01-01'}\n`);
const keptStatus = keepFactList('status', statusLines);
keepFactList('status', statusLines.slice(0, 40)); // under 64 lines: never cut

const revealEntry = (groups: unknown[], extra: Record<string, unknown> = {}) =>
  jcs({ payload: { drawId: 'D-1', facts: { status: ['E000003\tretired\t\n'] }, groups, ...extra }, prev: '0'.repeat(64), time: '2026-12-01T00:00:00.000Z', type: 'draw.reveal' });
const group = (members: string[], index = 0) => ({ exclusions: ['E000001\tSUSPENDED\n'], index, members: [...members], specialty: 'C990101' });
const bundleOf = (entry: string, more: Record<string, unknown> = {}) => ({
  drawId: 'D-1',
  commit: { index: 4, entry: '{"payload":{},"prev":"00","time":"t","type":"draw.commit"}' },
  reveal: { index: 9, entry, inclusion: { checkpoint: 'expert-draw.localhost/log\n10\nroot\n\n— expert-draw.localhost/log sig\n' } },
  ...more,
});
const file = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
/**
 * An entry several decoded pieces of readCut long: 1,500 facts lines of 1 to 40 characters drawn from what
 * escaping turns into pairs and from two- and three-byte UTF-8, so that pieces end next to every kind of byte.
 */
const alphabet = ['a', 'Z', '\t', '\n', '"', '\\', 'é', '—', ' '];
const long = Array.from({ length: 1500 }, (_, i) => Array.from({ length: 1 + (i % 40) }, (_, k) => alphabet[(i * 7 + k * 13) % alphabet.length]).join(''));
const longEntry = revealEntry([group(first), group(second, 1)], { facts: { status: long }, by: 'op—wang' });

/** Reads `bytes` both ways; when the cut reading reads it, everything it answers equals the whole reading. */
function agrees(bytes: Buffer): 'cut' | 'whole' {
  const cut = readCut(bytes);
  if (!cut) return 'whole';
  const whole = JSON.parse(bytes.toString('utf8')) as { reveal: { entry: string } };
  const entry = whole.reveal.entry;
  expect(cut.reveal.full()).toBe(entry);
  expect({ ...(cut.bundle as object), reveal: { ...(cut.bundle as { reveal: object }).reveal, entry } }).toEqual(whole);
  expect(cut.reveal.leafHash().equals(leafHashOfText(entry))).toBe(true);
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry);
  } catch {
    expect(() => cut.reveal.parse()).toThrow();
    return 'cut';
  }
  const value = cut.reveal.parse();
  expect(value).toEqual(parsed);
  expect(cut.reveal.isCanonical(value)).toBe(isCanonicalText(parsed, entry));
  return 'cut';
}

describe('readCut', () => {
  it('cuts the kept lists of a reveal entry and answers what the whole file does', () => {
    const entry = revealEntry([group(first), group(second, 1), group(small, 2)]);
    const bytes = file(bundleOf(entry));
    const cut = readCut(bytes)!;
    expect(cut).toBeDefined();
    // Two lists cut: the text left is small, the short list stays in it.
    expect(cut.reveal.text.length).toBeLessThan(entry.length - JSON.stringify(first).length - JSON.stringify(second).length + 300);
    expect(cut.reveal.text).toContain('G000019');
    expect(agrees(bytes)).toBe('cut');
    const value = cut.reveal.parse() as { payload: { groups: Array<{ members: unknown }> } };
    expect(value.payload.groups[0]!.members).toBe(memberTable(linesDigest(first), first).lines);
    expect(cut.reveal.isCanonical(value)).toBe(true);
  });

  it('cuts a kept status list as it cuts a member list, and only one equal to it byte for byte', () => {
    const entry = revealEntry([group(first)], { facts: { status: [...statusLines], unavailable: ['E000003\n'] } });
    const cut = readCut(file(bundleOf(entry)))!;
    expect(cut.reveal.cuts).toBe(2);
    expect(cut.reveal.text).not.toContain('E000267');
    expect(agrees(file(bundleOf(entry)))).toBe('cut');
    const value = cut.reveal.parse() as { payload: { facts: { status: unknown } } };
    expect(value.payload.facts.status).toBe(keptStatus);
    expect(cut.reveal.isCanonical(value)).toBe(true);
    // One line changed late in the list, the list cut short, or a list kept under 64 lines: left in the text.
    const changed = [...statusLines];
    changed[81] = changed[81]!.replace('retired', 'retirEd');
    for (const status of [changed, statusLines.slice(0, 89), statusLines.slice(0, 40)]) {
      const bytes = file(bundleOf(revealEntry([group(first)], { facts: { status } })));
      expect(readCut(bytes)!.reveal.cuts).toBe(1);
      expect(readCut(bytes)!.reveal.text).toContain(status[status.length - 1]!.slice(0, 7));
      expect(agrees(bytes)).toBe('cut');
    }
    // Under another key (a member list, or unavailable lines) the status list is not cut: only what was kept under a
    // key is cut under it.
    for (const bytes of [file(bundleOf(revealEntry([group(statusLines)]))), file(bundleOf(revealEntry([group(small)], { facts: { unavailable: statusLines } })))]) {
      expect(readCut(bytes)).toBeUndefined();
    }
  });

  it('the same kept list twice in one entry', () => {
    expect(agrees(file(bundleOf(revealEntry([group(first), group(first, 1)]))))).toBe('cut');
  });

  it('reads whole a file holding a \\u escape, or the placeholder’s words', () => {
    const entry = revealEntry([group(first)]);
    expect(readCut(file(bundleOf(entry, { note: '\u0001' })))).toBeUndefined();
    expect(readCut(Buffer.from(JSON.stringify(bundleOf(entry)).replace('"drawId":"D-1"', '"drawId":"D\\u002d1"')))).toBeUndefined();
    expect(readCut(file(bundleOf(entry, { note: 'expert-draw kept member list ' })))).toBeUndefined();
    // An escaped backslash before a u is no escape: the file is still cut.
    expect(readCut(file(bundleOf(entry, { note: '\\u0001' })))).toBeDefined();
    expect(agrees(file(bundleOf(entry, { note: '\\u0001' })))).toBe('cut');
  });

  it('reads whole a file whose kept list stands outside the reveal entry, or in a string a repeated key replaces', () => {
    const entry = revealEntry([group(first)]);
    // In the commit's entry as well: two lists cut, one placeholder in the reveal entry.
    const twice = bundleOf(entry, { commit: { index: 4, entry: revealEntry([group(first)]) } });
    expect(readCut(file(twice))).toBeUndefined();
    // Only in another string: no placeholder in the reveal entry at all.
    expect(readCut(file(bundleOf(revealEntry([group(small)]), { other: entry })))).toBeUndefined();
    // A repeated "reveal" key: the first, holding the list, is replaced by JSON.parse.
    const text = JSON.stringify(bundleOf(entry)).slice(0, -1) + `,"reveal":${JSON.stringify({ index: 9, entry: revealEntry([group(small)]) })}}`;
    expect(readCut(Buffer.from(text))).toBeUndefined();
    expect(JSON.parse(text).reveal.entry).toContain('G000000');
  });

  it('leaves a list that differs from every kept one in one byte, or is cut short, in the text', () => {
    const changed = [...first];
    changed[60] = changed[60]!.replace('\t\n', '\tE000061\n');
    for (const members of [changed, first.slice(0, 100)]) {
      const bytes = file(bundleOf(revealEntry([group(members)])));
      expect(readCut(bytes)).toBeUndefined();
    }
  });

  it('decodes an entry several pieces long: escapes, quotes, backslashes and non-ASCII next to every boundary', () => {
    const bytes = file(bundleOf(longEntry));
    expect(bytes.length).toBeGreaterThan(3 * 16 * 1024);
    expect(agrees(bytes)).toBe('cut');
    // Written with a space after the colons, the file is read whole, as it must be.
    expect(readCut(Buffer.from(JSON.stringify(bundleOf(longEntry)).replaceAll('":"', '": "')))).toBeUndefined();
  });

  it('any one byte of a file changed: not read, or read as the whole file reads (property)', () => {
    const texts = [
      file(bundleOf(revealEntry([group(first), group(second, 1)]))),
      file(bundleOf(revealEntry([group(small), group(first, 1)], { by: 'op—wang' }))),
      file(bundleOf(longEntry)),
      file(bundleOf(revealEntry([group(small)], { facts: { selections: small, status: [...statusLines] } }))),
    ];
    // Half the changes fall outside the kept lists (where the file is still cut), half anywhere.
    const outside = texts.map((t) => {
      const inList = new Uint8Array(t.length);
      for (const list of [first, second, statusLines]) {
        const escaped = Buffer.from(JSON.stringify(JSON.stringify(list)).slice(1, -1));
        for (let at = t.indexOf(escaped); at >= 0; at = t.indexOf(escaped, at + 1)) inList.fill(1, at, at + escaped.length);
      }
      return [...inList.keys()].filter((i) => inList[i] === 0);
    });
    let cut = 0;
    fc.assert(
      // Positions uniform over the file (fc.double draws uniformly over its bits: nearly all near 0, the file's brace).
      fc.property(fc.nat(texts.length - 1), fc.noBias(fc.nat(1 << 30)), fc.integer({ min: 1, max: 255 }), fc.boolean(), (which, where, xor, anywhere) => {
        const bytes = Buffer.from(texts[which]!);
        const places = outside[which]!;
        const at = anywhere ? where % bytes.length : places[where % places.length]!;
        bytes[at] = bytes[at]! ^ xor;
        let whole = true;
        try {
          JSON.parse(bytes.toString('utf8'));
        } catch {
          whole = false;
        }
        if (!whole) {
          expect(readCut(bytes)).toBeUndefined();
          return;
        }
        if (agrees(bytes) === 'cut') cut++;
      }),
      { numRuns: 1500 },
    );
    // A change inside a kept list leaves that list in the text; outside the lists most changes that still parse are cut.
    expect(cut).toBeGreaterThan(100);
  });

  it('equals the whole reading for bundles holding kept and other lists anywhere (property)', () => {
    const list = fc.oneof(fc.constant([...first]), fc.constant([...second]), fc.constant([...small]), fc.array(fc.string(), { maxLength: 3 }));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 2 }),
        fc.dictionary(fc.oneof(fc.constant('members'), fc.constant('status'), fc.string()), tie('node'), { maxKeys: 4 }),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.record({ members: list }),
        fc.record({ status: fc.oneof(list, fc.constant([...statusLines])) }),
      ),
    })).node;
    fc.assert(
      fc.property(value, fc.boolean(), (v, canonical) => {
        let entry: string;
        try {
          entry = canonical ? jcs(v) : JSON.stringify(v);
        } catch {
          return;
        }
        if (entry === undefined) return;
        agrees(file(bundleOf(entry)));
      }),
      { numRuns: 400 },
    );
  });
});

describe('runs of exclusion and selection lines (list-runs.ts)', () => {
  // The kept lists and the pause are the module's: files run before this one in the same worker (the `fast` project
  // does not isolate its files) may have left a pause that would read these entries whole.
  beforeEach(forgetKeptRuns);
  const exclusion = (i: number, code = 'RETIRED') => `E${String(i).padStart(6, '0')}\t${code}\n`;
  const entryWith = (exclusions: string[][], selections: string[], extra: Record<string, unknown> = {}) =>
    revealEntry(
      exclusions.map((x, i) => ({ ...group(i === 0 ? first : second, i), exclusions: x })),
      { facts: { selections, status: ['E000003\tretired\t\n'] }, ...extra },
    );
  const base = Array.from({ length: 120 }, (_, i) => exclusion(i * 2));
  const selections = Array.from({ length: 90 }, (_, i) => `E${String(i).padStart(6, '0')}\tD-${i}\t2026-11-0${1 + (i % 9)}T00:00:00.000Z\tT\n`);

  /** Reads each entry in turn, as consecutive files; each must read as its text parsed whole. */
  function readInTurn(entries: string[]): void {
    for (const entry of entries) expect(agrees(file(bundleOf(entry)))).toBe('cut');
  }

  it('puts back the runs an entry shares with the last one read, and reads as the whole text', () => {
    const edited = [...base.slice(0, 30), exclusion(61, 'SUSPENDED'), ...base.slice(30, 70), ...base.slice(75)];
    readInTurn([entryWith([base, base.slice(10)], selections), entryWith([edited, base], [...selections.slice(1), `E999999\tD-9\t2026-11-02T00:00:00.000Z\tT\n`])]);
    // The second entry's lists were read mostly from the first's: the text parsed is far shorter than the entry's.
    const cut = readCut(file(bundleOf(entryWith([edited, base], selections))))!;
    const runs = cutRuns(Buffer.from(cut.reveal.text, 'utf8'), (name) => JSON.stringify(`\u0001expert-draw kept member list ${name}`), () => false);
    expect(runs.runs.size).toBe(3);
    expect(runs.text.length).toBeLessThan(cut.reveal.text.length - 4000);
    const value = cut.reveal.parse() as { payload: { groups: Array<{ exclusions: string[] }> } };
    expect(value.payload.groups[0]!.exclusions).toEqual(edited);
    expect(cut.reveal.isCanonical(value)).toBe(true);
  });

  it('a run that ends one line short of the kept one, or runs one line further, is read as it stands', () => {
    const changedLast = [...base];
    changedLast[119] = exclusion(239, 'SUSPENDED');
    readInTurn([entryWith([base, base], selections), entryWith([base.slice(0, 119), [...base, exclusion(241)]], selections), entryWith([changedLast, base.slice(1)], selections.slice(0, 89))]);
  });

  it('never keeps the lists of an entry that is not canonical: a later entry repeating its escapes is not canonical either', () => {
    // `\/` is JSON for `/`, but not the canonical form: the entry's text is not RFC 8785.
    const slashed = base.map((line) => line.replace('RETIRED', 'A/B'));
    const canonical = entryWith([slashed, base], selections);
    const escaped = canonical.replaceAll('A/B', 'A\\/B');
    readInTurn([escaped]);
    const cut = readCut(file(bundleOf(escaped)))!;
    const value = cut.reveal.parse();
    expect(cut.reveal.isCanonical(value)).toBe(false);
    readInTurn([canonical, escaped]);
    const again = readCut(file(bundleOf(escaped)))!;
    expect(again.reveal.isCanonical(again.reveal.parse())).toBe(false);
  });

  it('reads entries that share nothing with the one before as their whole texts, then finds runs again', () => {
    const unrelated = (n: number) => Array.from({ length: 100 }, (_, i) => exclusion(1000 * n + i, 'UNAVAILABLE'));
    readInTurn(Array.from({ length: 12 }, (_, n) => entryWith([unrelated(n), unrelated(n + 50)], unrelated(n + 100))));
    const related = (n: number) => entryWith([base.slice(n % 20), base.slice(0, 100 + (n % 20))], selections.slice(n % 20));
    readInTurn(Array.from({ length: 12 }, (_, n) => related(n)));
    // Comparing resumes after a pause (of at most 128 texts): the lists are kept afresh and runs found again.
    let found = 0;
    for (let n = 0; n < 200 && found === 0; n++) {
      const cut = cutRuns(Buffer.from(related(n), 'utf8'), (name) => JSON.stringify(`\u0001expert-draw kept member list ${name}`), () => false);
      found = cut.runs.size;
      cut.keep();
    }
    expect(found).toBe(3);
    readInTurn([related(3), related(4)]);
  });

  it('reads consecutive entries whose lists differ by lines added, dropped and changed, as their whole texts (property)', () => {
    const line = fc.oneof(
      fc.constantFrom(...base, ...selections),
      fc.string({ unit: fc.constantFrom('E', '0', '\t', '\n', '"', '\\', '/', 'é', '—', ',', ']', '[') , maxLength: 12 }),
    );
    const edit = fc.array(fc.tuple(fc.nat(200), fc.nat(3), fc.array(line, { maxLength: 3 })), { maxLength: 6 });
    const apply = (list: string[], edits: Array<[number, number, string[]]>) => {
      const out = [...list];
      for (const [at, drop, add] of edits) out.splice(at % (out.length + 1), drop, ...add);
      return out;
    };
    fc.assert(
      fc.property(fc.array(fc.tuple(edit, edit, edit, fc.boolean()), { minLength: 2, maxLength: 4 }), (steps) => {
        let lists = [base, base.slice(40), selections];
        for (const [a, b, c, sorted] of steps) {
          lists = [apply(lists[0]!, a), apply(lists[1]!, b), apply(lists[2]!, c)];
          if (sorted) lists = lists.map((l) => [...new Set(l)].sort());
          expect(agrees(file(bundleOf(entryWith([lists[0]!, lists[1]!], lists[2]!))))).toBe('cut');
        }
      }),
      { numRuns: 150 },
    );
  });
});
