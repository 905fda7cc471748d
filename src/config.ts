// The one configuration schema, parsed from the environment once at start-up. Every default is documented here.
import { z } from 'zod';
import { BEACON_SCHEMES, defaultTimeoutMs, KNOWN_CHAINS, type BeaconChain } from './beacon/chains.js';
import type { BeaconSettings } from './beacon/relay.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const hostPorts = z
  .string()
  .transform((s, ctx) =>
    s.split(',').map((part) => {
      const m = /^\s*([^:\s]+):(\d{1,5})\s*$/.exec(part);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `expected host:port, got "${part}"` });
        return { host: '', port: 0 };
      }
      return { host: m[1]!, port: Number(m[2]) };
    }),
  );

/** The default log origin: fine on a developer's machine, never as the name of a deployment's log. */
export const DEFAULT_LOG_ORIGIN = 'expert-draw.localhost/log';

/** Host names that only the machine itself reaches. */
function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || /^127\./.test(h) || h === '::1' || h === '0.0.0.0' || h === '::' || h === '::ffff:127.0.0.1';
}

/**
 * What production refuses, each with what to set instead: settings that are right on a developer's machine and would
 * hurt a trading centre (phone numbers in a local file, links experts cannot open, a log named like everyone's).
 */
function productionProblems(c: {
  readonly EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE: boolean;
  readonly EXPERT_DRAW_CALL_ADAPTER: string;
  /** Unset: the links would follow the listener, which no phone reaches. */
  readonly EXPERT_DRAW_PUBLIC_URL?: string | undefined;
  readonly EXPERT_DRAW_LOG_ORIGIN: string;
}): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (c.EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE) out.push(['EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE', 'not allowed in production mode: run Redis with --appendonly yes --appendfsync always and leave this unset']);
  if (c.EXPERT_DRAW_CALL_ADAPTER === 'file') {
    out.push(['EXPERT_DRAW_CALL_ADAPTER', 'the file adapter writes experts\' phone numbers to a local file and calls nobody: in production set EXPERT_DRAW_CALL_ADAPTER=webhook with EXPERT_DRAW_CALL_WEBHOOK_URL and EXPERT_DRAW_CALL_WEBHOOK_SECRET (docs/calls.md)']);
  }
  if (c.EXPERT_DRAW_PUBLIC_URL === undefined) {
    out.push(['EXPERT_DRAW_PUBLIC_URL', 'unset, the answer links would point at the listener: set EXPERT_DRAW_PUBLIC_URL to the service\'s public https address, e.g. https://draw.example-centre.gov.cn']);
  }
  const url = new URL(c.EXPERT_DRAW_PUBLIC_URL ?? 'http://127.0.0.1');
  if (c.EXPERT_DRAW_PUBLIC_URL !== undefined && (isLoopback(url.hostname) || url.protocol !== 'https:')) {
    out.push(['EXPERT_DRAW_PUBLIC_URL', `${url.origin} is not an address experts can open from their phones: set EXPERT_DRAW_PUBLIC_URL to the service's public https address, e.g. https://draw.example-centre.gov.cn`]);
  }
  if (c.EXPERT_DRAW_LOG_ORIGIN === DEFAULT_LOG_ORIGIN) {
    out.push(['EXPERT_DRAW_LOG_ORIGIN', `${DEFAULT_LOG_ORIGIN} is the development default: set EXPERT_DRAW_LOG_ORIGIN to this deployment's own log name, the one its keys were generated for (e.g. draw.example-centre.gov.cn/log)`]);
  }
  return out;
}


/**
 * A whole number as a person writes it in decimal (surrounding spaces aside): `0x10DE`, `1e3` and other forms a plain
 * Number() reads are refused, as a variable that is all spaces is treated as unset (loadConfig).
 */
function decimalInt(min: number, max = Number.MAX_SAFE_INTEGER) {
  const int = z.int({ error: (i) => (typeof i.input === 'string' ? `expected a whole number in decimal, got "${i.input}"` : undefined) }).min(min).max(max);
  return z.preprocess((v) => (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : v), int);
}

