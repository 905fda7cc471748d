// Reading a proof bundle file: what it holds, or the message that says why it cannot be read.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readProofFile } from '../../src/verify/proof-files.js';

describe('readProofFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'expert-draw-proof-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads files larger and smaller than the last one, and says what it cannot read', () => {
    const big = { drawId: 'D-1', note: `${'a'.repeat(3 << 20)} — end` };
    writeFileSync(join(dir, 'big.json'), JSON.stringify(big));
    writeFileSync(join(dir, 'small.json'), '{"drawId":"D-2"}');
    writeFileSync(join(dir, 'broken.json'), '{"drawId":');
    expect(readProofFile(join(dir, 'big.json'))).toEqual({ bundle: big });
    expect(readProofFile(join(dir, 'small.json'))).toEqual({ bundle: { drawId: 'D-2' } });
    expect(readProofFile(join(dir, 'broken.json'))).toEqual({ error: `${join(dir, 'broken.json')} is not JSON: save the answer of GET /v1/draws/{id}/proof as it came` });
    expect(readProofFile(join(dir, 'none.json'))).toEqual({ error: `the proof bundle ${join(dir, 'none.json')} does not exist` });
    expect(readProofFile(dir)).toEqual({ error: `cannot read the proof bundle ${dir} (EISDIR)` });
  });
});
