// Route options hold a hook as one function, a list, or nothing: the plugins that add hooks per route (onRoute) read
// them as a list.
export function hookList<T>(existing: T | T[] | undefined): T[] {
  return existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
}
