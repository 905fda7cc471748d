// The log verifier key of `log verify`, `proof verify` and `restore`: given as the key itself, as a file holding it
// (log-signer.vkey), or found in the keys folder. Every failure names the file it looked for.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { reportTexts } from '../i18n/cli/reports.js';
import { LocalizedError, type ParamValue } from '../i18n/text.js';
import { KEY_FILES } from '../instance-keys.js';
import { NoteVerifier } from '../log/note.js';

/** The C2SP signed-note verifier key shape, name+keyid+key: what a --verifier-key value is when it names no file. */
const KEY_SHAPE = /^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+={0,2}$/;
const keyFile = KEY_FILES.logVerifier;

/** The verifier key text, checked: from a --verifier-key value (a file, or the key) or the keys folder. */
export function verifierKeyText(option: string | undefined, keysDir: string): string {
  if (option !== undefined && !existsSync(option)) {
    if (KEY_SHAPE.test(option.trim())) return checked(option.trim(), reportTexts.said('verifierKey.optionValue'));
    throw new LocalizedError(reportTexts.said('verifierKey.noFile', { file: resolve(option), keyFile }));
  }
  const file = option ?? join(keysDir, keyFile);
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LocalizedError(reportTexts.said('verifierKey.missing', { file: resolve(file) }));
    throw new LocalizedError(reportTexts.said('verifierKey.cannotRead', { file: resolve(file), code: code ?? 'error' }));
  }
  return checked(text, resolve(file));
}

function checked(key: string, source: ParamValue): string {
  // The private half must never be handed around; say so rather than call it malformed.
  if (key.startsWith('PRIVATE+KEY+') || key.startsWith('-----BEGIN')) {
    throw new LocalizedError(reportTexts.said('verifierKey.private', { source, keyFile }));
  }
  try {
    NoteVerifier.fromKey(key);
  } catch (err) {
    throw new LocalizedError(reportTexts.said('verifierKey.notKey', { source, keyFile, reason: (err as Error).message }));
  }
  return key;
}
