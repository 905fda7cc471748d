// The instance's keys in keys/: log signer (C2SP note key, Ed25519), JWT signing key (Ed25519) and sealing key pair
// (X25519). Each is parsed into a KeyObject once at start-up. Private key files are written 0600 in a 0700 folder
// (tightened at start if looser) and never committed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CheckpointSigner } from './log/checkpoint.js';
import { generateNoteKeys, NoteVerifier } from './log/note.js';
import { PRIVATE_FILE_MODE, privateDir, tightenDir, tightenFile } from './private-files.js';

export const KEY_FILES = {
  logSigner: 'log-signer.key',
  logVerifier: 'log-signer.vkey',
  jwtPrivate: 'jwt-signing.pem',
  jwtPublic: 'jwt-signing.pub.pem',
  sealingPrivate: 'sealing.pem',
  sealingPublic: 'sealing.pub.pem',
} as const;

export interface InstanceKeys {
  readonly logSigner: CheckpointSigner;
  readonly logVerifier: NoteVerifier;
  readonly jwt: { readonly privateKey: KeyObject; readonly publicKey: KeyObject };
  readonly sealing: { readonly privateKey: KeyObject; readonly publicKey: KeyObject };
}

/** Keys are missing in production mode: says which, and how to make them. */
export class MissingKeysError extends Error {
  constructor(
    readonly dir: string,
    readonly missing: readonly string[],
  ) {
    super(
      `missing key files in ${dir}: ${missing.join(', ')}. Create them on a secure machine with ` +
        `\`npm run cli -- keys generate --dir ${dir} --origin <log origin>\` (the origin must match EXPERT_DRAW_LOG_ORIGIN), ` +
        'then keep the private files readable only by the service.',
    );
    this.name = 'MissingKeysError';
  }
}

function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
}

/** Writes a full new key set; refuses to overwrite any existing key file. Returns the files written. */
export function generateKeys(dir: string, origin: string): string[] {
  privateDir(dir);
  const present = Object.values(KEY_FILES).filter((f) => existsSync(join(dir, f)));
  if (present.length > 0) throw new Error(`refusing to overwrite existing key files in ${dir}: ${present.join(', ')}`);
  const note = generateNoteKeys(origin);
  writeSecret(join(dir, KEY_FILES.logSigner), `${note.signerKey}\n`);
  writeFileSync(join(dir, KEY_FILES.logVerifier), `${note.verifierKey}\n`);
  const jwt = generateKeyPairSync('ed25519');
  writeSecret(join(dir, KEY_FILES.jwtPrivate), jwt.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  writeFileSync(join(dir, KEY_FILES.jwtPublic), jwt.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const sealing = generateKeyPairSync('x25519');
  writeSecret(join(dir, KEY_FILES.sealingPrivate), sealing.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  writeFileSync(join(dir, KEY_FILES.sealingPublic), sealing.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return Object.values(KEY_FILES).map((f) => join(dir, f));
}

export interface LoadKeysOptions {
  readonly dir: string;
  readonly origin: string;
  /** Generate a missing key set (development); otherwise missing keys throw MissingKeysError. */
  readonly generateMissing: boolean;
  /** Told when keys were generated. */
  readonly onGenerated?: (files: string[]) => void;
}

export function loadKeys(options: LoadKeysOptions): InstanceKeys {
  const { dir } = options;
  const missing = Object.values(KEY_FILES).filter((f) => !existsSync(join(dir, f)));
  if (missing.length === Object.values(KEY_FILES).length && options.generateMissing) {
    const files = generateKeys(dir, options.origin);
    options.onGenerated?.(files);
  } else if (missing.length > 0) {
    throw new MissingKeysError(dir, missing);
  }
  tightenDir(dir);
  for (const f of [KEY_FILES.logSigner, KEY_FILES.jwtPrivate, KEY_FILES.sealingPrivate]) tightenFile(join(dir, f));
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const logSigner = CheckpointSigner.fromKey(read(KEY_FILES.logSigner).trim(), options.origin);
  const logVerifier = NoteVerifier.fromKey(read(KEY_FILES.logVerifier).trim());
  if (logVerifier.verifierKey !== logSigner.verifierKey) throw new Error(`${KEY_FILES.logVerifier} does not belong to ${KEY_FILES.logSigner}`);
  return {
    logSigner,
    logVerifier,
    jwt: { privateKey: createPrivateKey(read(KEY_FILES.jwtPrivate)), publicKey: createPublicKey(read(KEY_FILES.jwtPublic)) },
    sealing: { privateKey: createPrivateKey(read(KEY_FILES.sealingPrivate)), publicKey: createPublicKey(read(KEY_FILES.sealingPublic)) },
  };
}
