// Keyboard and label checks for the console's browser tests: the Tab order of a page (what each stop is called and
// whether its focus ring shows), whether a modal dialog keeps the focus, and the inputs that no label names.
import type { Page } from 'playwright-core';

export interface TabStop {
  readonly tag: string;
  /** Its accessible name as a person hears it: aria-label, else its label's text, else its own text. */
  readonly name: string;
  /** The focus is visible: an outline (the console's :focus-visible ring) or a box shadow. */
  readonly ring: boolean;
}

// The page-side code is given as text: the tests are compiled without the DOM's types.

/** What the focused element is, in the page, with a key (its path in the document) to notice the round trip. */
const FOCUSED = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const labels = el.labels;
  // A label's own words: without the text of the control inside it (a select's options).
  const own = (label) => { const c = label.cloneNode(true); c.querySelectorAll('input, select, textarea').forEach((x) => x.remove()); return c.textContent; };
  const name = (el.getAttribute('aria-label') ?? (labels && labels.length > 0 ? own(labels[0]) : el.textContent) ?? '').trim();
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  const path = [];
  for (let n = el; n && n !== document.body; n = n.parentElement) path.unshift(n.tagName + ':' + [...(n.parentElement?.children ?? [])].indexOf(n));
  return { tag: el.tagName.toLowerCase(), name, ring, key: path.join('/') };
})()`;
const focused = (page: Page) => page.evaluate<(TabStop & { key: string }) | null>(FOCUSED);

/**
 * Presses Tab from the page's current focus until the focus comes round to where it started (or `max` presses), and
 * returns every stop it made, in order.
 */
export async function tabOrder(page: Page, max = 80): Promise<TabStop[]> {
  const stops: TabStop[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (!now) continue;
    if (seen.has(now.key)) break;
    seen.add(now.key);
    stops.push({ tag: now.tag, name: now.name, ring: now.ring });
  }
  return stops;
}

/** Tab and Shift+Tab, twice round the dialog's controls: the focus never leaves the element `selector` finds. */
export async function focusTrapped(page: Page, selector: string): Promise<boolean> {
  const dialog = JSON.stringify(selector);
  const count = await page.evaluate<number>(`document.querySelector(${dialog}).querySelectorAll('a[href], button:not([disabled]), input:not([type=hidden]), select, textarea').length`);
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < 2 * count + 2; i++) {
      await page.keyboard.press(key);
      if (!(await page.evaluate<boolean>(`document.querySelector(${dialog}).contains(document.activeElement)`))) return false;
    }
  }
  return true;
}

/** The inputs, selects and text areas of the page that nothing names: no label with text, no aria-label(ledby). */
export function labelProblems(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden')
    .filter((el) => {
      const byLabel = [...(el.labels ?? [])].some((l) => (l.textContent ?? '').trim() !== '');
      const byAria = (el.getAttribute('aria-label') ?? '').trim() !== '' || (el.getAttribute('aria-labelledby') ?? '').split(/\\s+/).some((id) => (document.getElementById(id)?.textContent ?? '').trim() !== '');
      return !byLabel && !byAria;
    })
    .map((el) => el.tagName.toLowerCase() + '[name=' + (el.getAttribute('name') ?? '') + ']')`);
}
