// `npm start` serves the compiled server (dist/, built by `npm ci` through `prepare`, or by `npm run build`); this
// check runs before it so that a missing or stale build says what to do instead of a module-not-found trace.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const server = 'dist/src/server.js';
if (!existsSync(server)) {
  console.error(`expert-draw: ${server} is missing: build it with \`npm run build\` (\`npm ci\` builds it too), then \`npm start\` again.`);
  process.exit(1);
}

/** The newest .ts file under `dir`, if the sources are here (a development checkout). */
function newestSource(dir) {
  let newest = { path: null, mtime: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const found = entry.isDirectory() ? newestSource(path) : entry.name.endsWith('.ts') ? { path, mtime: statSync(path).mtimeMs } : null;
    if (found && found.mtime > newest.mtime) newest = found;
  }
  return newest;
}

if (existsSync('src')) {
  const source = newestSource('src');
  if (source.mtime > statSync(server).mtimeMs) {
    console.warn(`expert-draw: ${source.path} changed after the last build; \`npm run build\` to serve the change.`);
  }
}
