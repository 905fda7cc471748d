// Binary search in an ascending list: the draw's buckets of pool positions, the verifier's region lists and kept lines.

/**
 * The first index whose element is not below `value` (the list's length when every element is): where `value` stands,
 * or would be put, in the ascending `list`. Numbers compare as numbers, strings by UTF-16 code units.
 */
export function lowerBound<T extends number | string>(list: ArrayLike<T>, value: T): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
