// @ts-check
/**
 * Shared by the console's pages: calls to the console API, building elements without
 * innerHTML (customer text is only ever set as text), and marking phrases inside a text.
 */

/**
 * @param {string} path under /console/api
 * @param {unknown} [body] sent as JSON with POST when given
 * @returns {Promise<any>}
 */
export async function api(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json', 'x-defuse-console': '1' }, body: JSON.stringify(body) };
  const res = await fetch(`/console/api${path}`, init);
  const data = await res.json().catch(() => ({ message: 'The service answered in a form the page cannot read.' }));
  if (!res.ok) throw new Error(data.message ?? `Request failed (${res.status})`);
  return data;
}

/**
 * An element with attributes and children; strings become text nodes.
 * @param {string} tag
 * @param {Record<string, string | boolean>} [attrs]
 * @param {(Node | string | null | undefined | false)[]} [children]
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false) continue;
    if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/**
 * The text with the given ranges wrapped in <mark> (overlaps merged), as DOM nodes.
 * @param {string} text
 * @param {{ start: number, end: number, className: string, title?: string }[]} ranges
 * @returns {(Node | string)[]}
 */
export function marked(text, ranges) {
  const sorted = ranges.filter((r) => r.end > r.start && r.start >= 0 && r.end <= text.length).sort((a, b) => a.start - b.start);
  /** @type {(Node | string)[]} */
  const out = [];
  let at = 0;
  for (const r of sorted) {
    if (r.start < at) continue;
    if (r.start > at) out.push(text.slice(at, r.start));
    out.push(el('mark', { class: r.className, ...(r.title ? { title: r.title } : {}) }, [text.slice(r.start, r.end)]));
    at = r.end;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/**
 * Where each phrase occurs in the text (case-insensitive, every occurrence).
 * @param {string} text
 * @param {{ text: string, className: string, title?: string }[]} phrases
 */
export function findPhrases(text, phrases) {
  const lower = text.toLowerCase();
  /** @type {{ start: number, end: number, className: string, title?: string }[]} */
  const ranges = [];
  for (const p of phrases) {
    const needle = p.text.toLowerCase();
    if (needle.trim() === '') continue;
    for (let i = lower.indexOf(needle); i !== -1; i = lower.indexOf(needle, i + needle.length)) {
      ranges.push({ start: i, end: i + needle.length, className: p.className, ...(p.title ? { title: p.title } : {}) });
    }
  }
  return ranges;
}

/**
 * Shows a message in a status region (announced to screen readers).
 * @param {HTMLElement} region
 * @param {string} message
 * @param {'error' | 'info'} [kind]
 */
export function say(region, message, kind = 'info') {
  region.textContent = message;
  region.className = `status ${kind}`;
}

/** @param {string} id */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing #${id}`);
  return node;
}

/**
 * The items that are there: lets a page list optional parts inline.
 * @param {(Node | string | null | undefined | false)[]} items
 * @returns {(Node | string)[]}
 */
export function present(...items) {
  return /** @type {(Node | string)[]} */ (items.filter((x) => x !== null && x !== undefined && x !== false));
}
