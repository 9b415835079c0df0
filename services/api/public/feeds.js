// Feed operations: is each hospital feed live, silent or failing? Per facility (MSH-4): connected
// now or not, the last message, messages per hour, AA/AE/AR and the top error codes over the
// window, its silent-feed alarm; per connection the same. Counts only, no patient data.
import { api, query } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { answerCounts, at, feedFrame, timeAgo, watchText } from "./feeds-common.js";
import { updatedAt } from "./format.js";
import { messageOf } from "./task-drawer.js";

const WINDOWS = [
  [6, "Last 6 hours"],
  [24, "Last 24 hours"],
  [72, "Last 3 days"],
  [168, "Last 7 days"],
];

/** One bar per hour (height: messages; red part: AE + AR), labelled with the numbers. */
function hourBars(perHour, hours) {
  const max = Math.max(1, ...perHour.map((c) => c.accepted + c.errors + c.rejected));
  const total = perHour.reduce((n, c) => n + c.accepted + c.errors + c.rejected, 0);
  const bars = perHour.map((c, i) => {
    const n = c.accepted + c.errors + c.rejected;
    if (n === 0) return h("span", { class: "is-empty", title: `${at(hours[i])}: none` });
    const bar = h("span", { title: `${at(hours[i])}: ${n} (${c.errors + c.rejected} refused or in error)` });
    // Sizes through the CSSOM: the Content-Security-Policy allows no inline style attributes.
    bar.style.height = `${Math.max(8, (n / max) * 100).toFixed(0)}%`;
    if (c.errors + c.rejected > 0) {
      const bad = h("i");
      bad.style.height = `${(((c.errors + c.rejected) / n) * 100).toFixed(0)}%`;
      bar.append(bad);
    }
    return bar;
  });
  return h(
    "div",
    {},
    h(
      "div",
      { class: "hour-bars", role: "img", "aria-label": `${total} messages, ${max} in the busiest hour` },
      bars,
    ),
    h("div", { class: "hour-scale" }, h("span", {}, `${hours.length} h ago`), h("span", {}, "now")),
  );
}

/** How the feed is doing over the window: silent, failing, live or idle (or not set up). */
function statusBadge(f) {
  if (f.alarm) return h("span", { class: "badge badge-silent" }, "Silent");
  if (!f.configured) return h("span", { class: "badge badge-unconfigured" }, "Not configured");
  if (!f.active) return h("span", { class: "badge badge-off" }, "Turned off");
  const refused = f.totals.errors + f.totals.rejected;
  if (f.totals.accepted === 0 && refused > 0) return h("span", { class: "badge badge-failed" }, "Failing");
  if (f.totals.accepted > 0) return h("span", { class: "badge badge-watching" }, "Live");
  return h("span", { class: "badge" }, "Idle");
}

function errorList(errors, empty = "None") {
  if (errors.length === 0) return h("span", { class: "muted" }, empty);
  return h(
    "ul",
    { class: "error-list" },
    errors.map((e) =>
      h(
        "li",
        {},
        h("span", { class: "code" }, e.code),
        ` ${e.text} `,
        h("span", { class: "muted" }, `× ${e.count}`),
      ),
    ),
  );
}

