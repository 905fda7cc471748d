// A local drand beacon for tests: drand's HTTP API (`/{chain}/info`, `/{chain}/public/{round}`, `/public/latest`) on
// a free port of 127.0.0.1, with a BLS key of its own (quicknet's scheme), rounds every `periodS` from a genesis on
// the test's clock. A round is served only once its time has come. `mode` turns it into a relay that misbehaves.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { chainHash, type BeaconChain } from '../../src/beacon/chains.js';
import { DST_G1, roundAt, roundMessage } from '../../src/beacon/rounds.js';

/**
 * honest: as drand. bad-signature: rounds whose signature is another round's. wrong-chain: another chain's info and
 * rounds signed by another key. silent: answers 404 for every round (it never comes). down: drops every connection.
 */
export type BeaconMode = 'honest' | 'bad-signature' | 'wrong-chain' | 'silent' | 'down';

interface Keyed {
  readonly secret: Uint8Array;
  readonly chain: BeaconChain;
  readonly info: Record<string, unknown>;
}

function keyed(periodS: number, genesis: number): Keyed {
  const secret = bls.utils.randomSecretKey();
  const publicKey = bls.shortSignatures.getPublicKey(secret).toHex(true);
  const groupHash = randomBytes(32).toString('hex');
  const beaconId = 'expert-draw-test';
  const hash = chainHash({ periodS, genesis, publicKey, groupHash, beaconId });
  const chain: BeaconChain = { hash, publicKey, scheme: 'bls-unchained-g1-rfc9380', periodS, genesis };
  const info = { public_key: publicKey, period: periodS, genesis_time: genesis, hash, groupHash, schemeID: chain.scheme, metadata: { beaconID: beaconId } };
  return { secret, chain, info };
}

export class LocalBeacon {
  mode: BeaconMode = 'honest';
  private readonly own: Keyed;
  private readonly other: Keyed;
  private readonly signatures = new Map<string, string>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly now: () => number,
    periodS: number,
    genesis: number,
  ) {
    this.own = keyed(periodS, genesis);
    this.other = keyed(periodS, genesis);
  }

  /** Starts on a free port; genesis a minute before the clock's now. */
  static async start(now: () => number, periodS = 1): Promise<LocalBeacon> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const beacon = new LocalBeacon(server, `http://127.0.0.1:${port}`, now, periodS, Math.floor(now() / 1000) - 60);
    server.on('request', (req, res) => beacon.answer(req.url ?? '/', res));
    // The first BLS operation of a process is slow (precomputation): done here, not inside a draw's bound.
    beacon.sign(1);
    return beacon;
  }

  /** The chain the service pins. */
  get chain(): BeaconChain {
    return this.own.chain;
  }

  /** Its chain info, as an inspector would save it from the relay (`/{chain}/info`). */
  get info(): Record<string, unknown> {
    return this.own.info;
  }

  /** The service's settings for this beacon. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    const c = this.own.chain;
    return {
      EXPERT_DRAW_BEACON_URL: this.url,
      EXPERT_DRAW_BEACON_CHAIN: c.hash,
      EXPERT_DRAW_BEACON_PUBLIC_KEY: c.publicKey,
      EXPERT_DRAW_BEACON_PERIOD_S: String(c.periodS),
      EXPERT_DRAW_BEACON_GENESIS: String(c.genesis),
      EXPERT_DRAW_BEACON_SCHEME: c.scheme,
      ...extra,
    };
  }

  /** The round as the honest beacon signs it (hex signature). */
  sign(round: number, key: Keyed = this.own): string {
    const id = `${key.chain.hash}:${round}`;
    let sig = this.signatures.get(id);
    if (!sig) {
      sig = bls.shortSignatures.sign(bls.shortSignatures.hash(roundMessage(key.chain, round), DST_G1), key.secret).toHex(true);
      this.signatures.set(id, sig);
    }
    return sig;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(path: string, res: ServerResponse): void {
    if (this.mode === 'down') {
      res.socket?.destroy();
      return;
    }
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const m = /^\/([0-9a-f]{64})\/(info|public\/(latest|\d+))$/.exec(path);
    // The relay serves the pinned chain's path; which chain it really serves is the mode's.
    if (!m || m[1] !== this.own.chain.hash) return send(404, { error: 'unknown chain' });
    const key = this.mode === 'wrong-chain' ? this.other : this.own;
    if (m[2] === 'info') return send(200, key.info);
    const latest = roundAt(this.own.chain, this.now());
    const round = m[3] === 'latest' ? latest : Number(m[3]);
    if (this.mode === 'silent' || round > latest || round < 1) return send(404, { error: 'round not yet published' });
    const signature = this.mode === 'bad-signature' ? this.sign(round + 1, key) : this.sign(round, key);
    send(200, { round, randomness: sha256Hex(signature), signature });
  }
}

function sha256Hex(hex: string): string {
  return createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
}