export const ConfigSchema = z
  .object({
    EXPERT_DRAW_MODE: z
      .enum(['development', 'production'])
      .default('development')
      .describe('production: missing or development keys, development settings and a Redis that does not persist every write stop the start'),
    EXPERT_DRAW_DATA_DIR: z.string().min(1).default('./data').describe('Folder of the SQLite database'),
    EXPERT_DRAW_KEYS_DIR: z.string().min(1).default('./keys').describe('Folder of the signing and sealing keys'),
    EXPERT_DRAW_STORE: z.enum(['sqlite', 'redis']).default('sqlite').describe('sqlite (one instance) or redis (several)'),
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379').describe('Standalone Redis'),
    EXPERT_DRAW_REDIS_SENTINELS: hostPorts.optional().describe('Sentinel nodes host:port,…; with the master name below'),
    EXPERT_DRAW_REDIS_SENTINEL_NAME: z.string().min(1).optional().describe('Master name for Sentinel'),
    EXPERT_DRAW_REDIS_CLUSTER: hostPorts.optional().describe('Cluster seed nodes host:port,…'),
    EXPERT_DRAW_REDIS_PASSWORD: z.string().optional().describe('Password for Sentinel or Cluster nodes'),
    EXPERT_DRAW_REDIS_PREFIX: z.string().min(1).default('expert-draw:').describe('Prefix of every Redis key (never empty: a shared Redis would hold the keys at its root)'),
    EXPERT_DRAW_REDIS_CONNECT_TIMEOUT_S: decimalInt(1, 600).default(20).describe('How long a start waits for Redis to answer (it may be starting beside the service); then the start fails, naming the setting'),
    EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE: bool.default(false).describe('Development only: accept a Redis without AOF'),
    EXPERT_DRAW_LOG_ORIGIN: z
      .string()
      .regex(/^[\x21-\x7e]+$/, 'log origin: printable ASCII without spaces, e.g. draw.example-centre.gov.cn/log')
      .default(DEFAULT_LOG_ORIGIN)
      .describe('Checkpoint origin line and log signer name: unique per deployment'),
    EXPERT_DRAW_HOST: z.string().min(1).default('127.0.0.1').describe('Address the HTTP service listens on'),
    EXPERT_DRAW_TRUST_PROXY: z
      .string()
      .regex(/^(?:\d{1,2}|[0-9A-Fa-f:./]+(?:\s*,\s*[0-9A-Fa-f:./]+)*)$/, 'a hop count (1) or the proxies\' addresses or CIDR ranges, comma-separated (10.0.0.5,10.1.0.0/16)')
      .optional()
      .transform((v) => (v === undefined ? false : /^\d+$/.test(v) ? Number(v) : v.split(',').map((a) => a.trim())))
      .describe('Reverse proxies in front of the service whose X-Forwarded-For is believed (rate limits and logs see the real client); unset: none'),
    EXPERT_DRAW_METRICS_HOST: z.string().min(1).default('127.0.0.1').describe('Address of the Prometheus metrics listener (GET /metrics, no token: keep it on a network only the monitoring reaches)'),
    EXPERT_DRAW_METRICS_PORT: z
      .union([z.literal('off'), decimalInt(0, 65535)])
      .default(9464)
      .describe('Port of the metrics listener (0: any free port; off: no metrics listener)'),
    EXPERT_DRAW_PORT: decimalInt(0, 65535).default(3000).describe('HTTP port (0: any free port)'),
    EXPERT_DRAW_TOKEN_MAX_TTL_S: decimalInt(60, 86_400).default(8 * 3600).describe('Longest accepted token lifetime'),
    EXPERT_DRAW_ACCESS_TOKEN_TTL_S: decimalInt(60, 3600).default(900).describe('Lifetime of the access token a login or refresh gives (15 min)'),
    EXPERT_DRAW_SESSION_MAX_S: decimalInt(300, 7 * 86_400).default(12 * 3600).describe('A login session ends this long after the login, however active (12 h)'),
    EXPERT_DRAW_SESSION_IDLE_S: decimalInt(300, 86_400).default(3600).describe('A session whose refresh token is not used for this long ends (1 h)'),
    EXPERT_DRAW_BODY_LIMIT: decimalInt(1024, 100 * 1024 * 1024).default(1024 * 1024).describe('Largest request body in bytes (bulk import: 32×)'),
    EXPERT_DRAW_RATE_LIMIT: decimalInt(1, 1_000_000).default(1200).describe('Requests per minute per client (token subject or address)'),
    EXPERT_DRAW_LOGIN_RATE_LIMIT: decimalInt(1, 1_000_000).default(30).describe('Logins per minute per client address (each costs a memory-hard hash)'),
    EXPERT_DRAW_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
    EXPERT_DRAW_POLICY_FILE: z.string().min(1).optional().describe('JSON file of draw policy numbers (docs/policy.md); unset: the defaults of src/domain/policy.ts'),
    EXPERT_DRAW_DRAW_CONCURRENCY: decimalInt(1, 10_000).default(64).describe('Due draws one instance runs at once; their writes share group commits'),
    EXPERT_DRAW_DRAW_LEASE_MS: decimalInt(1000, 3_600_000).default(6000).describe('Draw lease: renewed every third of it while a draw runs; a draw left half-done by a dead instance is aborted and redrawn after this'),
    EXPERT_DRAW_PUBLIC_URL: z
      .string()
      .url()
      .refine((u) => /^https?:\/\/[^?#]*$/i.test(u), 'an http or https address without a query or a fragment: the answer links are made by adding /r/<token> to it')
      .optional()
      .describe('Base URL of the answer links sent to experts (unset: http://<host>:<port> of the listener)'),
    EXPERT_DRAW_TIME_ZONE: z
      .string()
      .refine((tz) => { try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; } }, 'unknown IANA time zone')
      .default('Asia/Shanghai')
      .describe('The centre\'s time zone: of the times told to experts and of every time the console shows'),
    EXPERT_DRAW_CALL_ADAPTER: z.enum(['file', 'webhook']).default('file').describe('file: messages to a file (development); webhook: an SMS/voice gateway'),
    EXPERT_DRAW_CALLS_FILE: z.string().min(1).optional().describe('File of the development adapter (default: <data dir>/calls.jsonl)'),
    EXPERT_DRAW_CALL_WEBHOOK_URL: z.string().url().optional().describe('Gateway URL for the webhook adapter (https, or http to localhost)'),
    EXPERT_DRAW_CALL_WEBHOOK_SECRET: z
      .string()
      .regex(/^[0-9a-f]{64,}$/i, 'at least 32 bytes as hex; make one with `openssl rand -hex 32`')
      .optional()
      .describe('HMAC key shared with the gateway (hex)'),
    EXPERT_DRAW_SITE_CA_FILE: z.string().min(1).optional().describe('Site CA certificate (PEM) that site certificates must chain to (default: <keys dir>/ca/ca.pem)'),
    EXPERT_DRAW_MAX_EVENT_LOOP_DELAY_MS: decimalInt(0, 60_000).default(1000).describe('Answer 503 while the event loop lags more than this (0: never)'),
    EXPERT_DRAW_MIN_FREE_DISK_MB: decimalInt(0, 1_000_000_000).default(64).describe('SQLite: /readyz answers 503 while the data volume has less free space than this (0: not checked)'),
    EXPERT_DRAW_SHUTDOWN_GRACE_MS: decimalInt(1000, 600_000).default(20_000).describe('On SIGTERM, time allowed for draws and requests under way to finish before the process exits anyway (exit code 1)'),
    EXPERT_DRAW_BEACON_URL: z.string().url().optional().describe('drand relay (an intranet mirror of api.drand.sh) serving the pinned chain; unset: no beacon, draws reach operator assurance only'),
    EXPERT_DRAW_BEACON_CHAIN: z.string().regex(/^[0-9a-f]{64}$/, 'the chain hash, 64 lower-case hex digits').optional().describe('Pinned drand chain hash (quicknet 52db9ba7…, default 8990e7a9…: their other settings follow)'),
    EXPERT_DRAW_BEACON_PUBLIC_KEY: z.string().regex(/^(?:[0-9a-f]{96}|[0-9a-f]{192})$/, 'the chain public key, hex (48 or 96 bytes)').optional().describe('Pinned group public key of the chain (hex)'),
    EXPERT_DRAW_BEACON_PERIOD_S: decimalInt(1, 3600).optional().describe('Seconds between rounds of the chain'),
    EXPERT_DRAW_BEACON_GENESIS: decimalInt(0).optional().describe('Unix time (seconds) of round 1 of the chain'),
    EXPERT_DRAW_BEACON_SCHEME: z.enum(BEACON_SCHEMES).optional().describe('Signature scheme of the chain: bls-unchained-g1-rfc9380 (quicknet) or pedersen-bls-chained'),
    EXPERT_DRAW_BEACON_TIMEOUT_S: decimalInt(1, 3600).optional().describe('A round that has not arrived and verified this long after its time fails the draw (default: 3 periods + 30 s)'),
    EXPERT_DRAW_BEACON_MARGIN_MS: decimalInt(0, 600_000).default(1000).describe('A draw names the first round published more than this after its commit (a clock behind drand’s cannot name a past round)'),
    EXPERT_DRAW_LIFECYCLE_INTERVAL_S: decimalInt(60, 86_400).default(3600).describe('The lifecycle pass (retirement by age, certificate expiry, lapsed confirmations; docs/admission.md) runs this long after the start and then at this interval'),
    EXPERT_DRAW_EXCHANGE_SIGNER_KEY: z
      .string()
      .regex(/^PRIVATE\+KEY\+[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/, 'a C2SP signer key: make one with `expert-draw exchange keygen --name <centre>`')
      .optional()
      .describe('Signs exported exchange documents (docs/exchange.md); its name is the issuer'),
    EXPERT_DRAW_EXCHANGE_PERSON_KEY: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, '32 bytes as hex, the same for every centre of the province; make one with `openssl rand -hex 32`')
      .optional()
      .describe('The province’s shared key that hashes ID numbers into exchange person ids (docs/exchange.md)'),
    EXPERT_DRAW_EXCHANGE_TRUSTED: z
      .string()
      .optional()
      .transform((v) => (v ?? '').split(',').map((k) => k.trim()).filter((k) => k.length > 0))
      .describe('Comma-separated verifier keys of the centres whose exchange documents are imported'),
    EXPERT_DRAW_CHECKPOINT_INTERVAL_MS: decimalInt(50, 60_000).default(1000).describe('Checkpoint cadence while entries arrive'),
  })
  .superRefine((c, ctx) => {
    if (c.EXPERT_DRAW_REDIS_SENTINELS && !c.EXPERT_DRAW_REDIS_SENTINEL_NAME) {
      ctx.addIssue({ code: 'custom', path: ['EXPERT_DRAW_REDIS_SENTINEL_NAME'], message: 'set the Sentinel master name with the Sentinel nodes' });
    }
    if (c.EXPERT_DRAW_CALL_ADAPTER === 'webhook' && (!c.EXPERT_DRAW_CALL_WEBHOOK_URL || !c.EXPERT_DRAW_CALL_WEBHOOK_SECRET)) {
      ctx.addIssue({ code: 'custom', path: ['EXPERT_DRAW_CALL_WEBHOOK_URL'], message: 'the webhook adapter needs EXPERT_DRAW_CALL_WEBHOOK_URL and EXPERT_DRAW_CALL_WEBHOOK_SECRET' });
    }
    if (c.EXPERT_DRAW_ACCESS_TOKEN_TTL_S > c.EXPERT_DRAW_TOKEN_MAX_TTL_S) {
      ctx.addIssue({ code: 'custom', path: ['EXPERT_DRAW_ACCESS_TOKEN_TTL_S'], message: 'longer than EXPERT_DRAW_TOKEN_MAX_TTL_S: the service would refuse its own tokens' });
    }
    for (const [path, message] of beaconProblems(c)) ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.EXPERT_DRAW_MODE === 'production') {
      for (const [path, message] of productionProblems(c)) ctx.addIssue({ code: 'custom', path: [path], message });
    }
  })
  .transform((c) => ({ ...c, EXPERT_DRAW_PUBLIC_URL: c.EXPERT_DRAW_PUBLIC_URL ?? listenerUrl(c.EXPERT_DRAW_HOST, c.EXPERT_DRAW_PORT) }));

