// Exchange of performance and credit records with the other centres of a province (docs/exchange.md): a signed export
// of this centre's records of disclosed draws and the consequences in force, per person hash; the import of another
// centre's document, checked against its pinned key and kept apart as foreign records. Both directions are logged
// with counts and the document hash only: no person hash, no expert id, no personal data in the log.
import type { ServiceLog } from '../audit/entries.js';
import type { TokenClaims } from '../auth/roles.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { AppError } from '../errors.js';
import {
  documentHash,
  EXCHANGE_FORMAT,
  personHash,
  personKeyId,
  samePersonKey,
  signExchange,
  verifyExchange,
  type ExchangeDocument,
  type ExchangeExpert,
  type ExchangeFile,
} from '../exchange/format.js';
import { msg } from '../i18n/message.js';
import type { NoteSigner, NoteVerifier } from '../log/note.js';
import { foreignRecords, importedDocuments, type ForeignSnapshot } from '../records/exchange.js';
import { applications } from '../records/pool.js';
import { RecordConflictError, type RecordExpectation, type RecordWrite, type Store } from '../store/store.js';
import type { PerformanceService } from './performance.service.js';
import type { PoolService } from './pool.service.js';

export interface ExchangeKeys {
  /** Signs our documents; its name is our issuer name. */
  readonly signer: NoteSigner | null;
  /** The province's shared person key. */
  readonly personKey: Buffer | null;
  /** Pinned verifier keys of the other centres. */
  readonly trusted: readonly NoteVerifier[];
}

export interface ImportReport {
  readonly issuer: string;
  readonly issuedAt: string;
  readonly documentHash: string;
  readonly experts: number;
  /** Of them, people of this centre's pool or pending applications: the only ones stored. */
  readonly matched: number;
}

export class ExchangeService {
  constructor(
    private readonly store: Store,
    private readonly log: ServiceLog,
    private readonly pool: PoolService,
    private readonly performance: PerformanceService,
    private readonly vault: PersonalDataVault,
    private readonly keys: ExchangeKeys,
    private readonly now: () => number,
  ) {}

  private personKey(): Buffer {
    if (!this.keys.personKey) throw new AppError('EXCHANGE_UNCONFIGURED', msg('exchange.unconfigured', { setting: 'EXPERT_DRAW_EXCHANGE_PERSON_KEY' }));
    return this.keys.personKey;
  }

  /**
   * The signed document of this centre's records: per person with a record of a disclosed draw or a consequence in
   * force (a suspension not yet ended, a blacklisting), the counts and standing conduct codes — no draw, project,
   * date, note or reason. A suspension that is only a lapsed confirmation is not a consequence and is left out.
   */
  async export(by: TokenClaims): Promise<ExchangeFile> {
    const signer = this.keys.signer;
    if (!signer) throw new AppError('EXCHANGE_UNCONFIGURED', msg('exchange.unconfigured', { setting: 'EXPERT_DRAW_EXCHANGE_SIGNER_KEY' }));
    const key = this.personKey();
    const today = this.pool.today();
    const withRecords = new Set(await this.performance.disclosedExperts());
    const experts: ExchangeExpert[] = [];
    for (const r of this.pool.records()) {
      const e = r.expert;
      const consequences: ExchangeExpert['consequences'] = [];
      if (e.status === 'blacklisted') consequences.push({ kind: 'blacklisted', until: null });
      const lapseOnly = r.lifecycle?.lapsed?.held === true && e.suspendedUntil === null;
      if (e.status === 'suspended' && !lapseOnly && (e.suspendedUntil === null || e.suspendedUntil >= today)) consequences.push({ kind: 'suspended', until: e.suspendedUntil });
      let records: ExchangeExpert['records'] | null = null;
      if (withRecords.has(e.id)) {
        const own = await this.performance.ofExpert(e.id, 'en');
        if (own.draws.length > 0) {
          records = { draws: own.draws.length, ...own.tally, conduct: own.conduct.map((c) => ({ code: c.code, count: c.count })).sort((a, b) => (a.code < b.code ? -1 : 1)) };
        }
      }
      if (!records && consequences.length === 0) continue;
      const person = personHash(key, this.vault.open(e.id, r.sealed).idNumber);
      experts.push({ person, records: records ?? emptyRecords(), consequences });
    }
    experts.sort((a, b) => (a.person < b.person ? -1 : 1));
    const document: ExchangeDocument = { format: EXCHANGE_FORMAT, issuer: signer.name, issuedAt: new Date(this.now()).toISOString(), personKey: personKeyId(key), experts };
    const file = signExchange(document, signer);
    await this.log.append('exchange.exported', { documentHash: documentHash(file.document), issuer: signer.name, experts: experts.length, by: by.sub });
    return file;
  }

