// A start whose sealing key does not open the store's sealed data is refused, naming the key, and changes nothing; the
// instance's own keys start it again. Going on, it would seal new data with the wrong key and call nobody.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openContext } from '../../src/open-context.js';
import { build } from '../helper.js';
import { importPool } from '../helpers/calls.js';

const dir = mkdtempSync(join(tmpdir(), 'expert-draw-sealing-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('refuses to start on a store whose sealed personal data its sealing key does not open', async () => {
  const t = await build();
  await importPool(t, 'sealing-key', 5);
  const size = await t.ctx.store.logSize();
  // The data and keys as the instance left them, kept apart (the helper removes its own folder on close).
  cpSync(t.config.EXPERT_DRAW_DATA_DIR, join(dir, 'data'), { recursive: true });
  cpSync(t.config.EXPERT_DRAW_KEYS_DIR, join(dir, 'keys'), { recursive: true });
  await t.close();

  // Fresh development keys (another folder) on that data: refused before anything is written.
  const other = loadConfig({ EXPERT_DRAW_DATA_DIR: join(dir, 'data'), EXPERT_DRAW_KEYS_DIR: join(dir, 'other-keys') });
  await expect(openContext(other)).rejects.toThrow(/the sealing key \(keys\/sealing\.pem\) does not open this store's sealed personal data/);

  // The instance's own keys open it, with nothing changed by the refused start.
  const own = await openContext(loadConfig({ EXPERT_DRAW_DATA_DIR: join(dir, 'data'), EXPERT_DRAW_KEYS_DIR: join(dir, 'keys') }));
  try {
    expect(await own.ctx.store.logSize()).toBe(size);
    expect(own.ctx.pool.size()).toBe(5);
  } finally {
    await own.close();
  }
});
