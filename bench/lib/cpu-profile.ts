// Where the time goes: V8's sampling CPU profiler around one phase (node:inspector, in-process), summarised as the
// functions with the most self time, the project's own functions with the most inclusive time, and self time per file.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from 'node:inspector/promises';

export interface ProfiledFunction {
  /** `name (file)` (anonymous functions: `(anonymous) (file:line)`), the file relative to the project. */
  readonly fn: string;
  readonly ms: number;
  /** Share of all sampled time in the phase. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly sampledMs: number;
  readonly samplingIntervalUs: number;
  /** Time in the function itself (native calls it makes, e.g. an fsync, count here). */
  readonly topSelf: ProfiledFunction[];
  /** Time in the function and everything it called, for functions under src/ only (each counted once per sample). */
  readonly topInclusive: ProfiledFunction[];
  /** Self time per source file (node internals and natives under their own names). */
  readonly byFile: ProfiledFunction[];
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** The file relative to the project, the compiled tree's dist/ prefix dropped (src/x.js is then src/x.ts compiled). */
function fileOf(url: string): string {
  if (url === '') return '';
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const rel = path.isAbsolute(file) ? path.relative(process.cwd(), file) : file;
  return rel.startsWith(`dist${path.sep}`) ? rel.slice(5) : rel;
}

/** Runs `fn` under the sampling profiler and summarises the samples taken meanwhile. */
export async function profiled<T>(fn: () => Promise<T>, options: { top?: number; intervalUs?: number } = {}): Promise<{ result: T; profile: ProfileSummary }> {
  const top = options.top ?? 15;
  const intervalUs = options.intervalUs ?? 200;
  const session = new Session();
  session.connect();
  let raw: CpuProfile;
  let result: T;
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
    try {
      result = await fn();
    } finally {
      raw = (await session.post('Profiler.stop')).profile as CpuProfile;
    }
    await session.post('Profiler.disable');
  } finally {
    session.disconnect();
  }
  // EXPERT_DRAW_BENCH_PROFILE=file keeps the whole profile (Chrome DevTools' .cpuprofile format) for a closer look.
  const keep = process.env.EXPERT_DRAW_BENCH_PROFILE;
  if (keep) writeFileSync(keep, JSON.stringify(raw));
  return { result, profile: summarise(raw, top, intervalUs) };
}

function summarise(profile: CpuProfile, top: number, intervalUs: number): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = new Map<number, string>();
  const key = (n: ProfileNode) => {
    let k = keyOf.get(n.id);
    if (k === undefined) {
      const file = fileOf(n.callFrame.url);
      // Named functions by name and file; anonymous ones by their line as well (of the code V8 ran: compiled JS).
      const name = n.callFrame.functionName;
      k = !file ? name || '(anonymous)' : name ? `${name} (${file})` : `(anonymous) (${file}:${n.callFrame.lineNumber + 1})`;
      keyOf.set(n.id, k);
    }
    return k;
  };
  // Time per sampled node: the delta before the next sample is the time spent there.
  const timeAt = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) timeAt.set(samples[i]!, (timeAt.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? 0));
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  for (const [id, us] of timeAt) {
    const node = byId.get(id)!;
    total += us;
    self.set(key(node), (self.get(key(node)) ?? 0) + us);
    const file = fileOf(node.callFrame.url) || node.callFrame.functionName || '(anonymous)';
    files.set(file, (files.get(file) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      const k = key(n);
      if (seen.has(k) || !fileOf(n.callFrame.url).startsWith(`src${path.sep}`)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  const list = (m: Map<string, number>): ProfiledFunction[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, ms: us / 1000, share: total > 0 ? us / total : 0 }));
  return { sampledMs: total / 1000, samplingIntervalUs: intervalUs, topSelf: list(self), topInclusive: list(inclusive), byFile: list(files) };
}
