// What an inspector reads of the audit log (GET /v1/log/...): signed checkpoints, inclusion and consistency proofs for
// any tree size the store holds, entries by range, and the entries about one project. Everything is read from the
// store as it is; the inspector verifies it (`expert-draw log watch`, `proof verify --kept`). Entries never hold
// personal data (src/audit/entries.ts), so they are served as stored.
import { AppError } from '../errors.js';
import { msg } from '../i18n/message.js';
import {
  assembleConsistencyProof,
  assembleInclusionProof,
  consistencyPlan,
  inclusionPlan,
  nodeHashes,
  type NodeId,
} from '../log/merkle.js';
import type { Store, StoredCheckpoint } from '../store/store.js';
import type { LogIndex } from './log-index.js';

/** Most entries one page of entries carries. */
export const MAX_ENTRIES_PER_PAGE = 1000;
/**
 * A page stops after the entry that takes it past this many bytes (at least one entry is always served). A disclosed
 * draw's reveal holds every member line of its groups: a few hundred such entries would otherwise make one answer of
 * hundreds of megabytes.
 */
export const MAX_PAGE_BYTES = 4 * 1024 * 1024;
/** Entries read per store round trip while a page fills. */
const READ_CHUNK = 100;

export interface ServedEntry {
  readonly index: number;
  /** The stored leaf hash (hex): SHA-256(0x00 ‖ entry). */
  readonly leafHash: string;
  /** The entry's exact bytes (RFC 8785 JSON, UTF-8). */
  readonly entry: string;
}

export interface EntryPage {
  readonly items: ServedEntry[];
  /** The index to ask from next, or null when the page reached what was asked for. */
  readonly next: number | null;
}

export interface InclusionAnswer {
  readonly index: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly hashes: string[];
  /** The signed checkpoint of that tree size, when the log signed one. */
  readonly checkpoint: string | null;
}

