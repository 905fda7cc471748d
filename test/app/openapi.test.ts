// The OpenAPI document (/docs/json) is complete for a client that reads nothing else: every operation says what it
// does, every field of every parameter, body and answer says what it holds, each error status lists only the codes
// that status can carry, the pool import shows its body, and the routes whose credential is a link need no token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS, type ErrorCode } from '../../src/errors.js';
import { build, type Built } from '../helper.js';

interface Schema {
  readonly description?: string;
  readonly $ref?: string;
  readonly type?: string | string[];
  readonly properties?: Record<string, Schema>;
  readonly items?: Schema;
  readonly additionalProperties?: Schema | boolean;
  readonly anyOf?: Schema[];
  readonly oneOf?: Schema[];
  readonly allOf?: Schema[];
  readonly enum?: unknown[];
}
interface Operation {
  readonly summary?: string;
  readonly description?: string;
  readonly security?: unknown[];
  readonly parameters?: Array<{ name: string; in: string; description?: string; schema?: Schema }>;
  readonly requestBody?: { content: Record<string, { schema: Schema }> };
  readonly responses: Record<string, { description?: string; content?: Record<string, { schema: Schema }> }>;
}
interface Document {
  readonly security?: unknown[];
  readonly paths: Record<string, Record<string, Operation>>;
}

/** The routes whose credential is in the request itself (a link's token, a password, a refresh token), or none. */
const PUBLIC = ['GET /livez', 'GET /readyz', 'GET /health', 'GET /r/{token}', 'POST /r/{token}', 'GET /m/{token}', 'POST /m/{token}', 'POST /v1/session', 'POST /v1/session/refresh', 'POST /v1/responses/{token}'];

let t: Built;
let doc: Document;
beforeAll(async () => {
  t = await build();
  const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(async () => t?.close());

const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as const));

/** Every property, at any depth, that says nothing about itself; `where` names it. */
function undescribed(schema: Schema | undefined, where: string, out: string[] = []): string[] {
  if (!schema || typeof schema !== 'object') return out;
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const said = prop.description !== undefined || prop.$ref !== undefined || [...(prop.anyOf ?? []), ...(prop.oneOf ?? [])].some((s) => s.description !== undefined);
    if (!said) out.push(`${where}.${name}`);
    undescribed(prop, `${where}.${name}`, out);
  }
  if (schema.items) undescribed(schema.items, `${where}[]`, out);
  if (typeof schema.additionalProperties === 'object') undescribed(schema.additionalProperties, `${where}{}`, out);
  for (const list of [schema.anyOf, schema.oneOf, schema.allOf]) list?.forEach((s, i) => undescribed(s, `${where}|${i}`, out));
  return out;
}

