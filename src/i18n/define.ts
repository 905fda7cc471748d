// How one area of the message catalogue is written: each message a key, a Chinese text and an English text, with
// `{name}` where a value goes. The compiler checks that both texts name the same values.

/** One message: the zh-CN text (the glossary's wording, docs/glossary.md) and the English one. */
export interface Entry {
  readonly zh: string;
  readonly en: string;
}

/** The `{name}` placeholders of a text, as a union of names. */
export type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

type SameNames<A extends string, B extends string> = [Placeholders<A>] extends [Placeholders<B>] ? ([Placeholders<B>] extends [Placeholders<A>] ? true : false) : false;

/** Each entry as written, or a type error naming the mismatch when the two texts name different values. */
type Checked<E> = {
  readonly [K in keyof E]: E[K] extends { readonly zh: infer Z extends string; readonly en: infer N extends string }
    ? SameNames<Z, N> extends true
      ? E[K]
      : { readonly zh: Z; readonly en: N; readonly mismatch: 'the zh and en texts name different placeholders' }
    : Entry;
};

/** An area of the catalogue (src/i18n/catalogue.ts prefixes its keys with the area's name). */
export function defineMessages<const E extends Record<string, Entry>>(entries: E & Checked<E>): E {
  return entries;
}
