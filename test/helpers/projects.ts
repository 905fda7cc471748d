// A project registered straight through the service (no HTTP), for tests that need many or need them fast.
import type { TokenClaims } from '../../src/auth/roles.js';
import { syntheticUscc } from '../../src/pool/generator.js';
import type { ProjectRecord } from '../../src/records/projects.js';
import type { Built } from '../helper.js';

/** A centre project opening at `bidOpeningAt` that asks for five experts of `specialty` (default C990101). */
export function registerProject(t: Built, by: TokenClaims, p: { id: string; bidOpeningAt: string; tenderer?: string; specialty?: string }): Promise<ProjectRecord> {
  return t.ctx.projects.register(
    {
      project: { id: p.id, tenderer: p.tenderer ?? syntheticUscc(7001), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: p.bidOpeningAt, region: '330106' },
      request: { groups: [{ specialty: p.specialty ?? 'C990101', count: 5 }], tendererRepresentatives: 0 },
      name: null,
      venue: null,
      leadTimeMinutes: undefined,
    },
    by,
  );
}
