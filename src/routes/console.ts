// The staff console (console/, built by Vite into dist/console/), served at `/` on the API's own origin: no CORS, and
// the console reaches nothing the public /v1 API does not give its user. The built files are read once, at start,
// into memory. `/` is the page (revalidated on every load, so a new build shows at once); `/console/*` are its
// content-hashed scripts and styles (cached for a year: a new build has new names). Without a build, `/` answers 503
// with a page that says how to make one.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { msg } from '../i18n/message.js';

/** Where Vite puts the hashed files, under the console's root (console/vite.config.ts `build.assetsDir`). */
export const ASSETS_DIR = 'console';

/**
 * The console's own policy, as strict as the answer page's: its scripts, styles and API calls from this origin only;
 * no inline code, no framing, no form leaves by itself (the console's forms are sent by its script), no base rewrite.
 */
export const CONSOLE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/** dist/console/ next to the service's code, whether it runs from source (src/) or built (dist/src/). */
function defaultRoot(): string {
  const up = fileURLToPath(new URL('../..', import.meta.url));
  return basename(up) === 'dist' ? join(up, ASSETS_DIR) : join(up, 'dist', ASSETS_DIR);
}

interface File {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/** A strong validator of a file's bytes. */
const etagOf = (body: Buffer) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/** Every file under `dir` by its URL path (`/console/index-abc.js`); files of unknown types are not served. */
function readFiles(root: string): Map<string, File> {
  const files = new Map<string, File>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const type = TYPES[extname(name)];
        const body = readFileSync(path);
        if (type) files.set(`/${relative(root, path).split(sep).join('/')}`, { body, type, etag: etagOf(body) });
      }
    }
  };
  walk(root);
  return files;
}

/** The page `/` shows until the console is built: both languages, no script, no style. */
function notBuiltPage(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${msg('console.title').text('zh-CN')}</title></head>
<body><main data-code="CONSOLE_NOT_BUILT"><h1>${msg('console.title').text('zh-CN')}</h1><p>${msg('console.notBuilt').text('zh-CN')}</p>
<p lang="en">${msg('console.notBuilt').text('en')}</p></main></body></html>
`;
}

export interface ConsoleOptions {
  /** The built console (default: dist/console/ of this checkout). */
  readonly root?: string;
  /**
   * The centre's time zone (EXPERT_DRAW_TIME_ZONE), named on the page for the console to show every time in, whatever
   * the terminal's own zone: a terminal left on UTC would otherwise show a 09:00 bid opening as 01:00.
   */
  readonly timeZone?: string;
}

/** The page with the centre's time zone named in a meta element of its head (its etag follows the bytes). */
function withTimeZone(page: File, timeZone: string): File {
  const meta = `<meta name="expert-draw-time-zone" content="${timeZone.replace(/[^A-Za-z0-9_+\-/]/g, '')}">`;
  const body = Buffer.from(page.body.toString('utf8').replace('<head>', `<head>${meta}`));
  return { ...page, body, etag: etagOf(body) };
}

const consoleRoutes: FastifyPluginAsync<ConsoleOptions> = async (app, options) => {
  const root = options.root ?? defaultRoot();
  const files = existsSync(join(root, 'index.html')) ? readFiles(root) : null;
  const index = files?.get('/index.html');
  if (index && options.timeZone) files!.set('/index.html', withTimeZone(index, options.timeZone));

  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', CONSOLE_CSP).header('referrer-policy', 'same-origin').header('x-robots-tag', 'noindex, nofollow');
  });

  const send = (request: FastifyRequest, reply: FastifyReply, file: File, cache: string) => {
    reply.header('cache-control', cache).header('etag', file.etag).type(file.type);
    if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
    return reply.send(file.body);
  };

  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const page = files?.get('/index.html');
    if (!page) return reply.status(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(notBuiltPage());
    // Always asked again (a 304 when unchanged): the page names the current build's files.
    return send(request, reply, page, 'no-cache');
  });

  app.get(`/${ASSETS_DIR}/*`, { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const file = files?.get(request.url.split('?')[0]!);
    if (!file) return reply.callNotFound();
    return send(request, reply, file, 'public, max-age=31536000, immutable');
  });
};

export default consoleRoutes;
