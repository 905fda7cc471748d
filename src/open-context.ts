// Opens what the service runs on — keys, store, audit log — from the configuration, and closes it in order.
import type { Config } from './config.js';
import { loadKeys } from './crypto/keys.js';
import { AuditLog } from './log/audit-log.js';
import type { AppContext } from './plugins/app/context.js';
import { PersonalDataVault } from './crypto/personal-data.js';
import { PoolService } from './services/pool.service.js';
import { openStore } from './store/open-store.js';

export interface OpenedContext {
  readonly ctx: AppContext;
  close(): Promise<void>;
}

export async function openContext(config: Config, onKeysGenerated?: (files: string[]) => void): Promise<OpenedContext> {
  const keys = loadKeys({
    dir: config.EXPERT_DRAW_KEYS_DIR,
    origin: config.EXPERT_DRAW_LOG_ORIGIN,
    generateMissing: config.EXPERT_DRAW_MODE === 'development',
    onGenerated: onKeysGenerated,
  });
  const store = await openStore(config);
  const auditLog = await AuditLog.open({ store, signer: keys.logSigner, verifier: keys.logVerifier, checkpointIntervalMs: config.EXPERT_DRAW_CHECKPOINT_INTERVAL_MS });
  const vault = new PersonalDataVault(keys.sealing.privateKey);
  const now = Date.now;
  const pool = await PoolService.open(store, auditLog, vault, now);
  // Other instances' pool changes arrive on the store's change feed (one instance on SQLite: nothing arrives).
  if (store.kind === 'redis') pool.follow();
  return {
    ctx: { config, keys, store, auditLog, vault, pool, now },
    async close() {
      pool.stop();
      await auditLog.close();
      await store.close();
    },
  };
}
