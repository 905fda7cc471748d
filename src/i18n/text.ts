// Texts in either language without the catalogue: a value a person reads (Localized), how a `{name}` template is
// filled, and the texts of one catalogue area read by key. The command line reads its own areas through this module
// (src/i18n/cli/), so that a start of it loads no more than the texts it prints.
import type { Entry, Placeholders } from './define.js';
import type { Lang } from './language.js';

/** Anything a person reads, in either language. */
export interface Localized {
  text(lang: Lang): string;
}

/** What a placeholder takes: a value, another message (rendered in the same language), or a list of them. */
export type ParamValue = string | number | Localized | readonly ParamValue[];

const PLACEHOLDER = /\{(\w+)\}/g;
/** How the items of a list param are joined: an enumeration, or clauses (rules broken, groups short). */
const SEPARATORS: Readonly<Record<'list' | 'clauses', Readonly<Record<Lang, string>>>> = {
  list: { 'zh-CN': '、', en: ', ' },
  clauses: { 'zh-CN': '；', en: '; ' },
};

/** Items joined as clauses (`；` / `; `): each a whole statement, such as a broken rule. */
export function clauses(items: readonly ParamValue[]): Localized {
  return { text: (lang) => items.map((i) => format(i, lang)).join(SEPARATORS.clauses[lang]) };
}

/** A text with each `{name}` replaced by its value in `lang`; a name without a value stays as written. */
export function fill(template: string, params: Readonly<Record<string, ParamValue>>, lang: Lang): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(params, name) ? format(params[name]!, lang) : whole));
}

function format(value: ParamValue, lang: Lang): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (isLocalizedList(value)) return value.map((v) => format(v, lang)).join(SEPARATORS.list[lang]);
  return value.text(lang);
}

function isLocalizedList(value: ParamValue): value is readonly ParamValue[] {
  return Array.isArray(value);
}

export function isLocalized(value: unknown): value is Localized {
  return typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'function';
}

/** The values an entry's texts name: none, or one for each `{name}`. */
export type ParamsOfEntry<T extends Entry> = [Placeholders<T['en']>] extends [never] ? [] : [params: { readonly [P in Placeholders<T['en']>]: ParamValue }];

/** The texts of one catalogue area, by key. */
export interface AreaTexts<E extends Record<string, Entry>> {
  /** The text of `key` in `lang`. */
  text<K extends keyof E & string>(lang: Lang, key: K, ...params: ParamsOfEntry<E[K]>): string;
  /** The text of `key` as a value, read in the language of whoever prints it. */
  said<K extends keyof E & string>(key: K, ...params: ParamsOfEntry<E[K]>): Localized;
  /** The texts in one language: `t('key', { name })`. */
  in(lang: Lang): <K extends keyof E & string>(key: K, ...params: ParamsOfEntry<E[K]>) => string;
}

/** Reads an area written with defineMessages. */
export function areaTexts<E extends Record<string, Entry>>(entries: E): AreaTexts<E> {
  const text = (lang: Lang, key: keyof E & string, params: Readonly<Record<string, ParamValue>> = {}) => fill(lang === 'en' ? entries[key]!.en : entries[key]!.zh, params, lang);
  return {
    text: (lang, key, ...params) => text(lang, key, params[0]),
    said: (key, ...params) => ({ text: (lang) => text(lang, key, params[0]) }),
    in: (lang) => (key, ...params) => text(lang, key, params[0]),
  };
}

/**
 * An error a person reads: its message is the English text (a log, a test), and the command line prints it in the
 * reader's language.
 */
export class LocalizedError extends Error {
  constructor(readonly localized: Localized) {
    super(localized.text('en'));
  }
}

/** What an error says, in `lang` where it is a LocalizedError; another error's message as it is written. */
export function errorText(err: unknown, lang: Lang): string {
  if (err instanceof LocalizedError) return err.localized.text(lang);
  return err instanceof Error ? err.message : String(err);
}
