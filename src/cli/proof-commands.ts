// `expert-draw proof verify`: an inspector checks a disclosed draw's proof bundle offline against the pinned log key,
// and with --kept against the checkpoints they kept (the consistency proofs fetched from the log API with --url).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { chainOfInfo, type BeaconChain } from '../beacon/chains.js';
import { openCheckpoint } from '../log/checkpoint.js';
import { proofsToRelate } from '../log/consistency.js';
import { NoteVerifier } from '../log/note.js';
import { DrawProofBundle, verifyDrawProof, type CheckStatus, type DrawProofReport, type KeptInput } from '../verify/draw-proof.js';
import { examples } from './examples.js';
import { LogApi, readKept } from './inspector.js';
import { verifierKeyText } from './verifier-key.js';

interface VerifyOpts {
  verifierKey: string;
  origin?: string;
  beaconChain: string[];
  json?: boolean;
  kept?: string;
  url?: string;
  token?: string;
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
  print('taken on trust (no offline check of the bundle covers it):');
  for (const t of report.notChecked) print(`  - ${t.id}: ${t.what}; ${t.why}`);
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
    .option('--kept <dir>', 'checkpoints you kept (expert-draw log watch --keep): the bundle’s must be one history with them')
    .option('--url <url>', 'with --kept: the service whose log API gives the consistency proofs between the bundle’s checkpoint and the kept ones')
    .option('--token <token>', 'with --url: an inspector’s or supervisor’s access token (default: EXPERT_DRAW_TOKEN)')
    .addHelpText('after', examples(
      'curl -s "$B/v1/draws/$DRAW/proof" -H "Authorization: Bearer $TOKEN" -o proof.json',
      'expert-draw proof verify proof.json --verifier-key keys/log-signer.vkey',
      'expert-draw proof verify proof.json --verifier-key "draw.example-centre.gov.cn/log+1a2b3c4d+…" --json',
      'expert-draw proof verify proof.json --verifier-key keys/log-signer.vkey --kept kept --url https://draw.example-centre.gov.cn',
    ))
    .action(async (file: string, opts: VerifyOpts) => {
      // The key first: a wrong key is the inspector's to fix before any bundle is read.
      const verifierKey = verifierKeyText(opts.verifierKey, '');
      const bundle = readBundle(file);
      const origin = opts.origin ?? NoteVerifier.fromKey(verifierKey).name;
      const kept = opts.kept === undefined ? undefined : await keptInput(bundle, opts.kept, NoteVerifier.fromKey(verifierKey), origin, opts);
      const report = verifyDrawProof(bundle, { verifierKey, origin, ...(kept ? { kept } : {}), beaconChains: opts.beaconChain.map(readBeaconChain) });
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      else printReport(report, (line) => console.log(line));
      // Only a bundle whose every check passed verifies; not verifiable is not verified.
      process.exitCode = report.ok ? 0 : 1;
    });
}

/**
 * The kept checkpoints, and — with --url — the consistency proofs that relate the bundle's checkpoints to them. The
 * verifier checks everything; a proof not fetched leaves `checkpoint.kept` not verifiable, never passed.
 */
async function keptInput(bundle: unknown, dir: string, verifier: NoteVerifier, origin: string, opts: VerifyOpts): Promise<KeptInput> {
  const kept = readKept(dir, verifier, origin);
  const notes = kept.map((k) => k.note);
  const parsed = DrawProofBundle.safeParse(bundle);
  if (!opts.url || !parsed.success) return { notes };
  const sizes = new Set<number>();
  for (const part of [parsed.data.commit, parsed.data.result, parsed.data.reveal]) {
    try {
      sizes.add(openCheckpoint(part.inclusion.checkpoint, verifier, origin).checkpoint.size);
    } catch {
      // A checkpoint that does not verify is the report's to say.
    }
  }
  const api = new LogApi(opts.url, opts.token ?? process.env.EXPERT_DRAW_TOKEN);
  const proofs = [];
  for (const size of sizes) {
    for (const [fromSize, toSize] of proofsToRelate(size, kept)) {
      try {
        const hashes = (await api.consistency(fromSize, toSize)).map((h) => h.toString('hex'));
        proofs.push({ fromSize, toSize, hashes });
      } catch (err) {
        // Without the proof the check says what it lacks; why it is missing goes to stderr.
        console.error(`no consistency proof from ${fromSize} to ${toSize}: ${(err as Error).message}`);
      }
    }
  }
  return { notes, proofs };
}
