// The verifier's modules use Node's Buffer as a global; in the browser it is the `buffer` package's, set before any of
// them is evaluated (proof-verifier.ts imports this first), with the few methods the verifier uses that the package
// (5.x) lacks.
import { Buffer } from 'buffer';

type Writer = (this: Uint8Array, value: bigint, offset?: number) => number;

/** Node's writeBig(U)Int64BE: range-checked value and offset, returns the offset after the write. */
function bigWriter(signed: boolean): Writer {
  const [min, max] = signed ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
  return function (this: Uint8Array, value: bigint, offset = 0): number {
    if (typeof value !== 'bigint' || value < min || value > max) throw new RangeError(`The value of "value" is out of range: ${String(value)}`);
    if (!Number.isInteger(offset) || offset < 0 || offset + 8 > this.length) throw new RangeError(`The value of "offset" is out of range: ${offset}`);
    new DataView(this.buffer, this.byteOffset, this.byteLength).setBigUint64(offset, BigInt.asUintN(64, value), false);
    return offset + 8;
  };
}

/** The Buffer class with the missing methods added (the class itself, patched; Node's own has them all). */
export function completeBuffer<B extends { prototype: object }>(B: B): B {
  const proto = B.prototype as { writeBigUInt64BE?: Writer; writeBigInt64BE?: Writer };
  proto.writeBigUInt64BE ??= bigWriter(false);
  proto.writeBigInt64BE ??= bigWriter(true);
  return B;
}

(globalThis as { Buffer?: unknown }).Buffer ??= completeBuffer(Buffer);
