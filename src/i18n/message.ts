// Messages as values: a key of the catalogue with its parameters, rendered in a language only when an answer is
// written (the error handler, a route). Code keeps one Message; each request reads it in its own language.
import { entryOf, type EntryOf, type MessageKey } from './catalogue.js';
import type { Placeholders } from './define.js';
import type { Lang } from './language.js';
import { fill, isLocalized, type Localized, type ParamValue } from './text.js';

export { clauses, fill, isLocalized, type Localized, type ParamValue } from './text.js';

type ParamsOf<K extends MessageKey> = { readonly [P in Placeholders<EntryOf<K>['en']>]: ParamValue };
type ParamsArg<K extends MessageKey> = [Placeholders<EntryOf<K>['en']>] extends [never] ? [] : [params: ParamsOf<K>];

export class Message implements Localized {
  constructor(
    readonly key: MessageKey,
    readonly params: Readonly<Record<string, ParamValue>> = {},
  ) {}

  text(lang: Lang): string {
    const entry = entryOf(this.key)!;
    return fill(lang === 'en' ? entry.en : entry.zh, this.params, lang);
  }

  /** Serialised or interpolated by accident (a log line, a CLI message): the English text, as the service log reads. */
  toJSON(): string {
    return this.text('en');
  }

  toString(): string {
    return this.text('en');
  }
}

/** A message of the catalogue; the compiler checks the key and the values its texts name. */
export function msg<K extends MessageKey>(key: K, ...params: ParamsArg<K>): Message {
  return new Message(key, params[0] ?? {});
}

/** A value with every Localized in it read as text. */
export type Localize<T> = T extends Localized ? string : T extends readonly (infer U)[] ? Array<Localize<U>> : T extends object ? { [K in keyof T]: Localize<T[K]> } : T;

/** Reads every Localized inside plain objects and arrays (an answer, error details) in one language. */
export function localize<T>(value: T, lang: Lang): Localize<T> {
  return walk(value, lang) as Localize<T>;
}

function walk(value: unknown, lang: Lang): unknown {
  if (isLocalized(value)) return value.text(lang);
  if (Array.isArray(value)) return value.map((v) => walk(v, lang));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, lang)]));
  }
  return value;
}
