// What the feed screens share (feeds.js, feed-exceptions.js, facilities.js): their sub-navigation,
// the page frame, their stylesheet, and times read in the viewer's zone with the zone named.
import { h } from "./dom.js";
import { formatInZone } from "./format.js";

/** Who runs the feeds: the system admin and the hospital-side interface analyst (as the API says). */
export const FEED_ROLES = ["system_admin", "interface_analyst"];

export const FEED_PAGES = [
  { path: "/admin/feeds", label: "Feeds" },
  { path: "/admin/feeds/exceptions", label: "Refused & unmatched" },
  { path: "/admin/feeds/facilities", label: "Facilities" },
];

function ensureStyles() {
  if (document.querySelector("link[data-feed-styles]")) return;
  document.head.append(h("link", { rel: "stylesheet", href: "/feeds.css", "data-feed-styles": "" }));
}

/**
 * The frame of a feed screen: sub-navigation (the current page marked), a heading focused when the
 * screen opens, a subtitle and a toolbar. Answers the element, the heading and the body to fill.
 */
export function feedFrame({ id, title, subtitle, current, toolbar = [] }) {
  ensureStyles();
  const heading = h("h1", { id: `${id}-heading`, tabindex: -1 }, title);
  const body = h("div", { class: "feed-body" });
  const nav = h(
    "nav",
    { class: "subnav", "aria-label": "Feed operations" },
    h(
      "ul",
      {},
      FEED_PAGES.map((p) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: p.path, "data-route": "", "aria-current": p.path === current ? "page" : undefined },
            p.label,
          ),
        ),
      ),
    ),
  );
  const element = h(
    "section",
    { class: `view feeds ${id}`, "aria-labelledby": heading.id },
    nav,
    h(
      "div",
      { class: "view-header" },
      h("div", {}, heading, subtitle ? h("p", { class: "muted view-subtitle" }, subtitle) : null),
      h("div", { class: "toolbar" }, toolbar),
    ),
    body,
  );
  return { element, heading, body };
}

/** The viewer's own zone: feed times are read there, the zone named. */
export const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/** "Tue Mar 10, 10:00 AM EDT" in the viewer's zone; "—" for none. */
export const at = (value) => (value ? formatInZone(value, viewerZone()) : "—");

/** "4 min ago", "3 h ago", "2 days ago" (with the exact time as a tooltip where it is shown). */
export function ago(value, now = new Date()) {
  if (!value) return "never";
  const minutes = Math.round((now.getTime() - new Date(value).getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** A `<time>` with the relative text and the exact time in the viewer's zone as its title. */
export const timeAgo = (value, now = new Date()) =>
  value
    ? h("time", { datetime: value, title: at(value) }, ago(value, now))
    : h("span", { class: "muted" }, "never");

/** The answers of a count as "AA 75 · AE 0 · AR 2", each labelled for screen readers. */
export function answerCounts(counts) {
  return h(
    "span",
    { class: "answer-counts" },
    h("span", { class: "aa", title: "Accepted (AA)" }, `AA ${counts.accepted}`),
    h(
      "span",
      { class: counts.errors > 0 ? "ae has" : "ae", title: "Errors (AE): do not resend as is" },
      `AE ${counts.errors}`,
    ),
    h(
      "span",
      { class: counts.rejected > 0 ? "ar has" : "ar", title: "Refused (AR)" },
      `AR ${counts.rejected}`,
    ),
  );
}

/** The days of expected hours, in words: "Mon–Fri", "every day", "Sat, Sun". */
export function daysText(days) {
  const names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const sorted = [...days].sort((a, b) => a - b);
  if (sorted.length === 7) return "every day";
  if (sorted.join() === "1,2,3,4,5") return "Mon–Fri";
  return sorted.map((d) => names[d]).join(", ");
}

/** A facility's silent-feed setting in words. */
export function watchText(watch) {
  if (!watch?.silenceMinutes) return "Not watched";
  const hours = watch.expectedHours
    ? `${daysText(watch.expectedHours.days)} ${watch.expectedHours.start}–${watch.expectedHours.end}`
    : "at all hours";
  return `Alarm after ${watch.silenceMinutes} min silent, ${hours}`;
}