export type Config = z.infer<typeof ConfigSchema>;

type BeaconVars = Pick<Config, 'EXPERT_DRAW_BEACON_URL' | 'EXPERT_DRAW_BEACON_CHAIN' | 'EXPERT_DRAW_BEACON_PUBLIC_KEY' | 'EXPERT_DRAW_BEACON_PERIOD_S' | 'EXPERT_DRAW_BEACON_GENESIS' | 'EXPERT_DRAW_BEACON_SCHEME'>;
const BEACON_PINS = { EXPERT_DRAW_BEACON_PUBLIC_KEY: 'publicKey', EXPERT_DRAW_BEACON_PERIOD_S: 'periodS', EXPERT_DRAW_BEACON_GENESIS: 'genesis', EXPERT_DRAW_BEACON_SCHEME: 'scheme' } as const;

/**
 * The pinned chain the settings name: a published chain by its hash (its other settings, if given, must agree), or a
 * chain of the centre's own with every setting given. Null without a beacon URL.
 */
function pinnedChain(c: BeaconVars): BeaconChain | null {
  if (!c.EXPERT_DRAW_BEACON_URL || !c.EXPERT_DRAW_BEACON_CHAIN) return null;
  const known = KNOWN_CHAINS.find((k) => k.hash === c.EXPERT_DRAW_BEACON_CHAIN);
  const given = { publicKey: c.EXPERT_DRAW_BEACON_PUBLIC_KEY, periodS: c.EXPERT_DRAW_BEACON_PERIOD_S, genesis: c.EXPERT_DRAW_BEACON_GENESIS, scheme: c.EXPERT_DRAW_BEACON_SCHEME };
  if (known) return known;
  if (Object.values(given).some((v) => v === undefined)) return null;
  return { hash: c.EXPERT_DRAW_BEACON_CHAIN, ...(given as Omit<BeaconChain, 'hash'>) };
}

