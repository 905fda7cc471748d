// The BLS12-381 curve that drand signs its rounds on (@noble/curves), loaded at its first use. Loading it builds the
// curve's field towers, about 0.1 s of CPU, which every start of the CLI's verifier and of each verification worker
// paid whether or not any bundle was a beacon draw's. The console's verifier chunk has no require: there node:module
// is console/verifier/node-module.ts, which hands out the curve it imports.
import { createRequire } from 'node:module';
import type { bls12_381 } from '@noble/curves/bls12-381';

export type BlsCurve = typeof bls12_381;

let curve: BlsCurve | undefined;

/** The curve, loaded on the first call. */
export function blsCurve(): BlsCurve {
  curve ??= (createRequire(import.meta.url)('@noble/curves/bls12-381') as { bls12_381: BlsCurve }).bls12_381;
  return curve;
}
