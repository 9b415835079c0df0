// Small DOM helpers. Every piece of data goes in as text (textContent / text nodes), never as HTML.

/**
 * Creates an element. `props`: `class`, `text`, `on*` listeners, booleans as presence attributes,
 * `dataset` object, anything else as an attribute. Children: nodes, strings (as text), arrays, or
 * null/undefined/false (skipped).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.append(child);
    else el.append(document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A table with a caption, header cells and rows of cells (each cell a node, text, or [text, props]). */
export function table({ caption, columns, rows, className, label }) {
  return h(
    "table",
    { class: className, "aria-label": caption ? undefined : label },
    caption ? h("caption", {}, caption) : null,
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        columns.map((c) => h("th", { scope: "col", class: c.className }, c.label)),
      ),
    ),
    h("tbody", {}, rows),
  );
}

/** A message in a live region: `kind` is "error" (role=alert) or "info" (role=status). */
export function notice(text, kind = "info") {
  return h("p", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}
