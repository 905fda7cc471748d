// The console's route: the built files from memory with their types, a page revalidated on every load, hashed files
// cached for a year, the console's own CSP on every answer; a 503 page that says to build when there is no build; and
// in the whole app, the console beside the API and the answer page without taking either's paths.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import consoleRoutes, { CONSOLE_CSP } from '../../src/routes/console.js';
import { build, type Built } from '../helper.js';

const INDEX = '<!doctype html><html lang="zh-CN"><head><script type="module" src="/console/index-AbC123.js"></script></head><body></body></html>';
const SCRIPT = 'document.title = "console";';

async function serve(root: string): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(consoleRoutes, { root });
  await app.ready();
  return app;
}

describe('the console route', () => {
  const dir = mkdtempSync(join(tmpdir(), 'expert-draw-console-'));
  let built: FastifyInstance;
  let missing: FastifyInstance;
  beforeAll(async () => {
    mkdirSync(join(dir, 'built', 'console'), { recursive: true });
    writeFileSync(join(dir, 'built', 'index.html'), INDEX);
    writeFileSync(join(dir, 'built', 'console', 'index-AbC123.js'), SCRIPT);
    writeFileSync(join(dir, 'built', 'console', 'style-XyZ789.css'), 'body{margin:0}');
    writeFileSync(join(dir, 'built', 'console', 'notes.txt'), 'not a type the console serves');
    built = await serve(join(dir, 'built'));
    missing = await serve(join(dir, 'nothing-here'));
  });
  afterAll(async () => {
    await built.close();
    await missing.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page at /, revalidated on every load, under the console’s CSP', async () => {
    const res = await built.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.body).toBe(INDEX);
    const again = await built.inject({ url: '/', headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('serves hashed files with their types, cached for a year; nothing else', async () => {
    const js = await built.inject({ url: '/console/index-AbC123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe(SCRIPT);
    expect((await built.inject({ url: '/console/style-XyZ789.css' })).headers['content-type']).toBe('text/css; charset=utf-8');
    for (const url of ['/console/notes.txt', '/console/index-AbC124.js', '/console/../index.html', '/index.html']) expect((await built.inject({ url })).statusCode, url).toBe(404);
  });

  it('answers / with 503 and a page saying how to build when there is no build', async () => {
    const res = await missing.inject({ url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('data-code="CONSOLE_NOT_BUILT"');
    expect(res.body).toContain('npm run build');
    expect(res.body).toContain('控制台尚未构建');
    expect((await missing.inject({ url: '/console/index-AbC123.js' })).statusCode).toBe(404);
  });
});

describe('the console in the app', () => {
  let t: Built;
  beforeAll(async () => {
    t = await build();
  });
  afterAll(async () => {
    await t.close();
  });

  it('takes / and /console/ only: the API, its documentation and the answer page keep their own answers', async () => {
    const page = await t.app.inject({ url: '/' });
    // Built (npm run build) or not, / is the console's, under its CSP.
    expect([200, 503]).toContain(page.statusCode);
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    const unknown = await t.app.inject({ url: '/console/nothing-1234.js' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
    const answerScript = await t.app.inject({ url: '/assets/answer.js' });
    expect(answerScript.statusCode).toBe(200);
    expect(answerScript.headers['content-security-policy']).not.toBe(CONSOLE_CSP);
    const api = await t.app.inject({ url: '/v1/session' });
    expect(api.statusCode).toBe(401);
    expect(api.headers['content-security-policy']).not.toBe(CONSOLE_CSP);
    // Not an API route: the OpenAPI document (and so the typed client) does not list it.
    const doc = (await t.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p === '/' || p.startsWith('/console'))).toEqual([]);
  });
});
