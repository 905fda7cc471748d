import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Three projects. `fast`: the pure units (draw, domain, log, crypto, pool, roster, calls, verify, auth, audit, i18n,
 * pages, beacon, the console's tables) for the inner loop, `npm run test:fast`. `clock`: the README's first run, which
 * waits minutes on the wall clock and so runs beside them. `slow`: everything else (app, routes, e2e, store, services,
 * bench, vectors, ops) and the two unit folders' process tests (the log crash test kills writer processes; the CA CLI
 * test runs the compiled CLI). `slow` is "every test file that is not in the other two", so a new folder lands
 * there and `npm test` (all three) runs every file once.
 */
const FAST = [
  'test/{draw,domain,pool,roster,calls,verify,auth,audit,i18n,pages,beacon}/**/*.test.ts',
  'test/log/!(crash).test.ts',
  'test/crypto/!(ca-cli).test.ts',
  'test/console/{texts,access}.test.ts',
];

/** The README's first run (test/ops/first-run.test.ts): a few seconds of work, then minutes of waiting. */
const FIRST_RUN = 'test/ops/first-run.test.ts';

/**
 * Files that run in a process of their own after `slow`: the console's main browser walk-through failed in two of four
 * full runs (its registration never answered), always after the same slow files in the same worker, and never alone.
 */
const OWN_PROCESS = ['test/e2e/console-browser.test.ts'];

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // Two files at a time first: the README's first run, which mostly waits for its project's bid opening (three
      // minutes of wall clock), beside the pure units (each with its own temp files, Redis prefix and port). Projects
      // of one group are dispatched by name, so `clock` starts before `fast`. Then everything else one file at a time
      // (three at a time raced on two cores: see git log).
      { extends: true, test: { name: 'clock', include: [FIRST_RUN], maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'fast', include: FAST, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      // `slow` does not isolate its files: its one worker imports the service's modules once, not once per file (about
      // 1-2 s a file, 110 files; no test here mocks a module or relies on a fresh one).
      { extends: true, test: { name: 'slow', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...FAST, FIRST_RUN, ...OWN_PROCESS], maxWorkers: 1, isolate: false, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'own-process', include: OWN_PROCESS, maxWorkers: 1, isolate: true, sequence: { groupOrder: 2 } } },
    ],
  },
});