/** What the beacon settings lack or contradict, each with what to set. */
function beaconProblems(c: BeaconVars): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const set = (['EXPERT_DRAW_BEACON_CHAIN', ...Object.keys(BEACON_PINS)] as Array<keyof BeaconVars>).filter((k) => c[k] !== undefined);
  if (!c.EXPERT_DRAW_BEACON_URL) {
    for (const k of set) out.push([k, 'a beacon setting without EXPERT_DRAW_BEACON_URL: set the relay URL too, or leave the beacon settings out']);
    return out;
  }
  if (!c.EXPERT_DRAW_BEACON_CHAIN) return [['EXPERT_DRAW_BEACON_CHAIN', 'the beacon needs its pinned chain hash (quicknet: 52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971)']];
  const known = KNOWN_CHAINS.find((k) => k.hash === c.EXPERT_DRAW_BEACON_CHAIN);
  for (const [env, field] of Object.entries(BEACON_PINS) as Array<[keyof typeof BEACON_PINS, (typeof BEACON_PINS)[keyof typeof BEACON_PINS]]>) {
    const value = c[env];
    if (known && value !== undefined && value !== known[field]) out.push([env, `disagrees with the published chain ${known.hash} (${String(known[field])}): leave it out or correct it`]);
    if (!known && value === undefined) out.push([env, `chain ${c.EXPERT_DRAW_BEACON_CHAIN} is not a published one: pin its ${field} too (from the relay's /${c.EXPERT_DRAW_BEACON_CHAIN}/info, checked out of band)`]);
  }
  return out;
}

