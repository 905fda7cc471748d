// Records received from other centres (docs/exchange.md): kept apart from this centre's own records, by person hash,
// every imported snapshot appended (never replaced), and the documents imported, by hash.
import { RecordSet } from './record-set.js';
import type { ExchangeConsequence, ExchangeRecords } from '../exchange/format.js';
import type { z } from 'zod';

export interface ForeignSnapshot {
  readonly issuer: string;
  readonly issuedAt: string;
  readonly documentHash: string;
  readonly importedAt: string;
  readonly records: z.infer<typeof ExchangeRecords>;
  readonly consequences: ReadonlyArray<z.infer<typeof ExchangeConsequence>>;
}

export interface ForeignRecord {
  readonly person: string;
  readonly snapshots: readonly ForeignSnapshot[];
}

export interface ImportedDocument {
  readonly documentHash: string;
  readonly issuer: string;
  readonly issuedAt: string;
  readonly importedAt: string;
  readonly by: string;
  readonly experts: number;
}

export const foreignRecords = new RecordSet<ForeignRecord>('foreign-records', (r) => r.person);
export const importedDocuments = new RecordSet<ImportedDocument>('exchange-imports', (d) => d.documentHash);
