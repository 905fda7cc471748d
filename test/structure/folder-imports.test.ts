// Issue 10 asks for no import cycle between the folders of src (a root file counts as a folder of its own), type-only
// imports included: a cycle of types still ties two folders together for a reader. The imports are read as text (every
// relative `import … from`, `export … from` and `import('…')`), which is how the source writes them.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

/** The folder (or root file, without its extension) of src a path lies in. */
function unitOf(file: string): string {
  const [first] = path.relative(SRC, file).split(path.sep);
  return first!.replace(/\.(ts|js)$/, '');
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(full);
    return d.name.endsWith('.ts') ? [full] : [];
  });
}

/** Folder → folders it imports from, each with the files that do. */
function folderImports(): Map<string, Map<string, string[]>> {
  const edges = new Map<string, Map<string, string[]>>();
  for (const file of sourceFiles(SRC)) {
    const from = unitOf(file);
    for (const m of fs.readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const target = path.resolve(path.dirname(file), m[1]!);
      if (!target.startsWith(SRC + path.sep)) continue;
      const to = unitOf(target);
      if (to === from) continue;
      let out = edges.get(from);
      if (!out) edges.set(from, (out = new Map()));
      out.set(to, [...(out.get(to) ?? []), path.relative(SRC, file)]);
    }
  }
  return edges;
}

/** The strongly connected components of more than one node (Tarjan): each is a cycle, or several. */
function cycles(edges: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('imports between the folders of src', () => {
  it('finds a cycle where there is one (the check itself)', () => {
    const graph = new Map([
      ['a', new Map([['b', []]])],
      ['b', new Map([['c', []]])],
      ['c', new Map([['a', []]])],
      ['d', new Map([['a', []]])],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
    expect(cycles(new Map([['a', new Map([['b', []]])]]))).toEqual([]);
  });

  it('reads the imports of the source (type-only and dynamic ones too)', () => {
    const edges = folderImports();
    // A few edges known to exist, one of each kind, so that an empty graph cannot pass the next test.
    expect(edges.get('services')?.has('draw')).toBe(true);
    expect(edges.get('errors')?.has('i18n')).toBe(true);
    expect([...edges.values()].reduce((n, out) => n + out.size, 0)).toBeGreaterThan(50);
  });

  it('has no cycle', () => {
    const edges = folderImports();
    const found = cycles(edges).map((component) =>
      component.flatMap((from) => component.filter((to) => edges.get(from)?.has(to)).map((to) => `${from} → ${to} (${edges.get(from)!.get(to)!.join(', ')})`)),
    );
    expect(found).toEqual([]);
  });
});