/** The beacon the service draws with, or null when none is configured. */
export function beaconSettings(c: Config): BeaconSettings | null {
  const chain = pinnedChain(c);
  if (!chain || !c.EXPERT_DRAW_BEACON_URL) return null;
  return {
    url: c.EXPERT_DRAW_BEACON_URL,
    chain,
    timeoutMs: c.EXPERT_DRAW_BEACON_TIMEOUT_S !== undefined ? c.EXPERT_DRAW_BEACON_TIMEOUT_S * 1000 : defaultTimeoutMs(chain),
    marginMs: c.EXPERT_DRAW_BEACON_MARGIN_MS,
  };
}

/**
 * The listener's own address as a base URL: what the answer links say when no public URL is set (development). A
 * wildcard host is reached through loopback; for port 0 the server names the port it got once listening
 * (OpenedContext.listening).
 */
export function listenerUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Parses the environment; on error, throws one message naming every bad variable. */
export function loadConfig(given: NodeJS.ProcessEnv = process.env): Config {
  // A variable set to nothing or to spaces only (`EXPERT_DRAW_PORT=` in a unit file or a compose file) is unset: its
  // default, never the 0 that an empty string becomes as a number (a random port, a disk check of 0 MB).
  const env = Object.fromEntries(Object.entries(given).filter(([name, value]) => !(value?.trim() === '' && (name.startsWith('EXPERT_DRAW_') || name === 'REDIS_URL'))));
  const parsed = ConfigSchema.safeParse(env);
  const lines = parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
  // NODE_ENV is not this service's switch; but a host that says production must not get a development instance (with
  // development keys made on the spot) because EXPERT_DRAW_MODE was forgotten.
  if (env.NODE_ENV === 'production' && env.EXPERT_DRAW_MODE === undefined) {
    lines.unshift('  EXPERT_DRAW_MODE: NODE_ENV is production but EXPERT_DRAW_MODE is not set: set EXPERT_DRAW_MODE=production (or development, for a development instance)');
  }
  if (parsed.success && lines.length === 0) return parsed.data;
  throw new Error(`invalid configuration:\n${lines.join('\n')}`);
}