export interface ConsistencyAnswer {
  readonly fromSize: number;
  readonly toSize: number;
  readonly hashes: string[];
  /** The signed checkpoints of both sizes, when the log signed them. */
  readonly fromCheckpoint: string | null;
  readonly toCheckpoint: string | null;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export class LogReader {
  constructor(
    private readonly store: Pick<Store, 'logSize' | 'readNodes' | 'readEntriesWithLeaves' | 'latestCheckpoint' | 'listCheckpoints'>,
    private readonly index: Pick<LogIndex, 'catchUp' | 'of'>,
    /** Signs a checkpoint of the log as it is now (AuditLog.checkpoint): for a log that has none yet. */
    private readonly sign: () => Promise<StoredCheckpoint>,
  ) {}

  /** The latest signed checkpoint; a log that has none yet (its first second) signs one now. */
  async latestCheckpoint(): Promise<StoredCheckpoint> {
    return (await this.store.latestCheckpoint()) ?? this.sign();
  }

  /** The checkpoint signed for exactly this tree size. */
  async checkpoint(size: number): Promise<StoredCheckpoint> {
    const found = await this.checkpointAt(size);
    if (!found) throw new AppError('NOT_FOUND', msg('log.checkpointNotFound', { size }), { size });
    return found;
  }

  /** Signed checkpoints of tree size ≥ `fromSize`, smallest first. */
  checkpoints(fromSize: number, limit: number): Promise<StoredCheckpoint[]> {
    return this.store.listCheckpoints(fromSize, limit);
  }

  /** RFC 9162 §2.1.3.1 inclusion proof of entry `index` in the tree of `treeSize` entries (default: the latest checkpoint's). */
  async inclusion(index: number, treeSize?: number): Promise<InclusionAnswer> {
    const size = treeSize ?? (await this.latestCheckpoint()).size;
    await this.checkHeld(size);
    if (index >= size) throw new AppError('INVALID_INPUT', msg('log.indexNotInTree', { index, treeSize: size }), { index, treeSize: size });
    const ids: NodeId[] = [{ level: 0, index }, ...inclusionPlan(index, size)];
    const hashes = await this.store.readNodes(ids);
    const map = nodeHashes(ids.map((id, i) => ({ ...id, hash: hashes[i]! })));
    return {
      index,
      treeSize: size,
      leafHash: hex(hashes[0]!),
      hashes: assembleInclusionProof(index, size, map).map(hex),
      checkpoint: (await this.checkpointAt(size))?.note ?? null,
    };
  }

  /** RFC 9162 §2.1.4.1 consistency proof from tree size `fromSize` to `toSize` (default: the latest checkpoint's). */
  async consistency(fromSize: number, toSize?: number): Promise<ConsistencyAnswer> {
    // A size beyond the log is not there (404) before it is out of order (400).
    await this.checkHeld(fromSize);
    const to = toSize ?? (await this.latestCheckpoint()).size;
    if (fromSize > to) throw new AppError('INVALID_INPUT', msg('log.sizesOutOfOrder', { from: fromSize, to }), { fromSize, toSize: to });
    await this.checkHeld(to);
    const ids = consistencyPlan(fromSize, to);
    const hashes = await this.store.readNodes(ids);
    const map = nodeHashes(ids.map((id, i) => ({ ...id, hash: hashes[i]! })));
    const [fromCheckpoint, toCheckpoint] = await Promise.all([this.checkpointAt(fromSize), this.checkpointAt(to)]);
    return {
      fromSize,
      toSize: to,
      hashes: assembleConsistencyProof(fromSize, to, map).map(hex),
      fromCheckpoint: fromCheckpoint?.note ?? null,
      toCheckpoint: toCheckpoint?.note ?? null,
    };
  }

  /** Entries [start, end) in log order, at most `limit` and about MAX_PAGE_BYTES; `end` defaults to the log's size. */
  async entries(start: number, end: number | undefined, limit: number): Promise<EntryPage> {
    const size = await this.store.logSize();
    if (end !== undefined && end < start) throw new AppError('INVALID_INPUT', msg('log.rangeOutOfOrder', { start, end }), { start, end });
    // Starting at the log's size is asking for what comes next: an empty page (a follower polls so), never a refusal.
    if (start > size) throw new AppError('NOT_FOUND', msg('log.startBeyond', { size, start }), { size });
    const stop = Math.min(end ?? size, size, start + limit);
    const items: ServedEntry[] = [];
    let bytes = 0;
    for (let at = start; at < stop && bytes < MAX_PAGE_BYTES; ) {
      const chunk = await this.read(at, Math.min(stop, at + READ_CHUNK));
      for (const item of chunk) {
        items.push(item);
        bytes += item.entry.length;
        if (bytes >= MAX_PAGE_BYTES) break;
      }
      at += chunk.length;
    }
    const reached = start + items.length;
    const wanted = Math.min(end ?? size, size);
    return { items, next: reached < wanted ? reached : null };
  }

  /** The entries about a project and its draws, in log order, from index `from` on, paged like entries(). */
  async projectEntries(projectId: string, from: number, limit: number): Promise<EntryPage> {
    await this.index.catchUp();
    const positions = this.index.of(projectId).filter((p) => p >= from);
    const items: ServedEntry[] = [];
    let bytes = 0;
    for (const p of positions.slice(0, limit)) {
      if (bytes >= MAX_PAGE_BYTES) break;
      const [item] = await this.read(p, p + 1);
      items.push(item!);
      bytes += item!.entry.length;
    }
    return { items, next: positions[items.length] ?? null };
  }

  private async read(start: number, end: number): Promise<ServedEntry[]> {
    const { entries, leafHex } = await this.store.readEntriesWithLeaves(start, end);
    return entries.map((bytes, i) => ({ index: start + i, leafHash: leafHex[i]!, entry: bytes.toString('utf8') }));
  }

  private async checkpointAt(size: number): Promise<StoredCheckpoint | null> {
    const [found] = await this.store.listCheckpoints(size, 1);
    return found?.size === size ? found : null;
  }

  /** A tree of `size` entries exists only once the store holds that many. */
  private async checkHeld(size: number): Promise<void> {
    const held = await this.store.logSize();
    if (size > held) throw new AppError('NOT_FOUND', msg('log.beyondSize', { size: held, asked: size }), { size: held });
  }
}
