// The exchange document of performance and credit records between centres (docs/exchange.md), byte for byte: the
// document, its RFC 8785 canonical form, the Ed25519 signature over a domain-separated message, and the keyed hash
// that names a person across the centres of one province. Pure: no I/O, no clock.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { jcs, sha256Hex } from '../crypto/canonical.js';
import { AppError } from '../errors.js';
import { msg } from '../i18n/message.js';
import { NoteVerifier, type NoteSigner } from '../log/note.js';

export const EXCHANGE_FORMAT = 'expert-draw/exchange/v1';
/** The signed message is this line, then JCS(document): never a C2SP checkpoint body, never another document kind. */
export const EXCHANGE_SIGNING_PREFIX = `${EXCHANGE_FORMAT}\n`;
/** HMAC-SHA256 labels under the province's shared person key (docs/exchange.md §Person). */
const PERSON_LABEL = `${EXCHANGE_FORMAT}/person\n`;
const KEY_ID_LABEL = `${EXCHANGE_FORMAT}/person-key-id`;
/** At most this many experts per document (a province's largest pools are well under it). */
export const MAX_EXCHANGE_EXPERTS = 200_000;

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/).describe('64 lower-case hex digits');
const Count = z.int().min(0).max(1_000_000);

export const ExchangeRecords = z
  .object({
    draws: Count.describe('Disclosed draws that ranked the expert and hold a record of theirs'),
    calls: Count.describe('Calls answered or not'),
    accepted: Count.describe('Calls accepted'),
    declined: Count.describe('Calls declined'),
    timedOut: Count.describe('Calls not answered in time'),
    refused: Count.describe('Refused at check-in for a conflict found then'),
    checkedIn: Count.describe('Check-ins'),
    late: Count.describe('Check-ins after the issuing centre’s time'),
    noShows: Count.describe('Accepted and never checked in'),
    replacementsCaused: Count.describe('Seats passed on because this expert’s call ended'),
    conduct: z
      .array(z.object({ code: z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/).describe('Conduct code of the issuing centre’s list'), count: z.int().min(1).max(1_000_000).describe('Standing records of it') }).strict())
      .max(100)
      .describe('Standing conduct records by code, in code order'),
  })
  .strict();

export const ExchangeConsequence = z
  .object({
    kind: z.enum(['suspended', 'blacklisted']).describe('A suspension (暂停) or a blacklisting (黑名单) in force at issue'),
    until: z.iso.date().nullable().describe('Last day of a suspension; null: open-ended (always null for a blacklisting)'),
  })
  .strict();

export const ExchangeExpert = z
  .object({
    person: Hex64.describe('HMAC-SHA256 of the ID number under the province’s person key'),
    records: ExchangeRecords.describe('The issuing centre’s records of disclosed draws about the person, in numbers'),
    consequences: z.array(ExchangeConsequence).max(8).describe('Consequences in force at issue'),
  })
  .strict();

/** One snapshot of another centre's records about a person, as this centre shows it (docs/exchange.md). */
export const ForeignSnapshotView = z
  .object({
    issuer: z.string().describe('The centre that sent it (its exchange key name)'),
    issuedAt: z.string().describe('When that centre issued its document'),
    documentHash: z.string().describe('SHA-256 of the signed document, as both centres log it'),
    importedAt: z.string().describe('When it was imported here'),
    records: ExchangeRecords.describe('That centre’s counts and standing conduct codes'),
    consequences: z.array(ExchangeConsequence).describe('Consequences in force there at issue'),
  })
  .describe('One snapshot of another centre’s records about this person');

export const ExchangeDocument = z
  .object({
    format: z.literal(EXCHANGE_FORMAT).describe('The format and its version'),
    issuer: z.string().min(1).max(200).describe('The issuing centre: its exchange key’s name'),
    issuedAt: z.iso.datetime({ offset: true }).describe('When it was issued, ISO 8601'),
    personKey: z.string().regex(/^[0-9a-f]{16}$/).describe('Names the person key the person hashes are made with (16 hex digits)'),
    experts: z.array(ExchangeExpert).max(MAX_EXCHANGE_EXPERTS).describe('One entry per person, in `person` order'),
  })
  .strict();
export type ExchangeDocument = z.infer<typeof ExchangeDocument>;
export type ExchangeExpert = z.infer<typeof ExchangeExpert>;

