// The common way a centre draws today, as the side-by-side peer: the pool in PostgreSQL, per group one
// `ORDER BY random() LIMIT n` query with the status, availability, specialty and conflict filters, then an audit row,
// all in one transaction per draw (committed durably: synchronous_commit as the server has it, normally on).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Expert } from '../../src/domain/expert.js';
import type { Project } from '../../src/domain/project.js';
import { bidOpeningLocalDate } from '../../src/domain/project.js';

/** Where the peer looks for PostgreSQL: BENCH_PG_URL, else the local trust-auth server of the development machine. */
export const DEFAULT_PG_URL = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** What the result files say when no server answers. */
export const PEER_SKIPPED = 'skipped: no PostgreSQL answers';

/**
 * Per group: active (or suspension over), available on the bid-opening date, a specialty under the group's code, the
 * employer not a project party (tenderer, agency, bidders, avoided), not picked by an earlier group; random order. The
 * same filters as the engine suite's SQLite baseline; like it, it skips what our engine also does (positions and
 * relatives, frequency caps, digests, a verifiable seed).
 */
export const PEER_GROUP_SQL = `
SELECT e.id FROM experts e
WHERE e.rid IN (SELECT s.rid FROM expert_specialties s WHERE s.code >= $1 AND s.code < $2)
  AND (e.status = 'active' OR (e.status = 'suspended' AND e.suspended_until < $3::date))
  AND NOT EXISTS (SELECT 1 FROM expert_unavailable u WHERE u.rid = e.rid AND u.day = $3::date)
  AND e.employer <> ALL($4::text[])
  AND e.id <> ALL($5::text[])
ORDER BY random()
LIMIT $6`.trim();

export const PEER_AUDIT_SQL = 'INSERT INTO draw_audit (project, drawn_at, groups) VALUES ($1, now(), $2::jsonb)';

const SCHEMA = `
CREATE TABLE experts (
  rid integer PRIMARY KEY,
  id text NOT NULL UNIQUE,
  employer text NOT NULL,
  region text NOT NULL,
  status text NOT NULL,
  suspended_until date
);
CREATE TABLE expert_specialties (code text NOT NULL, rid integer NOT NULL, PRIMARY KEY (code, rid));
CREATE TABLE expert_unavailable (rid integer NOT NULL, day date NOT NULL, PRIMARY KEY (rid, day));
CREATE TABLE draw_audit (seq bigserial PRIMARY KEY, project text NOT NULL, drawn_at timestamptz NOT NULL, groups jsonb NOT NULL);`;

export interface PeerGroup {
  readonly specialty: string;
  readonly limit: number;
}

/** What one peer draw needs from a project, computed before the timing. */
export interface PeerProject {
  readonly id: string;
  readonly day: string;
  readonly parties: string[];
}

export function peerProject(project: Project): PeerProject {
  const parties = [project.tenderer, ...(project.agency ? [project.agency] : []), ...project.bidders, ...project.avoid];
  return { id: project.id, day: bidOpeningLocalDate(project), parties: [...new Set(parties)] };
}

