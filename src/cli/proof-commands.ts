// `expert-draw proof verify`: an inspector checks a disclosed draw's proof bundle offline against the pinned log key.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { verifyDrawProof, type CheckStatus, type DrawProofReport } from '../verify/draw-proof.js';
import { examples } from './examples.js';
import { verifierKeyText } from './verifier-key.js';

interface VerifyOpts {
  verifierKey: string;
  origin?: string;
  json?: boolean;
}

const MARK: Record<CheckStatus, string> = { pass: '✓', fail: '✗', unverifiable: '?', skipped: '-' };

function readBundle(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `the proof bundle ${resolve(file)} does not exist` : `cannot read the proof bundle ${resolve(file)} (${code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${resolve(file)} is not JSON: save the answer of GET /v1/draws/{id}/proof as it came`);
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
    .option('--json', 'print the report as JSON')
    .addHelpText('after', examples(
      'curl -s "$B/v1/draws/$DRAW/proof" -H "Authorization: Bearer $TOKEN" -o proof.json',
      'expert-draw proof verify proof.json --verifier-key keys/log-signer.vkey',
      'expert-draw proof verify proof.json --verifier-key "draw.example-centre.gov.cn/log+1a2b3c4d+…" --json',
    ))
    .action((file: string, opts: VerifyOpts) => {
      const verifierKey = verifierKeyText(opts.verifierKey, '');
      const report = verifyDrawProof(readBundle(file), {
        verifierKey,
        ...(opts.origin !== undefined ? { origin: opts.origin } : {}),
      });
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      else printReport(report, (line) => console.log(line));
      // Only a bundle whose every check passed verifies; not verifiable is not verified.
      process.exitCode = report.ok ? 0 : 1;
    });
}
