// Building DOM nodes for the chat page. Every text (model answers, Gerrit and mesh names, YAML) goes in
// through textContent, never innerHTML: markup or a script in a model's answer shows as plain text.

/**
 * @param {string} tag
 * @param {{ class?: string, text?: string, attrs?: Record<string, string> }} [options]
 * @param {Node[]} [children]
 * @returns {HTMLElement}
 */
export function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.class !== undefined) node.className = options.class;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

/** @param {string} id @returns {HTMLElement} */
export function byId(id) {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node;
}

/** @param {Element} node */
export function clear(node) {
  node.replaceChildren();
}

/** Splits a comma-separated field into trimmed, non-empty items. @param {string} value */
export function items(value) {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
