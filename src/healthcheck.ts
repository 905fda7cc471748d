// The container's health check (Dockerfile HEALTHCHECK): GET /readyz on this instance's own port; exit 0 when it
// answers 200, 1 otherwise. The runtime image has no curl, and this loads no other module: it runs every few seconds.
// Usage: node dist/src/healthcheck.js [path]   (default /readyz; /livez for liveness only)
import { request } from 'node:http';

const path = process.argv[2] ?? '/readyz';
const port = Number(process.env.EXPERT_DRAW_PORT ?? 3000);
// A service listening on every address answers on loopback; one bound to a single address answers there.
const bound = process.env.EXPERT_DRAW_HOST ?? '127.0.0.1';
const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound;

const req = request({ host, port, path, timeout: 4000, headers: { connection: 'close' } }, (res) => {
  res.resume();
  console.log(`${path}: ${res.statusCode}`);
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('no answer in 4 s')));
req.on('error', (err) => {
  console.log(`${path}: ${err.message}`);
  process.exit(1);
});
req.end();
