// Security headers. The API serves JSON; the docs page needs its own scripts and styles, nothing else does.
// helmet's headers depend on its options only (no directive here is a function of the request), so its middleware runs
// once at boot and every request gets the headers it set, in its order: @fastify/helmet built the middleware anew for
// every request, which cost more than the rest of an unauthenticated answer.
import type { ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import helmet from 'helmet';

/** An API request's target, in origin form (`/v1/…`) or absolute form (`http://host/v1/…`), which routes alike. */
const API_PATH = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/]*)?\/v1(?:[/?]|$)/i;

const OPTIONS = { contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'style-src': ["'self'", 'https:', "'unsafe-inline'"] } } };

/** One step of what helmet does to a response: set a header, or remove one (a name alone). */
export type HeaderStep = readonly [name: string, value: string] | readonly [name: string];

/** What helmet's middleware does to a response with these options, recorded in order. */
export function helmetSteps(options: Parameters<typeof helmet>[0]): HeaderStep[] {
  const steps: HeaderStep[] = [];
  const recorder = {
    setHeader: (name: string, value: string) => void steps.push([name, value]),
    removeHeader: (name: string) => void steps.push([name]),
  };
  let failed: unknown = null;
  helmet(options)({} as never, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) failed = err;
  });
  if (failed) throw failed;
  return steps;
}

export default fp(
  async (app) => {
    const steps = helmetSteps(OPTIONS);
    app.addHook('onRequest', (request, reply, done) => {
      // On the raw response, as helmet sets them: a route's own header of the same name still replaces one.
      const raw = reply.raw;
      for (const step of steps) {
        if (step.length === 2) raw.setHeader(step[0], step[1]);
        else raw.removeHeader(step[0]);
      }
      // The API's answers are nobody's to keep: a panel, a check-in's assignment or an account must not stay in a
      // browser's or a proxy's cache after the screen moved on (a route that may be cached says so itself).
      if (API_PATH.test(request.url)) raw.setHeader('cache-control', 'no-store');
      done();
    });
  },
  { name: 'helmet', fastify: '5.x' },
);
