// What the numbers were measured on: recorded next to every result file, with a short calibration of the machine's
// speed at the time, since this machine's speed moves by a third between hours on the same code.
import { createHash } from 'node:crypto';
import os from 'node:os';

/**
 * Two fixed workloads timed just before a suite runs: a figure of one stop against another means little unless these
 * moved less than it did. Each is the median of five runs after one untimed.
 */
export interface Calibration {
  /** SHA-256 of 32 MiB in one call: the processor's own speed (native code, nothing allocated). */
  readonly sha256Ms: number;
  /**
   * JSON.stringify, then JSON.parse, of 50,000 records shaped like a pool's experts: V8's allocation and garbage
   * collection, the kind of work a draw's records, entries and messages are.
   */
  readonly jsonMs: number;
  /** The one-minute load average before the calibration: what else was running. */
  readonly load1: number;
}

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly totalMemoryGiB: number;
  readonly platform: string;
  readonly arch: string;
  readonly node: string;
  readonly v8: string;
  readonly date: string;
  /** Present in the result files of suites run since stop 33 (`measuredMachine`). */
  readonly calibration?: Calibration;
}

export function machineInfo(now = new Date()): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    node: process.version,
    v8: process.versions.v8,
    date: now.toISOString(),
  };
}

/** The machine as a suite records it: machineInfo with a calibration taken now (under a second). */
export function measuredMachine(now = new Date()): MachineInfo {
  return { ...machineInfo(now), calibration: calibrate() };
}

const RUNS = 5;

function medianMs(work: () => void): number {
  work();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    work();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[RUNS >> 1]! * 100) / 100;
}

export function calibrate(): Calibration {
  const load1 = Math.round(os.loadavg()[0]! * 100) / 100;
  const bytes = Buffer.alloc(32 * 2 ** 20, 0x5a);
  const sha256Ms = medianMs(() => {
    createHash('sha256').update(bytes).digest();
  });
  const records = Array.from({ length: 50_000 }, (_, i) => ({
    id: `E-${String(i).padStart(6, '0')}`,
    employer: `91110105${String(i % 9973).padStart(9, '0')}X`,
    region: '330106',
    specialties: ['C990101', i % 2 === 0 ? 'C990102' : 'C990103'],
    relatives: i % 7 === 0 ? [`E-${String(i + 1).padStart(6, '0')}`] : [],
    status: 'active',
    selected: i % 13,
  }));
  const jsonMs = medianMs(() => {
    const parsed = JSON.parse(JSON.stringify(records)) as unknown[];
    if (parsed.length !== records.length) throw new Error('calibration: the records did not round-trip');
  });
  return { sha256Ms, jsonMs, load1 };
}

/** How a calibration reads in summary.md. */
export function calibrationText(c: Calibration): string {
  return `calibration: SHA-256 of 32 MiB ${c.sha256Ms} ms, JSON of 50k records ${c.jsonMs} ms, load ${c.load1}`;
}
