// Files that hold data or secrets belong to the service's user alone: folders 0700, files 0600. They are created so,
// and an existing one with a looser mode is tightened when the service starts (never loosened).
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Drops the permission bits beyond `mode`, on a path the service's user owns; false when there is nothing there. */
function tighten(path: string, mode: number): boolean {
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw err;
  }
  // A folder someone else owns (e.g. /tmp, for a configured file in it) is not ours to change.
  if (process.getuid && stat.uid !== process.getuid()) return true;
  const bits = stat.mode & 0o777;
  if ((bits & ~mode) !== 0) chmodSync(path, bits & mode);
  return true;
}

/** Creates the folder (and its parents) 0700, or tightens it. */
export function privateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(path, PRIVATE_DIR_MODE);
}

/** Creates the file empty and 0600 if it is missing (before anything else opens it), or tightens it. */
export function privateFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  tighten(path, PRIVATE_FILE_MODE);
}

/** Tightens the file to 0600 if it exists. */
export function tightenFile(path: string): void {
  tighten(path, PRIVATE_FILE_MODE);
}

/** Tightens the folder to 0700 if it exists. */
export function tightenDir(path: string): void {
  tighten(path, PRIVATE_DIR_MODE);
}
