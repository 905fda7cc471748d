// The response serializer parses a twin of the schema whose parse is the schema's encoding (the schema itself, or it
// with its defaults replaced by the types they wrap), and leaves every other schema to fastify-type-provider-zod's
// encoding: either way, the same bytes or the same refusal as the library.
import { serializerCompiler as libraryCompiler, ResponseSerializationError } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Project } from '../../src/domain/project.js';
import { encodingTwin, serializerCompiler } from '../../src/plugins/app/response-serializer.js';
import { DrawView } from '../../src/schemas/draw.js';

const route = (schema: z.ZodType) => ({ schema, method: 'GET', url: '/x', httpStatus: '200' });
/** What a serializer does with a value: its bytes, or the refusal. */
function outcome(serialize: (data: unknown) => string, data: unknown): string {
  try {
    return serialize(data);
  } catch (err) {
    return err instanceof ResponseSerializationError ? 'refused' : `threw ${String(err)}`;
  }
}
const same = (schema: z.ZodType, values: unknown[]) => {
  const ours = serializerCompiler(route(schema));
  const library = libraryCompiler(route(schema));
  for (const v of values) expect(outcome(ours, v)).toBe(outcome(library, v));
};

const drawn = {
  drawId: 'D-1',
  projectId: 'P-2026-0001',
  kind: 'immediate',
  state: 'drawn',
  poolVersion: 3,
  assurance: 'operator',
  commitIndex: 10,
  commitLeafHash: 'ab'.repeat(32),
  resultIndex: 11,
  resultHash: 'cd'.repeat(32),
  groups: [{ specialty: 'A', count: 5, alternates: 2, eligibleCount: 700 }],
  failure: null,
  calls: { calling: 5 },
  supersedes: null,
  createdAt: '2026-12-05T01:00:00.000Z',
};

describe('response serializer', () => {
  it('answers a draw byte for byte as the library does: undeclared fields left out, declared ones in schema order', () => {
    const reordered = Object.fromEntries(Object.entries(drawn).reverse());
    same(DrawView, [
      drawn,
      reordered,
      { ...drawn, sealed: 'secret box', sealedNonce: 'n', by: { sub: 'operator-1' }, groups: [{ ...drawn.groups[0], experts: ['E-1'] }] },
      { ...drawn, revealIndex: 12, site: 'site-1', beacon: { chain: 'c', round: 7 } },
      // Refused alike: a wrong type, a missing field, a value outside an enum, a fraction where an integer goes.
      { ...drawn, commitIndex: '10' },
      { ...drawn, createdAt: undefined },
      { ...drawn, state: 'guessed' },
      { ...drawn, poolVersion: 3.5 },
    ]);
    // Nothing in it depends on the direction: it is parsed as it is.
    expect(encodingTwin(DrawView)).toBe(DrawView);
  });

  it('answers a project as the library does: a defaulted field that is missing is refused, not filled in', () => {
    const View = z.object({ project: Project, name: z.string().nullable() });
    const twin = encodingTwin(View);
    expect(twin).not.toBeNull();
    expect(twin).not.toBe(View);
    const project = { id: 'P-2026-0001', tenderer: '91110105000000001Y', agency: null, bidders: [], avoid: ['91110105000000002P'], preparedBy: [], bidOpeningAt: '2026-12-05T09:00:00+08:00', region: '330106' };
    const { agency: _agency, ...withoutAgency } = project;
    same(View, [
      { project, name: 'x' },
      { project: { ...project, agency: '911101050000000022', extra: 1 }, name: null, more: 2 },
      { project: withoutAgency, name: null },
      { project: { ...project, bidders: undefined }, name: null },
      { project: { ...project, avoid: ['not a code'] }, name: null },
      { project, name: undefined },
    ]);
  });

  it('leaves to the library every schema whose encoding differs from its parse and its twin’s', () => {
    const dependent = {
      'default of an optional': z.object({ a: z.string().optional().default('x') }),
      transform: z.object({ a: z.string().transform((s) => s.length) }),
      pipe: z.object({ a: z.string().pipe(z.string().min(1)) }),
      overwrite: z.object({ a: z.string().trim() }),
      'refined object': z.object({ a: z.string() }).refine((o) => Object.keys(o).length === 1),
      'discriminated union': z.discriminatedUnion('k', [z.object({ k: z.literal('x') }), z.object({ k: z.literal('y'), v: z.int() })]),
    };
    for (const [name, schema] of Object.entries(dependent)) expect(encodingTwin(schema), name).toBeNull();
    same(dependent['default of an optional'], [{}, { a: 'y' }, { a: undefined }]);
    // A catch encodes as the type it wraps: its twin refuses what encoding refuses, where a parse would put 0.
    const caught = z.object({ a: z.int().catch(0) });
    expect(encodingTwin(caught)).not.toBeNull();
    same(caught, [{ a: 'x' }, { a: 1 }, {}]);
    same(dependent.overwrite, [{ a: ' padded ' }]);
    same(dependent['refined object'], [{ a: 'x', extra: 1 }, { a: 'x' }]);
  });

  it('parses the direction-free kinds as the library encodes them', () => {
    const schema = z.object({
      s: z.string().regex(/^[a-z]+$/).max(5),
      n: z.int().min(0).nullable(),
      o: z.string().optional(),
      e: z.enum(['a', 'b']),
      l: z.literal(3),
      r: z.record(z.string(), z.int()),
      t: z.tuple([z.string(), z.int()]),
      u: z.union([z.string(), z.object({ x: z.int() })]),
      i: z.intersection(z.object({ p: z.string() }), z.object({ q: z.string() })),
      a: z.array(z.object({ k: z.string() })).max(2),
    });
    expect(encodingTwin(schema)).toBe(schema);
    const ok = { s: 'abc', n: null, e: 'a', l: 3, r: { x: 1 }, t: ['a', 1], u: { x: 1, y: 2 }, i: { p: 'p', q: 'q', z: 'z' }, a: [{ k: 'k', drop: 1 }], extra: true };
    same(schema, [ok, { ...ok, o: 'here', n: 4 }, { ...ok, s: 'ABC' }, { ...ok, s: 'abcdef' }, { ...ok, n: -1 }, { ...ok, a: [{ k: 'a' }, { k: 'b' }, { k: 'c' }] }, { ...ok, u: 5 }, { ...ok, r: { x: 'y' } }]);
  });
});
