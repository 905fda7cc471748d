// The inspector's verification as the console runs it in the browser: verifyDrawProof itself (the same named checks as
// `expert-draw proof verify`) and the bundle's checkpoints as opened under the pinned key, as plain data.
import { openCheckpoint } from '../log/checkpoint.js';
import { formatKeyId, NoteVerifier } from '../log/note.js';
import { DrawProofBundle, verifyDrawProof } from './draw-proof.js';
import type { InspectBundle, InspectCheckpoint } from './inspect-types.js';

export const inspectBundle: InspectBundle = (bundle, verifierKey) => {
  const verifier = NoteVerifier.fromKey(verifierKey.trim());
  const report = verifyDrawProof(bundle, { verifierKey: verifier });
  const checkpoints: InspectCheckpoint[] = [];
  const parsed = DrawProofBundle.safeParse(bundle);
  if (parsed.success) {
    const notes = new Set([parsed.data.commit, parsed.data.result, parsed.data.reveal].map((p) => p.inclusion.checkpoint));
    for (const note of notes) {
      try {
        // Only a note whose signature verifies is read: an unverified body is never shown (c2sp.org/signed-note).
        const { checkpoint } = openCheckpoint(note, verifier, verifier.name);
        checkpoints.push({ origin: checkpoint.origin, size: checkpoint.size, root: checkpoint.rootHash.toString('hex') });
      } catch {
        // The report's checkpoint checks say why.
      }
    }
  }
  return {
    ok: report.ok,
    drawId: report.drawId,
    projectId: report.projectId,
    assurance: report.assurance,
    key: { name: verifier.name, keyId: formatKeyId(verifier.keyId) },
    checkpoints,
    checks: report.checks,
    notChecked: report.notChecked,
  };
};
