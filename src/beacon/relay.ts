// A drand relay (a centre's intranet mirror of api.drand.sh) over drand's HTTP API: `GET /{chain}/info` and
// `GET /{chain}/public/{round}`. Nothing it serves is believed: the info must be the pinned chain, every round must
// verify against the pinned key (rounds.ts). A round that does not come within the bound is an error, never a wait
// without end.
import { AppError } from '../errors.js';
import { msg } from '../i18n/message.js';
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
    const res = await this.get('info').catch((err: unknown) => {
      throw new AppError('BEACON_UNAVAILABLE', msg('beacon.unreachable', { url: this.settings.url, reason: describe(err) }));
    });
    if (res.status !== 200) throw new AppError('BEACON_UNAVAILABLE', msg('beacon.unreachable', { url: this.settings.url, reason: `HTTP ${res.status}` }));
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
    let problem = 'no answer yet';
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
        problem = `HTTP ${res.status}`;
      } catch (err) {
        if (err instanceof RoundRejected) throw new AppError('BEACON_INVALID', msg('beacon.badRound', { round, reason: err.reason }), { round, reason: err.reason });
        if (err instanceof AppError && err.code === 'BEACON_INVALID') throw err;
        problem = err instanceof AppError ? err.message : describe(err);
      }
      if (left() <= 0) break;
      await sleep(Math.min(poll, left()));
    }
    const seconds = Math.round(this.settings.timeoutMs / 1000);
    throw new AppError('BEACON_UNAVAILABLE', msg('beacon.roundMissing', { round, seconds, reason: problem }), { round, reason: problem });
  }

  private get(path: string, limitMs = REQUEST_TIMEOUT_MS): Promise<Response> {
    return fetch(`${this.base}/${path}`, { signal: AbortSignal.timeout(Math.max(1, Math.min(REQUEST_TIMEOUT_MS, limitMs))), headers: { accept: 'application/json' } });
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message;
  return String(err);
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
