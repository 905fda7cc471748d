// A drand relay (a centre's intranet mirror of api.drand.sh) over drand's HTTP API: `GET /{chain}/info` and
// `GET /{chain}/public/{round}`. Nothing it serves is believed: the info must be the pinned chain, every round must
// verify against the pinned key (rounds.ts). A round that does not come within the bound is an error, never a wait
// without end.
import { AppError, networkReason } from '../errors.js';
import { msg, type Localized } from '../i18n/message.js';
import { chainDifference, chainOfInfo, type BeaconChain } from './chains.js';
import { roundAfter, roundTimeMs, RoundRejected, verifyRound, type VerifiedRound } from './rounds.js';

/** How the service reaches and trusts its beacon (config.ts beaconSettings). */
export interface BeaconSettings {
  /** Base URL of the relay, without the chain hash. */
  readonly url: string;
  readonly chain: BeaconChain;
  /** After its publication time, how long a round may take to arrive and verify before the draw fails. */
  readonly timeoutMs: number;
  /** Added to the commit time before naming the next round (a clock behind drand's cannot name a past round). */
  readonly marginMs: number;
}

/** One request's own limit, so that a relay holding a connection open cannot use up the whole bound. */
const REQUEST_TIMEOUT_MS = 5_000;

export class BeaconRelay {
  private infoChecked = false;
  private readonly base: string;

  constructor(
    readonly settings: BeaconSettings,
    private readonly now: () => number,
  ) {
    this.base = `${settings.url.replace(/\/+$/, '')}/${settings.chain.hash}`;
  }

  get chain(): BeaconChain {
    return this.settings.chain;
  }

  /** The round a commit logged at `time` (ISO 8601) names: the first published after it, margin included. */
  roundFor(time: string): number {
    return roundAfter(this.settings.chain, Date.parse(time), this.settings.marginMs);
  }

  /**
   * The relay's chain info is the pinned chain. Throws BEACON_INVALID when it serves another chain (or info that does
   * not hash to its own claim), BEACON_UNAVAILABLE when it cannot be reached.
   */
  async checkInfo(): Promise<void> {
    if (this.infoChecked) return;
    // The reason is a short token: it reaches API answers (a site's too) and a failed draw's public log entry, so it
    // never holds the relay's address (the operator configured it) or an error's own text.
    const res = await this.get('info').catch((err: unknown) => {
      const reason = networkReason(err);
      throw new AppError('BEACON_UNAVAILABLE', msg('beacon.unreachable', { reason }), { reason });
    });
    if (res.status !== 200) throw new AppError('BEACON_UNAVAILABLE', msg('beacon.unreachable', { reason: `HTTP ${res.status}` }), { reason: `HTTP ${res.status}` });
    let served: BeaconChain;
    try {
      served = chainOfInfo(await res.json());
    } catch (err) {
      throw new AppError('BEACON_INVALID', msg('beacon.wrongChain', { chain: this.settings.chain.hash, reason: describe(err) }), { reason: describe(err) });
    }
    const difference = chainDifference(this.settings.chain, served);
    if (difference) throw new AppError('BEACON_INVALID', msg('beacon.wrongChain', { chain: this.settings.chain.hash, reason: difference }), { reason: difference });
    this.infoChecked = true;
  }

  /**
   * Waits for `round` until its publication time plus the bound, polling the relay, and returns it verified. Throws
   * BEACON_INVALID as soon as the relay serves another chain or a round that does not verify, BEACON_UNAVAILABLE when
   * the bound passes without one. The bound is measured on a monotonic clock from now.
   */
  async awaitRound(round: number): Promise<VerifiedRound> {
    const chain = this.settings.chain;
    const started = performance.now();
    const budget = Math.max(0, roundTimeMs(chain, round) - this.now()) + this.settings.timeoutMs;
    const left = () => budget - (performance.now() - started);
    const poll = Math.min(1000, Math.max(100, (chain.periodS * 1000) / 4));
    await sleep(Math.min(left(), Math.max(0, roundTimeMs(chain, round) - this.now())));
    // What the last attempt met: for the person (in their language) and for the log (a short token).
    let problem: { text: Localized; token: string } = { text: msg('beacon.noAnswerYet'), token: 'no answer yet' };
    for (;;) {
      try {
        await this.checkInfo();
        // A request started before the bound gets at least a second, so a slow answer at the edge is not cut off.
        const res = await this.get(`public/${round}`, Math.max(1000, left()));
        if (res.status === 200) {
          const body: unknown = await res.json().catch(() => null);
          return verifyRound(chain, round, body);
        }
        // A round not published yet: drand relays answer 404 or 425 (Too Early).
        problem = { text: msg('beacon.relayAnswered', { status: res.status }), token: `HTTP ${res.status}` };
      } catch (err) {
        if (err instanceof RoundRejected) throw new AppError('BEACON_INVALID', msg('beacon.badRound', { round, reason: err.reason }), { round, reason: err.reason });
        if (err instanceof AppError && err.code === 'BEACON_INVALID') throw err;
        problem = err instanceof AppError ? { text: err.localized, token: tokenOf(err) } : { text: msg('beacon.unreachable', { reason: networkReason(err) }), token: networkReason(err) };
      }
      if (left() <= 0) break;
      await sleep(Math.min(poll, left()));
    }
    const seconds = Math.round(this.settings.timeoutMs / 1000);
    throw new AppError('BEACON_UNAVAILABLE', msg('beacon.roundMissing', { round, seconds, reason: problem.text }), { round, reason: problem.token });
  }

  private get(path: string, limitMs = REQUEST_TIMEOUT_MS): Promise<Response> {
    return fetch(`${this.base}/${path}`, { signal: AbortSignal.timeout(Math.max(1, Math.min(REQUEST_TIMEOUT_MS, limitMs))), headers: { accept: 'application/json' } });
  }
}

/** A refusal of this relay as a short token for the log: its reason, never its text. */
function tokenOf(err: AppError): string {
  const reason = (err.details as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' ? `relay unreachable: ${reason}` : err.code;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message;
  return String(err);
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
