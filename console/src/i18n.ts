// The console's language: Chinese unless English was chosen (kept in this browser), and the texts in it.
import { TEXTS, type Lang, type TextKey } from './texts';

export type { Lang, TextKey } from './texts';

const STORED = 'expert-draw.lang';

/** A choice made in this browser; else the browser's own languages, the first of Chinese or English among them; else Chinese. */
function initialLang(): Lang {
  const stored = globalThis.localStorage?.getItem(STORED);
  if (stored === 'en' || stored === 'zh-CN') return stored;
  for (const tag of globalThis.navigator?.languages ?? []) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'zh') return 'zh-CN';
    if (primary === 'en') return 'en';
  }
  return 'zh-CN';
}

let current: Lang = initialLang();

export const lang = (): Lang => current;

export function setLang(next: Lang): void {
  current = next;
  globalThis.localStorage?.setItem(STORED, next);
}

/** The text of a key made from data (a log entry's type, a payload's field), or `fallback` where there is none. */
export function textOr(key: string, fallback: string): string {
  return Object.hasOwn(TEXTS[current], key) ? t(key as TextKey) : fallback;
}

/** The text of `key` in the current language, with `{name}` filled from `params`. */
export function t(key: TextKey, params: Readonly<Record<string, string | number>> = {}): string {
  return TEXTS[current][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
