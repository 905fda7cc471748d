import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two projects. `fast`: the pure units (draw, domain, log, crypto, pool, roster, calls, verify, auth, audit, i18n,
 * pages, beacon, the console's tables) for
 * the inner loop, `npm run test:fast`. `slow`: everything else (app, routes, e2e, store, services, bench, vectors) and the two unit
 * folders' process tests (the log crash test kills writer processes; the CA CLI test builds the project first).
 * `slow` is "every test file that is not fast", so a new folder lands there and `npm test` (both) runs every file once.
 */
const FAST = [
  'test/{draw,domain,pool,roster,calls,verify,auth,audit,i18n,pages,beacon}/**/*.test.ts',
  'test/log/!(crash).test.ts',
  'test/crypto/!(ca-cli).test.ts',
  'test/console/{texts,access}.test.ts',
];

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'fast', include: FAST } },
      { extends: true, test: { name: 'slow', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...FAST] } },
    ],
  },
});
