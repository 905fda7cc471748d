// node:fs in the browser verifier chunk: the policy module can read a policy file on the server; the browser never does.
export function readFileSync(): never {
  throw new Error('the browser verifier reads no files');
}
