// Bearer tokens verified lately, by their text. A token is verified (signature, algorithm, issuer, expiry, not-before)
// and its claims checked once; while its window is open the same text gets the same claims without either. The window is
// the one the JWT verifier's own cache keeps (fast-jwt with `cache: true`, as the service configures it): from the
// token's nbf to its exp, and no longer than ten minutes after it was verified. Nothing is accepted that the verifier
// would refuse at that moment; what is saved is hashing the token for the verifier's cache, and the claims check.
// A refusal is never remembered: a refused token is verified again on every request, as before.

/** What verifying a token yields: the checked claims, and the raw time claims the window is made of (seconds). */
export interface Verified<C> {
  readonly claims: C;
  readonly nbf?: unknown;
  readonly exp: number;
}

/** How long a verified token is taken as it is: fast-jwt's cacheTTL (its default, which the service uses), in ms. */
export const VERIFIED_TTL_MS = 600_000;

interface Entry<C> {
  readonly claims: C;
  /** First and last instants (ms, inclusive) the token is taken, as fast-jwt's cache bounds them. */
  readonly from: number;
  readonly until: number;
}

export class VerifiedTokens<C> {
  private readonly entries = new Map<string, Entry<C>>();

  /**
   * @param verify verifies the token and checks its claims; throws on any refusal
   * @param max tokens remembered at most (the oldest is forgotten first), as fast-jwt's cache holds 1,000
   */
  constructor(
    private readonly verify: (token: string) => Verified<C>,
    private readonly now: () => number = Date.now,
    private readonly max = 1000,
  ) {}

  /** The token's claims: remembered while its window is open, otherwise verified (and remembered if accepted). */
  claimsOf(token: string): C {
    const now = this.now();
    const hit = this.entries.get(token);
    if (hit !== undefined) {
      if (now >= hit.from && now <= hit.until) return hit.claims;
      this.entries.delete(token);
    }
    const verified = this.verify(token);
    // The verifier's bounds (clock tolerance 0): valid from nbf on, until exp inclusive, and for its cache's TTL.
    const from = typeof verified.nbf === 'number' ? verified.nbf * 1000 : 0;
    const until = Math.min(now + VERIFIED_TTL_MS, verified.exp * 1000);
    if (now >= from && now <= until) {
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(token, { claims: verified.claims, from, until });
    }
    return verified.claims;
  }
}
