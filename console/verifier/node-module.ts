// node:module in the browser verifier chunk: src/beacon/bls.ts loads the BLS curve with require on first use in Node;
// here the chunk imports it, and require hands it out.
import * as bls from '@noble/curves/bls12-381';

export function createRequire(): (id: string) => unknown {
  return (id) => {
    if (id === '@noble/curves/bls12-381') return bls;
    throw new Error(`the browser verifier does not load ${id}`);
  };
}
