// Responses are serialized through their route's zod schema: what the route answers is checked, and what the schema
// does not declare is left out. fastify-type-provider-zod encodes (zod's backward direction), which parses every value
// that has checks twice (once without its checks, then with them). A schema with nothing direction-dependent in it —
// no default, transform, pipe, codec, catch, overwrite (trim, lower-case) or refinement of a whole object — encodes
// exactly as it parses: the same checks pass or fail, and the same value comes out. Such a schema is parsed (about a
// third of the time, for the draw's answer); any other is encoded as before, by the library itself.
import type { FastifySerializerCompiler } from 'fastify';
import { ResponseSerializationError, serializerCompiler as encodingCompiler } from 'fastify-type-provider-zod';
import { $ZodType, safeParse } from 'zod/v4/core';

/** What a route may give as a response schema (as the library's compiler takes it). */
type ResponseSchema = $ZodType | { properties: $ZodType };

/** Leaf types whose parse does not depend on the direction (their checks are looked at separately). */
const LEAVES = new Set(['string', 'number', 'boolean', 'bigint', 'null', 'undefined', 'void', 'any', 'unknown', 'never', 'nan', 'enum', 'literal', 'template_literal', 'date', 'symbol']);
/** Checks a container may carry: they read its size, which is the same before and after its parse. */
const SIZE_CHECKS = new Set(['min_length', 'max_length', 'length_equals']);

interface Def {
  readonly type: string;
  readonly checks?: ReadonlyArray<{ readonly _zod: { readonly def: { readonly check: string } } }>;
  readonly [key: string]: unknown;
}

const defOf = (schema: $ZodType): Def => schema._zod.def as unknown as Def;

/**
 * Whether zod's parse and encode of this schema are the same function of the value: same success, same output.
 * Conservative: a type or check not known to be direction-free makes the whole schema count as direction-dependent.
 */
export function directionFree(schema: $ZodType, seen: Set<$ZodType> = new Set()): boolean {
  if (seen.has(schema)) return true;
  seen.add(schema);
  const def = defOf(schema);
  const checks = (def.checks ?? []).map((c) => c._zod.def.check);
  if (LEAVES.has(def.type)) return !checks.includes('overwrite');
  // Below here: containers and wrappers. In the backward direction a container's checks run on the value before its
  // parse (an object with its undeclared keys still in), in the forward one after it: only size checks agree.
  if (!checks.every((c) => SIZE_CHECKS.has(c))) return false;
  const free = (s: unknown) => directionFree(s as $ZodType, seen);
  switch (def.type) {
    case 'object':
      return Object.values(def.shape as Record<string, $ZodType>).every(free) && (def.catchall === undefined || free(def.catchall));
    case 'array':
      return free(def.element);
    case 'optional':
    case 'nullable':
    case 'nonoptional':
    case 'readonly':
      return free(def.innerType);
    case 'record':
      return free(def.keyType) && free(def.valueType);
    case 'tuple':
      return (def.items as $ZodType[]).every(free) && (def.rest === null || def.rest === undefined || free(def.rest));
    case 'union':
      // A discriminated union falls back to trying every option when encoding: not the same search.
      return def.discriminator === undefined && (def.options as $ZodType[]).every(free);
    case 'intersection':
      return free(def.left) && free(def.right);
    case 'lazy':
      return free((def.getter as () => $ZodType)());
    default:
      return false;
  }
}

function resolveSchema(schema: ResponseSchema): $ZodType | null {
  if (schema instanceof $ZodType) return schema;
  if ('properties' in schema && schema.properties instanceof $ZodType) return schema.properties;
  return null;
}

/** Fastify's serializer compiler: parse where that is the same as encoding, the library's encoding elsewhere. */
export const serializerCompiler: FastifySerializerCompiler<ResponseSchema> = (route) => {
  const schema = resolveSchema(route.schema);
  if (schema === null || !directionFree(schema)) return encodingCompiler(route);
  const { method, url } = route;
  return (data) => {
    const result = safeParse(schema, data);
    if (result.error) throw new ResponseSerializationError(method, url, { cause: result.error });
    return JSON.stringify(result.data);
  };
};
