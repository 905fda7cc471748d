// Test fixtures for the audit log: a fresh key pair, and stores on a temp SQLite file or a fresh Redis prefix.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointSigner } from '../../src/log/checkpoint.js';
import { generateNoteKeys, NoteVerifier } from '../../src/log/note.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { deleteRedisKeys } from './redis-keys.js';

export const TEST_ORIGIN = 'test.expert-draw.localhost/log';

export function testKeys(origin = TEST_ORIGIN): { signer: CheckpointSigner; verifier: NoteVerifier; signerKey: string; verifierKey: string } {
  const keys = generateNoteKeys(origin);
  return { ...keys, signer: CheckpointSigner.fromKey(keys.signerKey, origin), verifier: NoteVerifier.fromKey(keys.verifierKey) };
}

export interface TestStore {
  readonly store: Store;
  /** Opens a second handle on the same data (a restart, or another instance). */
  reopen(): Promise<Store>;
  dispose(): Promise<void>;
}

export async function sqliteTestStore(): Promise<TestStore & { file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'expert-draw-log-'));
  const file = join(dir, 'log.db');
  const handles: Store[] = [];
  const open = () => {
    const s = new SqliteStore({ file });
    handles.push(s);
    return s;
  };
  return {
    file,
    store: open(),
    reopen: async () => open(),
    async dispose() {
      for (const h of handles) await h.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function redisTestStore(url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): Promise<TestStore & { prefix: string }> {
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const handles: RedisStore[] = [];
  const open = async () => {
    const s = await RedisStore.open({ connection: { url }, prefix, requireDurable: false });
    handles.push(s);
    return s;
  };
  const store = await open();
  return {
    prefix,
    store,
    reopen: open,
    async dispose() {
      for (const h of handles) await h.close();
      await deleteRedisKeys(prefix, url);
    },
  };
}

/** Per project: the types of its draw entries (commit, result, abort, …), in log order. */
export async function drawEntriesByProject(store: Pick<Store, 'logSize' | 'readEntries'>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  // The store's size, not one instance's view of it: another instance may have appended since.
  for (const bytes of await store.readEntries(0, await store.logSize())) {
    const e = JSON.parse(bytes.toString()) as { type: string; payload: { projectId?: string } };
    if (!e.type.startsWith('draw.') || !e.payload.projectId) continue;
    out.set(e.payload.projectId, [...(out.get(e.payload.projectId) ?? []), e.type]);
  }
  return out;
}

/** The draw entries of one project, in log order, with their payloads. */
export async function drawEntriesOf(store: Pick<Store, 'logSize' | 'readEntries'>, projectId: string): Promise<Array<{ type: string; payload: Record<string, unknown> }>> {
  const out: Array<{ type: string; payload: Record<string, unknown> }> = [];
  for (const bytes of await store.readEntries(0, await store.logSize())) {
    const e = JSON.parse(bytes.toString()) as { type: string; payload: Record<string, unknown> };
    if (e.type.startsWith('draw.') && e.payload.projectId === projectId) out.push({ type: e.type, payload: e.payload });
  }
  return out;
}
