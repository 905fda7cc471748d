// The log verifier key of `log verify`, `proof verify` and `restore`: given as the key itself, as a file holding it
// (log-signer.vkey), or found in the keys folder. Every failure names the file it looked for.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KEY_FILES } from '../instance-keys.js';
import { NoteVerifier } from '../log/note.js';

/** The C2SP signed-note verifier key shape, name+keyid+key: what a --verifier-key value is when it names no file. */
const KEY_SHAPE = /^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+={0,2}$/;

/** The verifier key text, checked: from a --verifier-key value (a file, or the key) or the keys folder. */
export function verifierKeyText(option: string | undefined, keysDir: string): string {
  if (option !== undefined && !existsSync(option)) {
    if (KEY_SHAPE.test(option.trim())) return checked(option.trim(), 'the --verifier-key value');
    throw new Error(`the verifier key file ${resolve(option)} does not exist: give the log's public key file (${KEY_FILES.logVerifier}) or the key itself (name+id+key)`);
  }
  const file = option ?? join(keysDir, KEY_FILES.logVerifier);
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`no log verifier key at ${resolve(file)}: give --keys-dir (the service's keys folder, EXPERT_DRAW_KEYS_DIR) or --verifier-key`);
    throw new Error(`cannot read the log verifier key ${resolve(file)} (${code ?? 'error'})`);
  }
  return checked(text, resolve(file));
}

function checked(key: string, source: string): string {
  // The private half must never be handed around; say so rather than call it malformed.
  if (key.startsWith('PRIVATE+KEY+') || key.startsWith('-----BEGIN')) {
    throw new Error(`${source} holds a private key: give the log's public verifier key (${KEY_FILES.logVerifier}, one line name+id+key), and keep the private one where it is`);
  }
  try {
    NoteVerifier.fromKey(key);
  } catch (err) {
    throw new Error(`${source} does not hold a log verifier key (name+id+key, as in ${KEY_FILES.logVerifier}): ${(err as Error).message}`);
  }
  return key;
}
