// Staff passwords: scrypt (RFC 7914) from node:crypto — memory-hard, a random salt per password — stored as a
// self-describing PHC-style string (`$scrypt$ln=15,r=8,p=3$<salt>$<hash>`), so the parameters can be raised later and
// every stored hash still verifies with its own. Comparisons are constant-time. Pure but for the KDF's thread pool.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { msg, type Message } from '../i18n/message.js';

export interface ScryptParams {
  /** log2 of N, the CPU/memory cost: memory is 128·N·r bytes. */
  readonly logN: number;
  readonly r: number;
  /** Parallelism; node:crypto runs the p lanes one after another, so time grows with p, memory does not. */
  readonly p: number;
}

/**
 * OWASP Password Storage Cheat Sheet (2023), scrypt: "N=2^15 (32 MiB), r=8, p=3" is one of its equivalent minimums.
 * About 0.3 s of one thread-pool thread per check on the 2-core machine the benchmarks run on.
 */
export const SCRYPT_PARAMS: ScryptParams = { logN: 15, r: 8, p: 3 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Refuse stored strings that would ask for absurd work (a tampered record must not take the service down). */
const MAX = { logN: 20, r: 32, p: 16 };
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,88})\$([A-Za-z0-9+/]{32,88})$/;
/** Spent on unknown usernames so that they cost what a wrong password costs. */
const DUMMY_SALT = Buffer.alloc(SALT_BYTES, 0x5a);

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
const MIN_DISTINCT = 5;

/** One form per password, however it was typed (full-width digits from a Chinese IME, composed characters). */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  return new Promise((resolve, reject) =>
    scrypt(normalizePassword(password), salt, KEY_BYTES, { N, r: params.r, p: params.p, maxmem: 256 * N * params.r }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, params: ScryptParams = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const m = PHC.exec(stored);
  if (!m) return null;
  const params = { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.logN < 10 || params.logN > MAX.logN || params.r < 1 || params.r > MAX.r || params.p < 1 || params.p > MAX.p) return null;
  return { params, salt: Buffer.from(m[4]!, 'base64'), key: Buffer.from(m[5]!, 'base64') };
}

/** Whether `password` matches the stored hash; false for a malformed one (after the same work). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) {
    await spendPasswordWork(password);
    return false;
  }
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** The work of one check, for a username that does not exist: its answer then costs what a wrong password costs. */
export async function spendPasswordWork(password: string): Promise<void> {
  await derive(password, DUMMY_SALT, SCRYPT_PARAMS);
}

/** A stored hash made with other parameters than today's: rehashed at the next successful login. */
export function needsRehash(stored: string): boolean {
  const p = parse(stored)?.params;
  return !p || p.logN !== SCRYPT_PARAMS.logN || p.r !== SCRYPT_PARAMS.r || p.p !== SCRYPT_PARAMS.p;
}

export type PasswordRule = 'length' | 'variety' | 'username';

/**
 * The minimum policy (NIST SP 800-63B in spirit: length over composition rules): 12–256 characters after
 * normalization, at least 5 different characters, and not containing the username. Null when the password passes.
 */
export function passwordProblem(password: string, username: string): { rule: PasswordRule; message: Message } | null {
  const chars = [...normalizePassword(password)];
  if (chars.length < PASSWORD_MIN_LENGTH || chars.length > PASSWORD_MAX_LENGTH) {
    return { rule: 'length', message: msg('account.passwordLength', { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH }) };
  }
  if (new Set(chars).size < MIN_DISTINCT) return { rule: 'variety', message: msg('account.passwordVariety', { min: MIN_DISTINCT }) };
  if (username.length >= 3 && chars.join('').toLowerCase().includes(username.toLowerCase())) return { rule: 'username', message: msg('account.passwordHasUsername') };
  return null;
}
