// Small random values (nonces, ids, short secrets) from a buffer of CSPRNG output filled a few KiB at a time: each
// crypto.randomBytes call costs about 6 µs whatever its size, and a draw's opening needs several (the same reason
// node's own randomUUID keeps a cache). Every byte is handed out once and wiped from the buffer as it is.
import { randomBytes, randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
/** Larger requests are rare and would drain the pool: they get their own randomBytes call. */
const MAX_POOLED = 512;

const pool = Buffer.alloc(POOL_BYTES);
/** Bytes before this offset were handed out (and zeroed); the pool starts empty. */
let used = POOL_BYTES;

/** `n` fresh random bytes, as crypto.randomBytes(n) gives them, in a Buffer of their own. */
export function pooledRandomBytes(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('byte count must be a non-negative integer');
  if (n > MAX_POOLED) return randomBytes(n);
  if (used + n > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const out = Buffer.allocUnsafe(n);
  pool.copy(out, 0, used, used + n);
  // Secrets drawn here (response tokens) should not stay readable in the pool once handed out.
  pool.fill(0, used, used + n);
  used += n;
  return out;
}
