// The verifier's modules use Node's Buffer as a global; in the browser it is the `buffer` package's, set before any of
// them is evaluated (proof-verifier.ts imports this first).
import { Buffer } from 'buffer';

(globalThis as { Buffer?: unknown }).Buffer ??= Buffer;
