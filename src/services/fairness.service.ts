// Fairness over the service's own disclosed draws, for inspectors and supervisors: the same report as
// `expert-draw fairness` over the same proof bundles. Each disclosed draw's bundle is built and verified exactly as an
// inspector would verify it offline (against this log's own key), and only what verifies counts; a draw's eligible
// lists and selections never change once disclosed, so each is verified once and kept.
import type { NoteVerifier } from '../log/note.js';
import type { BeaconChain } from '../beacon/chains.js';
import { panelVerified, verifyDrawProof } from '../verify/draw-proof.js';
import { assessFairness, type FairnessDraw, type FairnessReport } from '../verify/fairness.js';
import type { DisclosureService } from './disclosure.service.js';
import type { ListingService } from './listing.service.js';

export interface FairnessQuery {
  /** Draws committed at or after this time (ISO 8601 UTC). */
  readonly from?: string;
  /** Draws committed before this time. */
  readonly to?: string;
  readonly alpha: number;
}

export interface FairnessAnswer extends FairnessReport {
  /** Disclosed draws whose bundle did not verify: left out, by id (a broken log shows here, never silently). */
  readonly unverified: readonly string[];
}

/** Draws read per page of the listing. */
const PAGE = 500;

export class FairnessService {
  /** Verified disclosed draws, by id: what fairness reads of each. */
  private readonly verified = new Map<string, FairnessDraw>();

  constructor(
    private readonly listings: ListingService,
    private readonly disclosure: DisclosureService,
    private readonly verifier: NoteVerifier,
    /** The chain the service's beacon draws use: its draws verify only with it pinned (public chains are built in). */
    private readonly beaconChains: readonly BeaconChain[] = [],
  ) {}

  async report(q: FairnessQuery): Promise<FairnessAnswer> {
    const { draws, unverified } = await this.disclosedDraws(q);
    return { ...assessFairness(draws, q.alpha), unverified };
  }

  /**
   * The disclosed draws committed in [`from`, `to`) whose proof bundle verifies, each as fairness reads it (eligible
   * and selected per group), and those that do not verify. The alerts read the same draws (alerts.service.ts).
   */
  async disclosedDraws(q: { readonly from?: string; readonly to?: string }): Promise<{ draws: FairnessDraw[]; unverified: string[] }> {
    const draws: FairnessDraw[] = [];
    const unverified: string[] = [];
    let after = null;
    do {
      const page = await this.listings.listDraws({ states: new Set(['drawn']), from: q.from, to: q.to, after, limit: PAGE }, { kind: 'every-owner' });
      for (const d of page.items) {
        if (d.revealIndex === undefined) continue;
        const draw = await this.verify(d.drawId);
        if (draw) draws.push(draw);
        else unverified.push(d.drawId);
      }
      after = page.next;
    } while (after !== null);
    return { draws, unverified };
  }

  /** One disclosed draw as its proof bundle verifies, or null when it does not. */
  private async verify(drawId: string): Promise<FairnessDraw | null> {
    const known = this.verified.get(drawId);
    if (known) return known;
    // Round-tripped through JSON: verified as the bundle an inspector downloads, not as the objects that made it.
    const bundle: unknown = JSON.parse(JSON.stringify(await this.disclosure.proof(drawId)));
    const report = verifyDrawProof(bundle, { verifierKey: this.verifier, panels: true, beaconChains: this.beaconChains });
    if (!panelVerified(report) || !report.panels) return null;
    const draw = { drawId, groups: report.panels };
    this.verified.set(drawId, draw);
    // Verification is CPU work: let other requests in between draws.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return draw;
  }
}
