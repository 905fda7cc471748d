// Child process for the crash test: appends under concurrent load and acknowledges each durable append on stdout.
// Usage: crash-writer.ts <sqlite FILE | redis URL PREFIX> <signerKey> <origin>
import { AuditLog } from '../../src/log/audit-log.js';
import { CheckpointSigner } from '../../src/log/checkpoint.js';
import { NoteVerifier } from '../../src/log/note.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

const [kind, target, prefixOrKey, ...rest] = process.argv.slice(2);
const [signerKey, origin] = kind === 'redis' ? rest : [prefixOrKey!, rest[0]!];
const store: Store =
  kind === 'redis'
    ? await RedisStore.open({ connection: { url: target! }, prefix: prefixOrKey!, requireDurable: true })
    : new SqliteStore({ file: target! });
const signer = CheckpointSigner.fromKey(signerKey!, origin);
const log = await AuditLog.open({ store, signer, verifier: NoteVerifier.fromKey(signer.verifierKey), checkpointIntervalMs: 50 });
if (log.integrity) {
  process.stderr.write(`self-check failed: ${JSON.stringify(log.integrity)}\n`);
  process.exit(3);
}
process.stdout.write(`ready ${log.size}\n`);

const WORKERS = 24;
let seq = 0;
async function worker(w: number): Promise<void> {
  for (;;) {
    const n = seq++;
    const a = await log.append('crash.test', { worker: w, n, pad: 'x'.repeat(n % 200) });
    // Acknowledged only after append resolved, i.e. after the store made it durable.
    process.stdout.write(`ack ${a.index} ${a.leafHash.toString('hex')}\n`);
  }
}
await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w))).catch((err: unknown) => {
  process.stderr.write(`append failed: ${String(err)}\n`);
  process.exit(4);
});
