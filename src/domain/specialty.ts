// Hierarchical specialty codes: a group asking for a prefix matches every code under it.

/** Every prefix of a code from the top letter down to the code itself: A0101 → [A, A01, A0101]. */
export function specialtyPrefixes(code: string): string[] {
  const out = [code.charAt(0)];
  for (let end = 3; end <= code.length; end += 2) out.push(code.slice(0, end));
  return out;
}

export function specialtyMatches(requested: string, held: string): boolean {
  return held.startsWith(requested);
}
