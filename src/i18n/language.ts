// The languages a person can read the service in, and the choice of one per request from its Accept-Language header
// (RFC 9110 §12.5.4, ranges matched as in RFC 4647 basic filtering). Chinese first: the default when nothing matches.

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'zh-CN';

/** The primary subtag that selects each language: every `zh-*` reads the Simplified texts, every `en-*` the English. */
const PRIMARY: ReadonlyMap<string, Lang> = new Map([['zh', 'zh-CN'], ['en', 'en']]);
/** `range[;q=weight]`, the weight 0–1 with at most three decimals (RFC 9110 §12.4.2). */
const RANGE = /^([a-z]{1,8}(?:-[a-z0-9]{1,8})*|\*)(?:;q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?))?$/;
/** Ranges read from one header: a browser sends a handful; a longer list is noise. */
const MAX_RANGES = 32;

interface Choice {
  readonly q: number;
  /** How specific the matching range is (`*` 0, `zh` 1, `zh-CN` 2): the most specific one decides. */
  readonly specificity: number;
  /** Position in the header: among equal weights the client's first choice wins. */
  readonly position: number;
}

/**
 * The language to answer in. Each language takes the weight of the most specific range that matches it (else of `*`);
 * the highest weight above 0 wins, ties going to the range listed first. Absent, malformed or nothing acceptable:
 * zh-CN. Malformed ranges are skipped, not fatal.
 */
export function negotiateLanguage(header: string | readonly string[] | undefined): Lang {
  if (header === undefined) return DEFAULT_LANG;
  const text = typeof header === 'string' ? header : header.join(',');
  const best = new Map<Lang, Choice>();
  const ranges = text.toLowerCase().split(',', MAX_RANGES);
  ranges.forEach((raw, position) => {
    const m = RANGE.exec(raw.replace(/\s+/g, ''));
    if (!m) return;
    const range = m[1]!;
    const q = m[2] === undefined ? 1 : Number(m[2]);
    const primary = PRIMARY.get(range.split('-')[0]!);
    const matched: readonly Lang[] = range === '*' ? LANGS : primary ? [primary] : [];
    const specificity = range === '*' ? 0 : range.split('-').length;
    for (const lang of matched) {
      const seen = best.get(lang);
      if (seen === undefined || specificity > seen.specificity) best.set(lang, { q, specificity, position });
    }
  });
  let chosen: Lang = DEFAULT_LANG;
  let top: Choice | undefined;
  for (const lang of LANGS) {
    const c = best.get(lang);
    if (c === undefined || c.q === 0) continue;
    if (top === undefined || c.q > top.q || (c.q === top.q && c.position < top.position)) {
      chosen = lang;
      top = c;
    }
  }
  return chosen;
}

/**
 * The language of a command's printed report: `--lang` when given (zh-CN or en), else the shell's (LC_ALL, LC_MESSAGES,
 * LANG): Chinese for zh…, English otherwise — a terminal's language is a person's choice, as Accept-Language is.
 */
export function commandLanguage(option: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (option !== undefined) {
    if (option === 'en' || option === 'zh-CN') return option;
    throw new Error(`--lang must be zh-CN or en, not ${option}`);
  }
  const shell = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh/i.test(shell) ? 'zh-CN' : 'en';
}

/**
 * The language of the command line, read from its arguments before they are parsed (the help texts are written in it):
 * `--lang zh-CN|en` (or `--lang=…`) anywhere before `--`, else the shell's as commandLanguage reads it. A `--lang` of
 * another value leaves the shell's language, and the parser refuses it in that language.
 */
export function cliLanguage(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Lang {
  const end = args.indexOf('--');
  const options = end < 0 ? args : args.slice(0, end);
  let given: string | undefined;
  options.forEach((arg, i) => {
    if (arg === '--lang') given = options[i + 1];
    else if (arg.startsWith('--lang=')) given = arg.slice('--lang='.length);
  });
  return commandLanguage(given === 'en' || given === 'zh-CN' ? given : undefined, env);
}
