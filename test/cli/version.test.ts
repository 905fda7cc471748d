// `expert-draw --version` prints the package's version.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { installedCli } from '../helpers/installed-cli.js';

describe('expert-draw --version', () => {
  it('prints the version in package.json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const out = execFileSync(process.execPath, [await installedCli(), '--version'], { encoding: 'utf8' });
    expect(out.trim()).toBe(version);
  }, 240_000);
});
