// compose.yaml without a Docker engine: it parses (merge keys as Compose reads them), names what the service needs —
// a Redis that persists every write, two instances on it sharing one key set, production settings that compose
// refuses to start without — and, interpolated as Compose would with an operator's .env, each instance's environment
// over the image's passes the service's own configuration check in production mode.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, loadConfig } from '../../src/config.js';
import { ROOT } from '../helpers/built-app.js';
import { envPairs, parseDockerfile } from '../helpers/dockerfile.js';

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const text = readFileSync(join(ROOT, 'compose.yaml'), 'utf8');
const raw = parse(text, { merge: true }) as Compose;
const runtime = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).at(-1)!;
const imageEnv = Object.assign({}, ...runtime.instructions.filter((i) => i.op === 'ENV').map((i) => envPairs(i.args))) as Record<string, string>;

/** Compose's interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}. */
function interpolate<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string') {
    return value.replace(/\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}|\$(\w+)/g, (match, name?: string, colon?: string, kind?: string, word?: string, bare?: string) => {
      if (match === '$$') return '$';
      const key = (name ?? bare)!;
      const v = vars[key];
      const missing = v === undefined || (colon === ':' && v === '');
      if (!missing) return v!;
      if (kind === '?') throw new Error(`required variable ${key} is missing: ${word}`);
      return kind === '-' ? word! : '';
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, vars)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, vars)])) as T;
  return value;
}

/** What an operator's .env holds (docs/operations.md). */
const dotEnv = {
  REDIS_PASSWORD: 'correct-horse-battery-staple',
  EXPERT_DRAW_LOG_ORIGIN: 'draw.example-centre.gov.cn/log',
  EXPERT_DRAW_PUBLIC_URL: 'https://draw.example-centre.gov.cn',
  EXPERT_DRAW_CALL_WEBHOOK_URL: 'https://sms-gateway.example-centre.gov.cn/calls',
  EXPERT_DRAW_CALL_WEBHOOK_SECRET: 'ef'.repeat(32),
};
const compose = interpolate(raw, dotEnv);
const instances = Object.entries(compose.services).filter(([, s]) => s.build === '.');
const seconds = (d: string) => Number(/^(\d+)s$/.exec(d)?.[1] ?? Number.NaN);

describe('compose.yaml', () => {
  it('runs Redis with AOF and appendfsync always, on a volume, with a health check', () => {
    const redis = compose.services.redis!;
    const args = redis.command!.join(' ');
    expect(args).toMatch(/--appendonly yes/);
    expect(args).toMatch(/--appendfsync always/);
    expect(redis.volumes!.some((v) => v.endsWith(':/data'))).toBe(true);
    expect(redis.healthcheck?.test).toContain('ping');
  });

  it('runs two instances of the image built here, after Redis is healthy, on one key volume, ports of their own', () => {
    expect(instances.length).toBeGreaterThanOrEqual(2);
    expect(new Set(instances.map(([, s]) => s.image)).size).toBe(1);
    const keyMounts = instances.map(([, s]) => s.volumes!.find((v) => v.endsWith(`:${imageEnv.EXPERT_DRAW_KEYS_DIR}`)));
    expect(keyMounts.every((m) => m !== undefined && m === keyMounts[0])).toBe(true);
    expect(Object.keys(compose.volumes)).toContain(keyMounts[0]!.split(':')[0]);
    const published = instances.map(([, s]) => s.ports!.map((p) => p.split(':')));
    for (const ports of published) expect(ports.some((p) => p.at(-1) === imageEnv.EXPERT_DRAW_PORT)).toBe(true);
    const hostPorts = published.flat().map((p) => p.at(-2));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    for (const [name, s] of instances) {
      expect(s.depends_on?.redis?.condition, name).toBe('service_healthy');
      // Docker's SIGKILL must come after the service's own grace time for draws under way.
      expect(seconds(s.stop_grace_period!) * 1000, name).toBeGreaterThan(ConfigSchema.in.shape.EXPERT_DRAW_SHUTDOWN_GRACE_MS.parse(undefined));
    }
  });

  it('names only settings the service has, and gives each instance a production configuration that passes its checks', () => {
    const known = new Set(Object.keys(ConfigSchema.in.shape));
    for (const [name, s] of instances) {
      const env = s.environment!;
      expect(Object.keys(env).filter((k) => k.startsWith('EXPERT_DRAW_') && !known.has(k)), name).toEqual([]);
      expect(env).toMatchObject({ EXPERT_DRAW_MODE: 'production', EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_CALL_ADAPTER: 'webhook' });
      expect(env.EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE).toBeUndefined();
      expect(new URL(env.REDIS_URL!).hostname, 'Redis is the compose service').toBe('redis');
      const config = loadConfig({ ...imageEnv, ...env });
      expect(config).toMatchObject({ EXPERT_DRAW_MODE: 'production', EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_HOST: '0.0.0.0' });
    }
  });

  it('refuses to start without each setting an operator must provide, saying which', () => {
    for (const variable of Object.keys(dotEnv)) {
      const { [variable]: _, ...rest } = dotEnv as Record<string, string>;
      expect(() => interpolate(raw, rest), variable).toThrow(new RegExp(`required variable ${variable} is missing: set ${variable}`));
    }
  });
});
