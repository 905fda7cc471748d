// The proof verifier's browser chunk: loaded by the inspector screen only (import('virtual:proof-verifier')), so the
// console's main chunk carries none of it. The same modules as the CLI's, with node:crypto aliased to node-crypto.ts.
import './buffer-global.js';
import { inspectBundle } from '../../src/verify/inspect.js';

export { inspectBundle };
