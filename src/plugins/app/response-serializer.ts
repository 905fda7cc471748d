// Responses are serialized through their route's zod schema: what the route answers is checked, and what the schema
// does not declare is left out. fastify-type-provider-zod encodes (zod's backward direction), which parses every value
// that has checks twice (once without its checks, then with them). Most response schemas encode exactly as they parse,
// or as a twin of them parses: the same schema with each default (prefault, catch) replaced by the type it wraps, which
// is all such a node does when encoding. The twin is built once per route and parsed: the same checks pass or fail
// and the same value comes out, in about a third of the time. A schema with anything else direction-dependent in it (a
// transform, pipe, codec, overwrite such as trim, or a refinement of a whole object) is encoded by the library.
import type { FastifySerializerCompiler } from 'fastify';
import { ResponseSerializationError, serializerCompiler as encodingCompiler } from 'fastify-type-provider-zod';
import { $ZodType, safeParse, util } from 'zod/v4/core';

/** What a route may give as a response schema (as the library's compiler takes it). */
type ResponseSchema = $ZodType | { properties: $ZodType };

/** Leaf types whose parse does not depend on the direction (their checks are looked at separately). */
const LEAVES = new Set(['string', 'number', 'boolean', 'bigint', 'null', 'undefined', 'void', 'any', 'unknown', 'never', 'nan', 'enum', 'literal', 'template_literal', 'date', 'symbol']);
/** Checks a container may carry: they read its size, which is the same before and after its parse. */
const SIZE_CHECKS = new Set(['min_length', 'max_length', 'length_equals']);
/** Wrappers that, when encoding, only run the type they wrap. */
const ENCODE_AS_INNER = new Set(['default', 'prefault', 'catch']);

interface Def {
  readonly type: string;
  readonly checks?: ReadonlyArray<{ readonly _zod: { readonly def: { readonly check: string } } }>;
  readonly [key: string]: unknown;
}

const defOf = (schema: $ZodType): Def => schema._zod.def as unknown as Def;

/**
 * A schema whose parse is the given schema's encoding (the schema itself when nothing in it depends on the direction),
 * or null. Conservative: a type or check not known to behave alike in both directions gives null.
 */
export function encodingTwin(schema: $ZodType): $ZodType | null {
  const def = defOf(schema);
  const checks = (def.checks ?? []).map((c) => c._zod.def.check);
  if (LEAVES.has(def.type)) return checks.includes('overwrite') ? null : schema;
  // Below here: containers and wrappers. In the backward direction a container's checks run on the value before its
  // parse (an object with its undeclared keys still in), in the forward one after it: only size checks agree.
  if (!checks.every((c) => SIZE_CHECKS.has(c))) return null;
  if (ENCODE_AS_INNER.has(def.type)) {
    const inner = def.innerType as $ZodType;
    // Only a wrapped type that refuses a missing value: an object then treats the key alike with the wrapper or without.
    if (checks.length > 0 || inner._zod.optin !== undefined || inner._zod.optout !== undefined) return null;
    return encodingTwin(inner);
  }
  /** The schema again with these parts of its definition replaced by their twins; null if one has none. */
  const rebuilt = (parts: Record<string, $ZodType | readonly $ZodType[] | undefined>): $ZodType | null => {
    const twins: Record<string, unknown> = {};
    let changed = false;
    for (const [name, part] of Object.entries(parts)) {
      if (part === undefined) continue;
      const twin = Array.isArray(part) ? twinsOf(part) : encodingTwin(part as $ZodType);
      if (twin === null) return null;
      if (Array.isArray(part) ? (twin as $ZodType[]).some((t, i) => t !== part[i]) : twin !== part) changed = true;
      twins[name] = twin;
    }
    return changed ? util.clone(schema, { ...def, ...twins } as never) : schema;
  };
  switch (def.type) {
    case 'object': {
      // The shape is an accessor on the definition: read it, and give the twin its own.
      const shape = def.shape as Record<string, $ZodType>;
      const twins: Record<string, $ZodType> = {};
      let changed = false;
      for (const [key, field] of Object.entries(shape)) {
        const twin = encodingTwin(field);
        if (twin === null) return null;
        changed ||= twin !== field;
        twins[key] = twin;
      }
      const catchall = def.catchall === undefined ? undefined : encodingTwin(def.catchall as $ZodType);
      if (catchall === null) return null;
      return changed || catchall !== def.catchall ? util.clone(schema, { ...def, shape: twins, catchall } as never) : schema;
    }
    case 'array':
      return rebuilt({ element: def.element as $ZodType });
    case 'optional':
    case 'nullable':
    case 'nonoptional':
    case 'readonly':
      return rebuilt({ innerType: def.innerType as $ZodType });
    case 'record':
      return rebuilt({ keyType: def.keyType as $ZodType, valueType: def.valueType as $ZodType });
    case 'tuple':
      return rebuilt({ items: def.items as $ZodType[], rest: (def.rest ?? undefined) as $ZodType | undefined });
    case 'union':
      // A discriminated union falls back to trying every option when encoding: not the same search.
      return def.discriminator === undefined ? rebuilt({ options: def.options as $ZodType[] }) : null;
    case 'intersection':
      return rebuilt({ left: def.left as $ZodType, right: def.right as $ZodType });
    default:
      return null;
  }
}

function twinsOf(schemas: readonly $ZodType[]): $ZodType[] | null {
  const twins: $ZodType[] = [];
  for (const s of schemas) {
    const twin = encodingTwin(s);
    if (twin === null) return null;
    twins.push(twin);
  }
  return twins;
}

function resolveSchema(schema: ResponseSchema): $ZodType | null {
  if (schema instanceof $ZodType) return schema;
  if ('properties' in schema && schema.properties instanceof $ZodType) return schema.properties;
  return null;
}

/** Fastify's serializer compiler: the twin's parse where there is one, the library's encoding elsewhere. */
export const serializerCompiler: FastifySerializerCompiler<ResponseSchema> = (route) => {
  const schema = resolveSchema(route.schema);
  const twin = schema === null ? null : encodingTwin(schema);
  if (twin === null) return encodingCompiler(route);
  const { method, url } = route;
  return (data) => {
    const result = safeParse(twin, data);
    if (result.error) throw new ResponseSerializationError(method, url, { cause: result.error });
    return JSON.stringify(result.data);
  };
};
