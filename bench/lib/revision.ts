// Which code a result was measured on: the commit, and whether src/ had uncommitted changes (others' work in
// progress shows up in the figures too).
import { execFileSync } from 'node:child_process';

export function sourceRevision(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty === '' ? commit : `${commit} with uncommitted changes in src/ (${dirty.split('\n').length} files)`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