describe('the OpenAPI document', () => {
  it('describes every operation', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(40);
    const bare = ops.filter(([, op]) => !op.summary?.trim() || !op.description?.trim()).map(([id]) => id);
    expect(bare, 'operations without a summary and a description').toEqual([]);
  });

  it('describes every field of every parameter, body and answer', () => {
    const missing: string[] = [];
    for (const [id, op] of operations()) {
      for (const p of op.parameters ?? []) if (!p.description && !p.schema?.description) missing.push(`${id} ${p.in} ${p.name}`);
      for (const c of Object.values(op.requestBody?.content ?? {})) undescribed(c.schema, `${id} body`, missing);
      for (const [status, r] of Object.entries(op.responses)) for (const c of Object.values(r.content ?? {})) undescribed(c.schema, `${id} ${status}`, missing);
    }
    expect(missing, 'fields without a description: ' + JSON.stringify(missing)).toEqual([]);
  });

  it('lists under each error status the codes of that status the route can answer with, not every code of the status', () => {
    const wrong: string[] = [];
    const codes = (path: string, method: string, status: number) =>
      (doc.paths[path]![method as 'get']!.responses[String(status)]!.content!['application/json']!.schema.properties!.error!.properties!.code!.enum ?? []).slice().sort();
    let statuses = 0;
    for (const [id, op] of operations()) {
      for (const [status, r] of Object.entries(op.responses)) {
        const code = r.content?.['application/json']?.schema.properties?.error?.properties?.code;
        if (Number(status) < 400 || !code) continue;
        statuses++;
        const listed = (code.enum ?? []) as ErrorCode[];
        // The error handler answers a code with its status and no other (ERROR_STATUS): a code listed under another
        // status cannot come back. Whether the list is complete, every test checks: an answer with a code its route
        // does not declare fails the test that caused it (test/helper.ts).
        if (listed.length === 0 || listed.some((c) => ERROR_STATUS[c] !== Number(status))) wrong.push(`${id} ${status}: ${listed.join(', ')}`);
      }
    }
    expect(statuses).toBeGreaterThan(200);
    expect(wrong).toEqual([]);
    // By route, not one list per status.
    expect(codes('/v1/projects/{id}', 'get', 404)).toEqual(['NOT_FOUND']);
    expect(codes('/v1/responses/{token}', 'post', 410)).toEqual(['GONE']);
    expect(codes('/v1/draws/{id}/panel', 'get', 409)).toEqual(['SEALED']);
    expect(codes('/v1/checkins', 'post', 409)).toEqual(['CHECKIN_REFUSED', 'CONFLICT', 'IDEMPOTENCY_CONFLICT']);
    expect(codes('/v1/projects/{id}/draw', 'post', 409)).toEqual(['CONFLICT', 'DRAW_IN_PROGRESS', 'IDEMPOTENCY_CONFLICT', 'SITE_UNAVAILABLE']);
    expect(codes('/v1/projects/{id}/draw', 'post', 422)).toEqual(['ASSURANCE_UNAVAILABLE', 'INSUFFICIENT_CANDIDATES', 'POLICY_RULES', 'WITNESS_MISSING']);
    expect(codes('/v1/projects/{id}/witness-deposits', 'post', 409)).toEqual(['ALREADY_DEPOSITED', 'CONFLICT', 'DEPOSITS_CLOSED', 'IDEMPOTENCY_CONFLICT', 'NOT_PLANNED']);
    expect(codes('/v1/session', 'post', 401)).toEqual(['BAD_CREDENTIALS']);
    expect(codes('/v1/session/password', 'post', 422)).toEqual(['PASSWORD_POLICY']);
    expect(codes('/v1/draws/{id}', 'get', 503)).toEqual(['STORE_UNAVAILABLE']);
    expect(codes('/v1/projects', 'post', 503)).toEqual(['LOG_MISMATCH', 'LOG_UNAVAILABLE', 'STORE_UNAVAILABLE']);
  });

  it('shows the pool import’s body in each type it takes', () => {
    const body = doc.paths['/v1/experts/import']!.post!.requestBody;
    expect(Object.keys(body?.content ?? {}).sort()).toEqual(['application/jsonl', 'application/x-jsonlines', 'application/x-ndjson', 'text/csv']);
    for (const c of Object.values(body!.content)) {
      expect(c.schema.type).toBe('string');
      expect(c.schema.description).toMatch(/JSON lines/);
    }
  });

  it('asks a bearer token of every route but those whose credential is in the request', () => {
    expect(doc.security).toEqual([{ bearer: [] }]);
    const open = operations().filter(([, op]) => op.security !== undefined);
    for (const [id, op] of open) expect(op.security, id).toEqual([]);
    expect(open.map(([id]) => id).sort()).toEqual([...PUBLIC].sort());
    // A public route answers no 401 for a missing token; only the login's wrong password is one.
    for (const [id, op] of operations()) if (PUBLIC.includes(id) && id !== 'POST /v1/session' && id !== 'POST /v1/session/refresh') expect(Object.keys(op.responses), id).not.toContain('401');
  });
});