export const ExchangeFile = z
  .object({
    document: z.unknown().describe('The exchange document (checked after the signature)'),
    signature: z
      .object({
        key: z.string().min(1).max(200).describe('Name of the signing key'),
        keyId: z.string().regex(/^[0-9a-f]{8}$/).describe('Its C2SP key ID, 8 hex digits'),
        value: z.string().regex(/^[A-Za-z0-9+/]{86}==$/).describe('Ed25519 signature, base64 (64 bytes)'),
      })
      .strict()
      .describe('Ed25519 over "expert-draw/exchange/v1\\n" ‖ JCS(document)'),
  })
  .strict();
export type ExchangeFile = { readonly document: ExchangeDocument; readonly signature: { readonly key: string; readonly keyId: string; readonly value: string } };

/** The person hash of an ID number (upper-case check character), under the province's person key. */
export function personHash(personKey: Buffer, idNumber: string): string {
  return createHmac('sha256', personKey).update(PERSON_LABEL + idNumber.toUpperCase()).digest('hex');
}

/** What a document says about its person key: enough to tell two keys apart, nothing to test ID numbers with. */
export function personKeyId(personKey: Buffer): string {
  return createHmac('sha256', personKey).update(KEY_ID_LABEL).digest('hex').slice(0, 16);
}

/** The exact bytes signed. */
export function signedMessage(document: ExchangeDocument): Buffer {
  return Buffer.from(EXCHANGE_SIGNING_PREFIX + jcs(document), 'utf8');
}

/** SHA-256 of the signed message, hex: names one document in the logs of both centres. */
export function documentHash(document: ExchangeDocument): string {
  return sha256Hex(signedMessage(document));
}

export function signExchange(document: ExchangeDocument, signer: NoteSigner): ExchangeFile {
  const parsed = ExchangeDocument.parse(document);
  return { document: parsed, signature: { key: signer.name, keyId: keyIdHex(signer.keyId), value: signer.sign(signedMessage(parsed)).toString('base64') } };
}

const keyIdHex = (id: number) => id.toString(16).padStart(8, '0');

/**
 * Checks a file against the pinned keys of other centres: the signature first (over the document as given, in its
 * canonical form), then the document's schema. Throws EXCHANGE_MALFORMED, EXCHANGE_UNTRUSTED_KEY or
 * EXCHANGE_BAD_SIGNATURE; returns the document and the verifier that signed it.
 */
export function verifyExchange(raw: unknown, trusted: readonly NoteVerifier[]): { document: ExchangeDocument; signer: NoteVerifier } {
  const file = ExchangeFile.safeParse(raw);
  if (!file.success) throw new AppError('EXCHANGE_MALFORMED', msg('exchange.malformed'));
  const { key, keyId, value } = file.data.signature;
  const signer = trusted.find((v) => v.name === key && keyIdHex(v.keyId) === keyId);
  if (!signer) throw new AppError('EXCHANGE_UNTRUSTED_KEY', msg('exchange.untrusted', { key, keyId }));
  let message: Buffer;
  try {
    message = Buffer.from(EXCHANGE_SIGNING_PREFIX + jcs(file.data.document), 'utf8');
  } catch {
    throw new AppError('EXCHANGE_MALFORMED', msg('exchange.malformed'));
  }
  if (!signer.verify(message, Buffer.from(value, 'base64'))) throw new AppError('EXCHANGE_BAD_SIGNATURE', msg('exchange.badSignature', { key }));
  const document = ExchangeDocument.safeParse(file.data.document);
  if (!document.success) throw new AppError('EXCHANGE_MALFORMED', msg('exchange.malformed'));
  if (document.data.issuer !== key) throw new AppError('EXCHANGE_MALFORMED', msg('exchange.issuerMismatch', { key }));
  const persons = document.data.experts.map((e) => e.person);
  if (persons.some((p, i) => i > 0 && p <= persons[i - 1]!)) throw new AppError('EXCHANGE_MALFORMED', msg('exchange.malformed'));
  return { document: document.data, signer };
}

/** Constant-time comparison of two person-key ids. */
export function samePersonKey(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Parses the pinned verifier keys of other centres (C2SP verifier key strings). */
export function trustedKeys(keys: readonly string[]): NoteVerifier[] {
  return keys.map((k) => NoteVerifier.fromKey(k));
}
