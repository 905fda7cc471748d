// The naive reference many draw systems use: one SQLite `ORDER BY RANDOM()` query per group, same pool, same filters.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Expert } from '../../src/domain/expert.js';
import type { Project } from '../../src/domain/project.js';
import { bidOpeningLocalDate } from '../../src/domain/project.js';

/**
 * Per group: active (or suspension over), available on the bid-opening date, specialty under the group's prefix
 * (an index range scan, what `LIKE 'C990101%'` becomes), employer not a project party, not picked by an earlier group.
 * It skips what the engine also does: positions and relatives, prepared-by, frequency caps, rule 7, digests, commit.
 */
export const BASELINE_SQL = `
SELECT e.id FROM experts e
WHERE e.rid IN (SELECT s.rid FROM expert_specialties s WHERE s.code >= :lo AND s.code < :hi)
  AND (e.status = 'active' OR (e.status = 'suspended' AND e.suspended_until < :day))
  AND NOT EXISTS (SELECT 1 FROM expert_unavailable u WHERE u.rid = e.rid AND u.day = :day)
  AND e.employer NOT IN (SELECT value FROM json_each(:parties))
  AND e.id NOT IN (SELECT value FROM json_each(:picked))
ORDER BY RANDOM()
LIMIT :limit`.trim();

const SCHEMA = `
CREATE TABLE experts (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  employer TEXT NOT NULL,
  region TEXT NOT NULL,
  status TEXT NOT NULL,
  suspended_until TEXT
);
CREATE TABLE expert_specialties (code TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (code, rid)) WITHOUT ROWID;
CREATE TABLE expert_unavailable (rid INTEGER NOT NULL, day TEXT NOT NULL, PRIMARY KEY (rid, day)) WITHOUT ROWID;`;

/** What one baseline draw needs from a project, computed once per project outside the timed region. */
export interface BaselineProject {
  readonly day: string;
  readonly parties: string;
}

export function baselineProject(project: Project): BaselineProject {
  const parties = [project.tenderer, ...(project.agency ? [project.agency] : []), ...project.bidders, ...project.avoid];
  return { day: bidOpeningLocalDate(project), parties: JSON.stringify([...new Set(parties)]) };
}

export interface BaselineGroup {
  readonly specialty: string;
  readonly limit: number;
}

/** The half-open code range of a prefix: [prefix, prefix with its last character incremented). */
function prefixRange(prefix: string): { lo: string; hi: string } {
  const last = prefix.charCodeAt(prefix.length - 1);
  return { lo: prefix, hi: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}

export class SqliteBaseline {
  readonly file: string;
  readonly loadMs: number;
  readonly fileBytes: number;
  private readonly dir: string;
  private readonly db: Database.Database;
  private readonly query: Database.Statement<Record<string, string | number>, { id: string }>;

  /** Loads the pool into a fresh database in a temp directory (WAL), then indexes it. */
  constructor(experts: readonly Expert[], tmpRoot = os.tmpdir()) {
    const started = performance.now();
    this.dir = fs.mkdtempSync(path.join(tmpRoot, 'expert-draw-bench-'));
    this.file = path.join(this.dir, 'pool.sqlite');
    this.db = new Database(this.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // A warm page cache, as a production database server would have: the baseline is not penalised by disk reads.
    this.db.pragma('cache_size = -524288');
    this.db.exec(SCHEMA);
    const insertExpert = this.db.prepare('INSERT INTO experts (rid, id, employer, region, status, suspended_until) VALUES (?, ?, ?, ?, ?, ?)');
    const insertSpecialty = this.db.prepare('INSERT INTO expert_specialties (code, rid) VALUES (?, ?)');
    const insertUnavailable = this.db.prepare('INSERT INTO expert_unavailable (rid, day) VALUES (?, ?)');
    const load = this.db.transaction((batch: readonly Expert[], offset: number) => {
      batch.forEach((e, k) => {
        const rid = offset + k + 1;
        insertExpert.run(rid, e.id, e.employer, e.region, e.status, e.suspendedUntil);
        for (const code of e.specialties) insertSpecialty.run(code, rid);
        for (const day of e.unavailable) insertUnavailable.run(rid, day);
      });
    });
    const BATCH = 50_000;
    for (let i = 0; i < experts.length; i += BATCH) load(experts.slice(i, i + BATCH), i);
    this.db.exec('CREATE INDEX experts_status ON experts (status); ANALYZE;');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.query = this.db.prepare(BASELINE_SQL);
    this.loadMs = performance.now() - started;
    this.fileBytes = fs.statSync(this.file).size;
  }

  /** SQLite's own query plan, for the details file. */
  plan(): string[] {
    const rows = this.db
      .prepare(`EXPLAIN QUERY PLAN ${BASELINE_SQL}`)
      .all({ lo: 'A', hi: 'B', day: '2026-12-01', parties: '[]', picked: '[]', limit: 1 }) as Array<{ detail: string }>;
    return rows.map((r) => r.detail);
  }

  /** One draw: the groups in order, each query excluding the ids picked before it. Returns the picks per group. */
  draw(project: BaselineProject, groups: readonly BaselineGroup[]): string[][] {
    const picked: string[] = [];
    const out: string[][] = [];
    for (const g of groups) {
      const { lo, hi } = prefixRange(g.specialty);
      const rows = this.query.all({ lo, hi, day: project.day, parties: project.parties, picked: JSON.stringify(picked), limit: g.limit });
      const ids = rows.map((r) => r.id);
      picked.push(...ids);
      out.push(ids);
    }
    return out;
  }

  close(): void {
    this.db.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
