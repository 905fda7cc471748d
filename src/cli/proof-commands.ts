// `expert-draw proof verify`: an inspector checks a disclosed draw's proof bundle offline against the pinned log key.
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { chainOfInfo, type BeaconChain } from '../beacon/chains.js';
import { verifyDrawProof, type CheckStatus, type DrawProofReport } from '../verify/draw-proof.js';

interface VerifyOpts {
  verifierKey: string;
  origin?: string;
  beaconChain: string[];
  json?: boolean;
}

/** A drand chain info file (the relay's /{chain}/info, fetched and compared out of band), checked to hash to its hash. */
function readBeaconChain(file: string): BeaconChain {
  try {
    return chainOfInfo(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new Error(`${file} is not a drand chain info: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const MARK: Record<CheckStatus, string> = { pass: '✓', fail: '✗', unverifiable: '?', skipped: '-' };

/** A key string, or a file holding one (keys/log-signer.vkey). */
function readVerifierKey(value: string): string {
  return existsSync(value) ? readFileSync(value, 'utf8').trim() : value.trim();
}

function readBundle(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`cannot read the proof bundle ${file}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${file} is not JSON`);
  }
}

/** One line per check, then what the bundle cannot show, then the verdict. */
function printReport(report: DrawProofReport, print: (line: string) => void): void {
  const head = report.drawId ? `draw ${report.drawId}${report.projectId ? ` (project ${report.projectId})` : ''}` : 'proof bundle';
  print(`${head}${report.assurance ? `, assurance ${report.assurance}` : ''}`);
  const width = Math.max(...report.checks.map((c) => c.id.length));
  for (const c of report.checks) {
    print(`${MARK[c.status]} ${c.id.padEnd(width)}  ${c.title}`);
    print(`  ${' '.repeat(width)}  ${c.detail}`);
  }
  print('not checked offline:');
  for (const line of report.notChecked) print(`  - ${line}`);
  if (report.ok) {
    print(`OK: all ${report.checks.length} checks passed`);
    return;
  }
  const named = (status: CheckStatus) => report.checks.filter((c) => c.status === status).map((c) => c.id);
  const parts = [
    ['failed', named('fail')],
    ['not verifiable', named('unverifiable')],
    ['skipped', named('skipped')],
  ] as const;
  print(`NOT VERIFIED: ${parts.filter(([, ids]) => ids.length > 0).map(([what, ids]) => `${what} ${ids.join(', ')}`).join('; ')}`);
}

export function registerProofCommands(program: Command): void {
  const proof = program.command('proof').description('draw proof tools for inspectors');
  proof
    .command('verify')
    .description('verify a disclosed draw’s proof bundle offline: entries, inclusion, checkpoints, commit ↔ reveal, seed, ranking, commitment')
    .argument('<proof.json>', 'the bundle from GET /v1/draws/{id}/proof')
    .requiredOption('--verifier-key <key>', 'the log verifier key (name+id+key), or a file holding it (log-signer.vkey)')
    .option('--origin <origin>', 'checkpoint origin (default: the verifier key’s name)')
    .option('--beacon-chain <info.json>', 'a drand chain to trust besides quicknet and the default chain: its /info JSON (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option('--json', 'print the report as JSON')
    .action((file: string, opts: VerifyOpts) => {
      const report = verifyDrawProof(readBundle(file), {
        verifierKey: readVerifierKey(opts.verifierKey),
        ...(opts.origin !== undefined ? { origin: opts.origin } : {}),
        beaconChains: opts.beaconChain.map(readBeaconChain),
      });
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      else printReport(report, (line) => console.log(line));
      // Only a bundle whose every check passed verifies; not verifiable is not verified.
      process.exitCode = report.ok ? 0 : 1;
    });
}
