/**
 * The shape every Homeward email has, and its two renderings. The text part and the HTML part come
 * from one model so they cannot say different things; the HTML escapes every value (facility names and
 * task titles come from hospital feeds and admins, not from us) and links only http(s) URLs.
 */
export interface EmailModel {
  subject: string;
  headline: string;
  intro: string[];
  /** Label and value rows (event, facility, when, patient as far as allowed). */
  details: [string, string][];
  tasksHeading: string;
  tasks: LinkedLine[];
  /** Digest entries. */
  items: LinkedLine[];
  link: { label: string; url: string };
  footer: string;
}

export interface LinkedLine {
  title: string;
  detail: string;
  url: string;
}

/** The plain-text part: readable in any client and by screen readers, links written out. */
export function renderText(m: EmailModel): string {
  const lines = [m.headline, "", ...m.intro.flatMap((p) => [p, ""])];
  if (m.details.length > 0) {
    const width = Math.max(...m.details.map(([label]) => label.length)) + 1;
    lines.push(...m.details.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`), "");
  }
  const list = (heading: string, entries: LinkedLine[]) => {
    if (entries.length === 0) return;
    lines.push(`${heading}:`);
    for (const e of entries) lines.push(`- ${e.title}, ${e.detail}`, `  ${e.url}`);
    lines.push("");
  };
  list(m.tasksHeading, m.tasks);
  list("Events", m.items);
  lines.push(`${m.link.label}: ${m.link.url}`, "", "--", m.footer, "");
  return lines.join("\n");
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** A link, or plain text when the URL is not http(s) (a `javascript:` URL must never become a link). */
function anchor(text: string, url: string): string {
  if (!/^https?:\/\//i.test(url)) return escapeHtml(text);
  return `<a href="${escapeHtml(url)}" style="color:#0b5cad">${escapeHtml(text)}</a>`;
}

/** The HTML part: one column, inline styles only (mail clients drop style sheets), no images. */
export function renderHtml(m: EmailModel): string {
  const font = "font-family:Arial,Helvetica,sans-serif;color:#1a1a1a";
  const parts = [
    "<!DOCTYPE html>",
    `<html><head><meta charset="utf-8"><title>${escapeHtml(m.subject)}</title></head>`,
    `<body style="${font};font-size:15px;line-height:1.45;margin:0;padding:16px">`,
    `<h1 style="font-size:20px;margin:0 0 12px">${escapeHtml(m.headline)}</h1>`,
    ...m.intro.map((p) => `<p style="margin:0 0 10px">${escapeHtml(p)}</p>`),
  ];
  if (m.details.length > 0) {
    parts.push('<table role="presentation" style="border-collapse:collapse;margin:8px 0 12px">');
    for (const [label, value] of m.details) {
      parts.push(
        `<tr><th scope="row" style="text-align:left;font-weight:600;padding:2px 12px 2px 0;vertical-align:top">${escapeHtml(label)}</th>` +
          `<td style="padding:2px 0">${escapeHtml(value)}</td></tr>`,
      );
    }
    parts.push("</table>");
  }
  const list = (heading: string, entries: LinkedLine[]) => {
    if (entries.length === 0) return;
    parts.push(
      `<h2 style="font-size:16px;margin:12px 0 6px">${escapeHtml(heading)}</h2>`,
      '<ul style="margin:0 0 12px;padding-left:20px">',
    );
    for (const e of entries) parts.push(`<li>${anchor(e.title, e.url)}, ${escapeHtml(e.detail)}</li>`);
    parts.push("</ul>");
  };
  list(m.tasksHeading, m.tasks);
  list("Events", m.items);
  parts.push(
    `<p style="margin:16px 0">${anchor(m.link.label, m.link.url)}</p>`,
    `<p style="font-size:12px;color:#555;border-top:1px solid #ddd;padding-top:8px;margin-top:24px">${escapeHtml(m.footer)}</p>`,
    "</body></html>",
  );
  return parts.join("\n");
}
