// A tiny element builder: h('p', { class: 'x' }, 'text', child). Text is always set as text, never parsed as HTML.

type Attrs = Readonly<Record<string, string | number | boolean | undefined | ((event: Event) => void)>>;
export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: readonly (Child | readonly Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el: Element, children: readonly (Child | readonly Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : String(c));
  }
}

/** A labelled input: the label names it for screen readers and for the tests (getByLabel). */
export function field(label: string, input: HTMLInputElement | HTMLSelectElement): HTMLLabelElement {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

/** Replaces an element's content. */
export function show(el: Element, ...children: readonly (Child | readonly Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A dialog for showModal() that keeps the keyboard's focus: Tab after its last control comes back to its first, and
 * Shift+Tab before its first goes to its last (the browser would otherwise let it leave for its own toolbar).
 */
export function modalDialog(attrs: Attrs): HTMLDialogElement {
  const dialog = h('dialog', attrs);
  // Closed, the dialog gives the keyboard back where it was: the control that opened it, or, when the screen has
  // drawn that anew meanwhile (the board after a draw), the main region — never the page's body.
  let opener: Element | null = null;
  const showModal = dialog.showModal.bind(dialog);
  dialog.showModal = () => {
    opener = document.activeElement;
    showModal();
  };
  dialog.addEventListener('close', () => {
    const back = opener instanceof HTMLElement && opener.isConnected && opener !== document.body ? opener : document.getElementById('main');
    back?.focus();
  });
  dialog.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const stops = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
    const first = stops[0];
    const last = stops[stops.length - 1];
    if (!first || !last) return;
    const at = document.activeElement;
    if (event.shiftKey ? at === first || !dialog.contains(at) : at === last || !dialog.contains(at)) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    }
  });
  return dialog;
}
