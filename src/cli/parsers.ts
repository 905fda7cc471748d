// The parsers of the commands' option values: each refuses a value in the reader's language, and commander says which
// option it was.
import { InvalidArgumentError } from 'commander';
import { ROLES, Role } from '../auth/roles.js';
import { SITE_ID_PATTERN, SPECIALTY_PATTERN } from '../domain/primitives.js';
import type { HelpText } from './language.js';

const TTL_UNITS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

export function optionParsers(t: HelpText) {
  const positive = (value: string, refusal: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(refusal);
    return n;
  };
  return {
    positiveInt: (value: string): number => positive(value, t('parse.positiveInt')),
    days: (value: string): number => positive(value, t('parse.days')),
    /** --jobs: a whole number of bundles at once (this thread and n - 1 workers), 1 for this thread alone. */
    jobs(value: string): number {
      const n = Number(value);
      if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(t('parse.jobs'));
      return n;
    },
    specialtyList(value: string): string[] {
      const codes = value.split(',').map((s) => s.trim()).filter(Boolean);
      for (const code of codes) if (!SPECIALTY_PATTERN.test(code)) throw new InvalidArgumentError(t('parse.specialty', { code }));
      return codes;
    },
    siteId(value: string): string {
      if (!SITE_ID_PATTERN.test(value)) throw new InvalidArgumentError(t('parse.siteId'));
      return value;
    },
    role(value: string): Role {
      const r = Role.safeParse(value);
      if (!r.success) throw new InvalidArgumentError(t('parse.role', { roles: ROLES.join(', ') }));
      return r.data;
    },
    /** 30s, 15m, 8h, 1d → seconds. */
    ttl(value: string): number {
      const m = /^(\d+)([smhd])$/.exec(value);
      if (!m) throw new InvalidArgumentError(t('parse.ttl'));
      return Number(m[1]) * TTL_UNITS[m[2] as keyof typeof TTL_UNITS];
    },
  };
}

export type OptionParsers = ReturnType<typeof optionParsers>;
