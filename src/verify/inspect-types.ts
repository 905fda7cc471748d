// The plain-data answer of the browser inspector's verifier (inspect.ts): what the console reads, with no import, so
// that the console's type check reaches none of the verifier's modules (they load as a separate chunk).

export type InspectCheckStatus = 'pass' | 'fail' | 'unverifiable' | 'skipped';

export interface InspectCheck {
  readonly id: string;
  readonly title: string;
  readonly status: InspectCheckStatus;
  readonly detail: string;
}

export interface InspectCheckpoint {
  readonly origin: string;
  readonly size: number;
  /** RFC 9162 root hash, hex. */
  readonly root: string;
}

export interface InspectReport {
  readonly ok: boolean;
  readonly drawId: string | null;
  readonly projectId: string | null;
  readonly assurance: 'beacon' | 'witnessed' | 'operator' | null;
  /** The key the bundle was verified against: its name (the origin) and key ID. */
  readonly key: { readonly name: string; readonly keyId: string };
  /** The bundle's distinct checkpoints whose signature verified under that key; none when none did. */
  readonly checkpoints: readonly InspectCheckpoint[];
  readonly checks: readonly InspectCheck[];
  readonly notChecked: ReadonlyArray<{ readonly id: string; readonly what: string; readonly why: string }>;
}

/** Verifies a bundle (parsed JSON) against a pinned verifier key text; throws only for a malformed key. */
export type InspectBundle = (bundle: unknown, verifierKey: string) => InspectReport;