/** The half-open code range of a prefix: [prefix, prefix with its last character incremented). */
function prefixRange(prefix: string): { lo: string; hi: string } {
  const last = prefix.charCodeAt(prefix.length - 1);
  return { lo: prefix, hi: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}

/** Tries the server once; the error text if it does not answer. */
export async function probePostgres(url = DEFAULT_PG_URL, timeoutMs = 3000): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message || err.name : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The pool in a schema of its own (created here, dropped by close) of the given database, one connection. */
export class PostgresPeer {
  private constructor(
    private readonly client: pg.Client,
    readonly schema: string,
    readonly server: Record<string, string>,
  ) {}

  static async open(url = DEFAULT_PG_URL): Promise<PostgresPeer> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    client.on('error', () => undefined);
    await client.connect();
    const schema = `expert_draw_peer_${process.pid}_${randomBytes(4).toString('hex')}`;
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.query(`SET search_path TO ${schema}`);
      await client.query(SCHEMA);
      const server: Record<string, string> = {};
      for (const name of ['server_version', 'fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'work_mem']) {
        const r = await client.query<Record<string, string>>(`SHOW ${name}`);
        server[name] = Object.values(r.rows[0] ?? {})[0] ?? '?';
      }
      return new PostgresPeer(client, schema, server);
    } catch (err) {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  /** Loads the pool (unnest batches of 10,000 experts), indexes and analyses it; returns the milliseconds it took. */
  async load(experts: readonly Expert[]): Promise<number> {
    const t0 = performance.now();
    const BATCH = 10_000;
    await this.client.query('BEGIN');
    for (let start = 0; start < experts.length; start += BATCH) {
      const batch = experts.slice(start, start + BATCH);
      const rids = batch.map((_, k) => start + k + 1);
      await this.client.query(
        'INSERT INTO experts (rid, id, employer, region, status, suspended_until) SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[])',
        [rids, batch.map((e) => e.id), batch.map((e) => e.employer), batch.map((e) => e.region), batch.map((e) => e.status), batch.map((e) => e.suspendedUntil)],
      );
      const specRid: number[] = [];
      const specCode: string[] = [];
      const dayRid: number[] = [];
      const days: string[] = [];
      batch.forEach((e, k) => {
        for (const code of e.specialties) (specRid.push(rids[k]!), specCode.push(code));
        for (const day of e.unavailable) (dayRid.push(rids[k]!), days.push(day));
      });
      await this.client.query('INSERT INTO expert_specialties (code, rid) SELECT * FROM unnest($1::text[], $2::int[]) ON CONFLICT DO NOTHING', [specCode, specRid]);
      await this.client.query('INSERT INTO expert_unavailable (rid, day) SELECT * FROM unnest($1::int[], $2::date[]) ON CONFLICT DO NOTHING', [dayRid, days]);
    }
    await this.client.query('CREATE INDEX experts_status ON experts (status)');
    await this.client.query('COMMIT');
    await this.client.query('ANALYZE');
    return performance.now() - t0;
  }

  /** PostgreSQL's plan for one group query, for the details file. */
  async plan(groups: readonly PeerGroup[], project: PeerProject): Promise<string[]> {
    const g = groups[0]!;
    const { lo, hi } = prefixRange(g.specialty);
    const r = await this.client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${PEER_GROUP_SQL}`, [lo, hi, project.day, project.parties, [], g.limit]);
    return r.rows.map((row) => row['QUERY PLAN']);
  }

  /** One draw: BEGIN, the groups in order (each excluding the ids picked before it), the audit row, COMMIT. */
  async draw(project: PeerProject, groups: readonly PeerGroup[]): Promise<string[][]> {
    const picked: string[] = [];
    const out: string[][] = [];
    await this.client.query('BEGIN');
    try {
      for (const g of groups) {
        const { lo, hi } = prefixRange(g.specialty);
        // A named statement: parsed and planned once per connection, the peer's best case.
        const r = await this.client.query<{ id: string }>({ name: 'peer-group', text: PEER_GROUP_SQL, values: [lo, hi, project.day, project.parties, picked, g.limit] });
        const ids = r.rows.map((row) => row.id);
        picked.push(...ids);
        out.push(ids);
      }
      await this.client.query({ name: 'peer-audit', text: PEER_AUDIT_SQL, values: [project.id, JSON.stringify(out)] });
      await this.client.query('COMMIT');
    } catch (err) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    return out;
  }

  async close(): Promise<void> {
    try {
      await this.client.query('RESET search_path');
      await this.client.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
    } finally {
      await this.client.end().catch(() => undefined);
    }
  }
}

export interface PeerTiming {
  /** Each draw from BEGIN to COMMIT acknowledged, ms. */
  readonly samples: number[];
  /** The time budget ended the series before `draws`. */
  readonly budgetReached: boolean;
}

/** Timed peer draws over the projects in turn, after `warmup` untimed ones; stops after budgetMs (not before minDraws). */
export async function timePeerDraws(
  peer: PostgresPeer,
  projects: readonly PeerProject[],
  groups: readonly PeerGroup[],
  o: { readonly draws: number; readonly warmup: number; readonly minDraws: number; readonly budgetMs: number },
): Promise<PeerTiming> {
  for (let i = 0; i < o.warmup; i++) await peer.draw(projects[i % projects.length]!, groups);
  const samples: number[] = [];
  const end = performance.now() + o.budgetMs;
  for (let i = 0; i < o.draws; i++) {
    if (i >= Math.min(o.minDraws, o.draws) && performance.now() > end) return { samples, budgetReached: true };
    const t0 = process.hrtime.bigint();
    const picks = await peer.draw(projects[i % projects.length]!, groups);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    // A short draw would make the timing meaningless.
    if (picks.some((ids, k) => ids.length !== groups[k]!.limit)) throw new Error(`peer draw ${i} came up short: ${picks.map((p) => p.length).join('/')}`);
  }
  return { samples, budgetReached: false };
}