export function createFeeds({ session }) {
  const isSystem = session.role === "system_admin";
  const windowSelect = h(
    "select",
    { id: "feeds-window", "aria-label": "Window" },
    WINDOWS.map(([value, text]) => h("option", { value: String(value) }, text)),
  );
  windowSelect.value = "24";
  const stamp = h("span", { class: "muted" });
  const frame = feedFrame({
    id: "feeds",
    title: "Feeds",
    subtitle:
      "Each hospital feed: connected now, its last message, messages per hour and how they were answered. " +
      "A facility that sends nothing for its set time within its expected hours raises a silent-feed alarm.",
    current: "/admin/feeds",
    toolbar: [stamp, windowSelect, h("button", { type: "button", onclick: () => load() }, "Refresh")],
  });
  const status = h("div", { class: "form-status" });
  const alarms = h("section", { class: "card", "aria-labelledby": "feeds-alarms-heading" });
  const table = h("div", { class: "card table-box" });
  replace(frame.body, status, alarms, table);
  const expanded = new Set();

  windowSelect.addEventListener("change", () => {
    history.replaceState(
      null,
      "",
      `/admin/feeds${query({ hours: windowSelect.value === "24" ? "" : windowSelect.value })}`,
    );
    load();
  });

  function alarmsCard(list) {
    const open = list.filter((a) => !a.clearedAt);
    const recent = list.filter((a) => a.clearedAt).slice(0, 5);
    replace(
      alarms,
      h(
        "h2",
        { id: "feeds-alarms-heading" },
        open.length > 0 ? `Silent feeds (${open.length})` : "Silent feeds",
      ),
      open.length === 0 ? h("p", { class: "muted" }, "No feed is silent now.") : null,
      open.length + recent.length === 0
        ? null
        : h(
            "ul",
            { class: "alarm-list" },
            [...open, ...recent].map((a) =>
              h(
                "li",
                { class: a.clearedAt ? "is-cleared" : undefined },
                h("strong", {}, a.displayName ?? a.sendingFacility),
                ` (${a.sendingFacility}): `,
                a.clearedAt
                  ? `silent after ${a.lastMessageAt ? at(a.lastMessageAt) : "it was set up"}; sending again since ${at(a.clearedByMessageAt ?? a.clearedAt)}.`
                  : `nothing received since ${a.lastMessageAt ? at(a.lastMessageAt) : "it was set up"}. Alarm raised ${at(a.openedAt)}.`,
                a.clearedAt
                  ? null
                  : h(
                      "div",
                      { class: "muted" },
                      a.notifiedAt
                        ? `${a.contactEmail} was emailed ${at(a.notifiedAt)}.`
                        : a.contactEmail
                          ? `Email to ${a.contactEmail} not sent yet${a.notifyError ? ` (${a.notifyError})` : ""}.`
                          : "No interface contact is set: nobody was emailed.",
                    ),
              ),
            ),
          ),
    );
  }

  function connectionsTable(f) {
    return h(
      "table",
      { class: "data-table compact" },
      h("caption", {}, `Connections sending for ${f.sendingFacility} in the window`),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Listener", "From", "Connected", "Last message", "Answers", "Top errors"].map((c) =>
            h("th", { scope: "col" }, c),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        f.connections.length === 0
          ? h("tr", {}, h("td", { colspan: 6, class: "muted" }, "No messages in the window."))
          : f.connections.map((c) =>
              h(
                "tr",
                {},
                h("td", {}, c.listenerId, c.tls ? h("span", { class: "badge" }, "TLS") : null),
                h("td", { class: "code" }, c.remoteAddress || "—"),
                h(
                  "td",
                  {},
                  h(
                    "span",
                    { class: c.connected ? "conn is-up" : "conn" },
                    c.connected ? `since ${at(c.connectedSince)}` : "not now",
                  ),
                ),
                h("td", {}, timeAgo(c.lastMessageAt)),
                h("td", {}, answerCounts(c.totals)),
                h("td", {}, errorList(c.topErrors)),
              ),
            ),
      ),
    );
  }

  function facilityRows(f, hours) {
    const id = `feed-${f.sendingFacility}`;
    const open = expanded.has(f.sendingFacility);
    const toggle = h(
      "button",
      {
        type: "button",
        class: "link-button",
        "aria-expanded": open ? "true" : "false",
        "aria-controls": `${id}-details`,
        onclick: () => {
          if (expanded.has(f.sendingFacility)) expanded.delete(f.sendingFacility);
          else expanded.add(f.sendingFacility);
          load(false);
        },
      },
      open ? "Hide connections" : `Connections (${f.connections.length})`,
    );
    const settings = f.configured
      ? h("a", { href: `/admin/feeds/facilities/${f.facilityIds[0]}`, "data-route": "" }, "Settings")
      : isSystem
        ? h(
            "a",
            {
              href: `/admin/feeds/facilities/new${query({ facility: f.sendingFacility })}`,
              "data-route": "",
            },
            "Onboard",
          )
        : null;
    const rows = [
      h(
        "tr",
        { id, class: f.alarm ? "is-overdue" : undefined },
        h(
          "th",
          { scope: "row", class: "facility-name" },
          h("strong", {}, f.displayName ?? f.sendingFacility),
          h("span", { class: "muted code" }, f.sendingFacility),
          f.applications.length > 0
            ? h("div", { class: "muted" }, `MSH-3: ${f.applications.join(", ")}`)
            : null,
        ),
        h(
          "td",
          {},
          statusBadge(f),
          h("div", { class: "muted" }, f.configured ? watchText(f.watch) : "Messages refused (AR)"),
        ),
        h(
          "td",
          {},
          h(
            "span",
            { class: f.connectedNow > 0 ? "conn is-up" : "conn" },
            f.connectedNow > 0 ? `${f.connectedNow} open` : "none",
          ),
        ),
        h("td", {}, timeAgo(f.lastMessageAt)),
        h("td", {}, hourBars(f.perHour, hours)),
        h("td", {}, answerCounts(f.totals)),
        h("td", {}, errorList(f.topErrors)),
        h(
          "td",
          { class: "actions-col" },
          h(
            "div",
            { class: "row-links" },
            toggle,
            h(
              "a",
              { href: `/admin/feeds/exceptions${query({ facility: f.sendingFacility })}`, "data-route": "" },
              "Refused & unmatched",
            ),
            settings,
          ),
        ),
      ),
    ];
    if (open)
      rows.push(
        h("tr", { id: `${id}-details`, class: "feed-details" }, h("td", { colspan: 8 }, connectionsTable(f))),
      );
    return rows;
  }

  let loading;
  async function load(showLoading = true) {
    const controller = new AbortController();
    loading?.abort();
    loading = controller;
    if (showLoading) replace(status, notice("Loading…"));
    try {
      const body = await api(`/api/admin/feeds${query({ hours: windowSelect.value })}`, {
        signal: controller.signal,
      });
      replace(status);
      alarmsCard(body.alarms);
      replace(
        table,
        body.facilities.length === 0
          ? h("p", { class: "empty" }, "No facility is configured and none has sent a message yet.")
          : h(
              "table",
              { class: "data-table feeds-table" },
              h(
                "caption",
                {},
                `${WINDOWS.find(([v]) => String(v) === windowSelect.value)?.[1] ?? ""}: ${at(body.from)} to now. Times in your zone.`,
              ),
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  [
                    "Facility",
                    "Status",
                    "Connected now",
                    "Last message",
                    "Messages per hour",
                    "Answers",
                    "Top errors",
                    "",
                  ].map((c) => h("th", { scope: "col" }, c)),
                ),
              ),
              h(
                "tbody",
                {},
                body.facilities.map((f) => facilityRows(f, body.hours)),
              ),
            ),
      );
      stamp.textContent = updatedAt();
    } catch (err) {
      if (err?.name === "AbortError") return;
      replace(status, notice(messageOf(err, "The feeds could not be loaded."), "error"));
    }
  }

  return {
    element: frame.element,
    heading: frame.heading,
    show() {
      const hours = new URLSearchParams(location.search).get("hours");
      windowSelect.value = WINDOWS.some(([v]) => String(v) === hours) ? hours : "24";
      load();
      return "Feeds";
    },
  };
}
