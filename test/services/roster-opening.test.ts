// A draw's first roster write, as the draw commits it: the stored roster's calls, the `calls.placed` entry, and the
// outbox batch with one response link per call (its token's hash stored, the link sealed). Bytes a reader depends on.
import { createHash, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PersonalDataVault } from '../../src/crypto/personal-data.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { batchOfToken, callBatches, type CallBatchRecord, type SealedCalls } from '../../src/records/outbox.js';
import type { ProjectRecord } from '../../src/records/projects.js';
import { rosters, type RosterRecord } from '../../src/records/rosters.js';
import type { Roster } from '../../src/roster/roster.js';
import { OutboxService } from '../../src/services/outbox.service.js';
import { RosterService, type RosterSettings } from '../../src/services/roster.service.js';

const NOW = Date.parse('2030-06-03T00:00:00Z');
const KEY = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), Buffer.alloc(32, 9)]), format: 'der', type: 'pkcs8' });
const project = { project: { id: 'P-OPEN-1', bidOpeningAt: '2030-06-03T09:00:00+08:00' }, venue: '3号评标室' } as unknown as ProjectRecord;
const groups = [
  { specialty: 'A01', count: 3, ranking: ['E-1', 'E-2', 'E-3', 'E-4'] },
  { specialty: 'B02', count: 2, ranking: ['E-5', 'E-6', 'E-7'] },
];

/** The service with only what opening() reads: the vault, the outbox's sealing, the policy, the links and the clock. */
function service(settings: RosterSettings): { roster: RosterService; vault: PersonalDataVault } {
  const vault = new PersonalDataVault(KEY);
  const none = null as never;
  const outbox = new OutboxService(none, none, vault, none, () => null, () => NOW);
  return { roster: new RosterService(none, none, none, none, outbox, vault, DEFAULT_POLICY, settings, () => NOW), vault };
}

function opened(settings: RosterSettings) {
  const { roster, vault } = service(settings);
  const { entries, state } = roster.opening('D-OPEN-1', project, groups);
  const write = (collection: string) => state.writes.find((w) => w.collection === collection)!;
  const record = rosters.decode(write(rosters.collection).value!) as RosterRecord;
  const batch = callBatches.decode(write(callBatches.collection).value!) as CallBatchRecord;
  return {
    entries,
    record,
    stored: vault.openJson<Roster>(`${rosters.collection}/D-OPEN-1`, record.sealed),
    batch,
    sealed: vault.openJson<SealedCalls>(`${callBatches.collection}/${batch.batchId}`, batch.sealed),
  };
}

describe('a roster opening', () => {
  it('stores every selected expert as called, in seat order, with the fields in their stored order', () => {
    const { stored, record, batch } = opened({ publicUrl: 'https://draw.example.gov.cn', timeZone: 'Asia/Shanghai' });
    const deadline = '2030-06-03T00:15:00.000Z';
    expect(record).toMatchObject({ drawId: 'D-OPEN-1', revision: 1, nextDeadline: deadline });
    expect(stored.groups.map((g) => g.next)).toEqual([3, 2]);
    expect(stored.calls.map((c) => [c.group, c.seat, c.rank, c.expertId])).toEqual([[0, 0, 0, 'E-1'], [0, 1, 1, 'E-2'], [0, 2, 2, 'E-3'], [1, 0, 0, 'E-5'], [1, 1, 1, 'E-6']]);
    stored.calls.forEach((c, i) => {
      expect(Object.keys(c)).toEqual(['group', 'seat', 'rank', 'expertId', 'state', 'messageId', 'calledAt', 'deadline', 'answeredAt']);
      expect(c).toMatchObject({ state: 'calling', messageId: `M-${batch.batchId}.${i}`, calledAt: '2030-06-03T00:00:00.000Z', deadline, answeredAt: null });
    });
  });

  it('logs the placed calls by seat and rank only, each with its message and deadline', () => {
    const { entries, batch } = opened({ publicUrl: 'https://draw.example.gov.cn', timeZone: 'Asia/Shanghai' });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.type).toBe('calls.placed');
    const deadline = '2030-06-03T00:15:00.000Z';
    expect(JSON.stringify(entries[0]!.payload)).toBe(JSON.stringify({
      drawId: 'D-OPEN-1',
      calls: [[0, 0, 0], [0, 1, 1], [0, 2, 2], [1, 0, 0], [1, 1, 1]].map(([group, seat, rank], i) => ({ group, seat, rank, messageId: `M-${batch.batchId}.${i}`, deadline })),
    }));
  });

  it('sends each call its own link: the public URL (one slash), /r/, the batch id and a 120-bit secret; only its hash is stored', () => {
    for (const publicUrl of ['https://draw.example.gov.cn', 'https://draw.example.gov.cn/']) {
      const { batch, sealed } = opened({ publicUrl, timeZone: 'Asia/Shanghai' });
      expect(sealed.calls.map((c) => c.expertId)).toEqual(['E-1', 'E-2', 'E-3', 'E-5', 'E-6']);
      expect(sealed.template.before).toContain('3号评标室');
      const tokens = sealed.calls.map((c) => {
        const match = /^https:\/\/draw\.example\.gov\.cn\/r\/([A-Za-z0-9_-]{32})$/.exec(c.responseUrl!);
        expect(match, c.responseUrl!).not.toBeNull();
        return match![1]!;
      });
      expect(new Set(tokens).size).toBe(5);
      for (const token of tokens) expect(batchOfToken(token)).toBe(batch.batchId);
      expect(batch.messages.map((m) => m.tokenHash)).toEqual(tokens.map((token) => createHash('sha256').update(token).digest('hex')));
      expect(batch.messages.every((m) => m.expiresAt === '2030-06-03T00:15:00.000Z' && m.state === 'pending')).toBe(true);
    }
  });

  it('reads the public URL at each opening (it is known only once the server listens)', () => {
    const settings = { publicUrl: 'http://127.0.0.1:0', timeZone: 'Asia/Shanghai' };
    const { roster, vault } = service(settings);
    roster.opening('D-OPEN-1', project, groups);
    settings.publicUrl = 'http://127.0.0.1:43117/';
    const { state } = roster.opening('D-OPEN-1', project, groups);
    const batch = callBatches.decode(state.writes.find((w) => w.collection === callBatches.collection)!.value!) as CallBatchRecord;
    const sealed = vault.openJson<SealedCalls>(`${callBatches.collection}/${batch.batchId}`, batch.sealed);
    for (const c of sealed.calls) expect(c.responseUrl!.startsWith('http://127.0.0.1:43117/r/')).toBe(true);
  });

  it('gives every opening a new batch and new secrets', () => {
    const settings = { publicUrl: 'https://draw.example.gov.cn', timeZone: 'Asia/Shanghai' };
    const a = opened(settings);
    const b = opened(settings);
    expect(a.batch.batchId).not.toBe(b.batch.batchId);
    const secrets = [...a.sealed.calls, ...b.sealed.calls].map((c) => c.responseUrl!.slice(-20));
    expect(new Set(secrets).size).toBe(10);
  });
});