  /**
   * Imports another centre's document: nothing is stored unless the signature verifies under a pinned key, the
   * document is well formed, uses this province's person key and was not imported before. Only the people of this
   * centre's pool and pending applications are kept, each snapshot appended to their foreign record.
   */
  async import(raw: unknown, by: TokenClaims): Promise<ImportReport> {
    const key = this.personKey();
    const { document, signer } = verifyExchange(raw, this.keys.trusted);
    const ours = personKeyId(key);
    if (!samePersonKey(document.personKey, ours)) throw new AppError('EXCHANGE_PERSON_KEY', msg('exchange.personKey', { theirs: document.personKey, ours }));
    const hash = documentHash(document);
    const earlier = await importedDocuments.read(this.store, hash);
    if (earlier) throw new AppError('CONFLICT', msg('exchange.alreadyImported', { at: earlier.value.importedAt }));
    const people = await this.people(key);
    const at = new Date(this.now()).toISOString();
    const matched = document.experts.filter((e) => people.has(e.person));
    const current = await foreignRecords.readMany(this.store, matched.map((e) => e.person));
    const writes: RecordWrite[] = [];
    const expects: RecordExpectation[] = [importedDocuments.expect(hash, null)];
    matched.forEach((e, i) => {
      const before = current[i];
      const snapshot: ForeignSnapshot = { issuer: document.issuer, issuedAt: document.issuedAt, documentHash: hash, importedAt: at, records: e.records, consequences: e.consequences };
      writes.push(foreignRecords.write({ person: e.person, snapshots: [...(before?.snapshots ?? []), snapshot] }));
      expects.push(foreignRecords.expect(e.person, before ? foreignRecords.encode(before) : null));
    });
    writes.push(importedDocuments.write({ documentHash: hash, issuer: document.issuer, issuedAt: document.issuedAt, importedAt: at, by: by.sub, experts: document.experts.length }));
    try {
      await this.log.append(
        'exchange.imported',
        { issuer: document.issuer, keyId: signer.keyId.toString(16).padStart(8, '0'), issuedAt: document.issuedAt, documentHash: hash, experts: document.experts.length, matched: matched.length, by: by.sub },
        { writes, expects },
      );
    } catch (err) {
      if (err instanceof RecordConflictError) throw new AppError('CONFLICT', msg('exchange.alreadyImported', { at }));
      throw err;
    }
    return { issuer: document.issuer, issuedAt: document.issuedAt, documentHash: hash, experts: document.experts.length, matched: matched.length };
  }

  /** Another centres' snapshots about an expert of the pool, oldest first; none without a person key. */
  async foreignOf(expertId: string): Promise<readonly ForeignSnapshot[]> {
    if (!this.keys.personKey) return [];
    const record = this.pool.recordOf(expertId);
    if (!record) return [];
    const person = personHash(this.keys.personKey, this.vault.open(expertId, record.sealed).idNumber);
    return (await foreignRecords.read(this.store, person))?.value.snapshots ?? [];
  }

  /** Other centres' snapshots about an applicant (what a pool manager weighs before admitting them). */
  async foreignOfApplication(id: string): Promise<readonly ForeignSnapshot[]> {
    if (!this.keys.personKey) return [];
    const found = await applications.read(this.store, id);
    if (!found) return [];
    const person = personHash(this.keys.personKey, this.vault.open(id, found.value.sealed).idNumber);
    return (await foreignRecords.read(this.store, person))?.value.snapshots ?? [];
  }

  /** Person hashes of the pool's experts and of the applications still pending. */
  private async people(key: Buffer): Promise<Set<string>> {
    const out = new Set<string>();
    for (const r of this.pool.records()) out.add(personHash(key, this.vault.open(r.expert.id, r.sealed).idNumber));
    for (const { value } of await applications.list(this.store)) {
      if (value.state === 'applied') out.add(personHash(key, this.vault.open(value.expert.id, value.sealed).idNumber));
    }
    return out;
  }
}

function emptyRecords(): ExchangeExpert['records'] {
  return { draws: 0, calls: 0, accepted: 0, declined: 0, timedOut: 0, refused: 0, checkedIn: 0, late: 0, noShows: 0, replacementsCaused: 0, conduct: [] };
}
