// Refused and unmatched messages: what the listener answered AE/AR (and kept on adt.rejected.v1)
// and what the matcher matched to nobody (adt.unmatched.v1), for the interface analyst to work:
// fix the facility's settings and send the message to the matcher again, or mark it handled.
// The list carries no patient data; the message itself is shown to the interface analyst only,
// on request, and each view is in the access log.
import { api, query } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { at, feedFrame, timeAgo } from "./feeds-common.js";
import { messageOf } from "./task-drawer.js";

const KINDS = { rejected: "Refused by the listener", unmatched: "Matched to no one" };
const STATUSES = {
  unhandled: "Needs attention",
  open: "Open",
  resend_requested: "Resend waiting",
  resend_failed: "Resend failed",
  resent: "Resent",
  handled: "Handled",
  all: "All",
};
const BADGES = {
  open: ["badge-open", "Open"],
  resend_requested: ["badge-waiting", "Resend waiting"],
  resend_failed: ["badge-failed", "Resend failed"],
  resent: ["badge-resent", "Resent"],
  handled: ["badge-handled", "Handled"],
};
const PAGE = 50;

const statusBadge = (s) => h("span", { class: `badge ${BADGES[s][0]}` }, BADGES[s][1]);

/** What happened, in a line: "AR 207 · Sending facility is not configured" or "No match". */
function whatHappened(e) {
  if (e.kind === "rejected")
    return [h("span", { class: "code" }, `${e.ackCode ?? ""} ${e.errorCode ?? ""}`.trim()), ` ${e.reason}`];
  return [
    h("span", { class: "badge" }, e.unmatchedReason === "review" ? "Review" : "No match"),
    ` ${e.reason}`,
  ];
}

export function createFeedExceptions({ session }) {
  const canSeeMessages = session.role === "interface_analyst";
  const kind = h(
    "select",
    { id: "fx-kind" },
    // Refused first: every one wants looking at. Most unmatched events are patients no practice
    // follows (a hospital sends every patient's ADT): that list is for checking a mapping.
    Object.entries(KINDS).map(([v, t]) => h("option", { value: v }, t)),
    h("option", { value: "all" }, "Both"),
  );
  const statusSelect = h(
    "select",
    { id: "fx-status" },
    Object.entries(STATUSES).map(([v, t]) => h("option", { value: v }, t)),
  );
  const facility = h("input", {
    id: "fx-facility",
    placeholder: "MSH-4, e.g. MERCYGEN",
    autocomplete: "off",
  });
  const filters = h(
    "form",
    { class: "filters card", "aria-label": "Filters" },
    h("div", { class: "field" }, h("label", { for: kind.id }, "What"), kind),
    h("div", { class: "field" }, h("label", { for: statusSelect.id }, "Status"), statusSelect),
    h("div", { class: "field" }, h("label", { for: facility.id }, "Sending facility"), facility),
    h("button", { type: "submit" }, "Show"),
  );
  const frame = feedFrame({
    id: "feed-exceptions",
    title: "Refused & unmatched messages",
    subtitle:
      "Messages the listener refused and events the matcher matched to no one. Fix the facility's settings, " +
      "then send a message to the matcher again; or mark it handled.",
    current: "/admin/feeds/exceptions",
  });
  const status = h("div", { class: "form-status" });
  const list = h("div", { class: "card table-box" });
  const pager = h("div", { class: "toolbar" });
  replace(frame.body, filters, status, list, pager);

  let pages = [];
  let shown = [];

  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    history.replaceState(null, "", `/admin/feeds/exceptions${query(currentFilter())}`);
    pages = [];
    load();
  });

  /** What the address keeps (the defaults left out). */
  const currentFilter = () => ({
    kind: kind.value === "rejected" ? "" : kind.value,
    status: statusSelect.value === "unhandled" ? "" : statusSelect.value,
    facility: facility.value.trim(),
  });

  async function act(e, path, body, done) {
    try {
      const updated = await api(`/api/admin/feed-exceptions/${e.id}/${path}`, { method: "POST", body });
      replace(status, notice(done(updated)));
      await load(false);
      return updated;
    } catch (err) {
      replace(status, notice(messageOf(err, "That did not work."), "error"));
      return undefined;
    }
  }

  /** Resends, then watches the listener work it for a few seconds. */
  async function resend(e) {
    const requested = await act(
      e,
      "resend",
      undefined,
      () => `Asked the listener to send ${e.controlId ?? "the message"} again…`,
    );
    if (!requested) return;
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 700));
      const now = await api(`/api/admin/feed-exceptions/${e.id}`).catch(() => undefined);
      if (!now || now.status === "resend_requested") continue;
      replace(
        status,
        now.status === "resent"
          ? notice(
              `${e.controlId ?? "The message"} was sent to the matcher again with the settings in force.`,
            )
          : notice(
              `${e.controlId ?? "The message"} could not be sent again: ${now.resendError ?? "unknown reason"}.`,
              "error",
            ),
      );
      await load(false);
      return;
    }
  }

  async function markHandled(e, note) {
    await act(e, "handled", note ? { note } : {}, () => `${e.controlId ?? "The message"} marked handled.`);
  }

  function detailDialog(e) {
    const messageBox = h("div");
    const note = h("textarea", { id: "fx-note", rows: 2, placeholder: "Optional: what was done" });
    const dialog = h(
      "dialog",
      { class: "exception-dialog", "aria-labelledby": "fx-dialog-title" },
      h(
        "div",
        { class: "dialog-head" },
        h(
          "h2",
          { id: "fx-dialog-title" },
          `${e.messageType ?? "Message"} ${e.controlId ?? ""} from ${e.sendingFacility ?? "an unreadable sender"}`,
        ),
        h(
          "button",
          { type: "button", class: "icon-button", "aria-label": "Close", onclick: () => dialog.close() },
          "×",
        ),
      ),
      h(
        "div",
        { class: "dialog-body" },
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, "Received"),
          h("dd", {}, at(e.receivedAt)),
          h("dt", {}, "From"),
          h(
            "dd",
            {},
            `${e.sendingFacility ?? "—"}${e.sendingApplication ? ` / ${e.sendingApplication}` : ""}`,
          ),
          h("dt", {}, "What happened"),
          h("dd", {}, KINDS[e.kind], ": ", whatHappened(e)),
          h("dt", {}, "Status"),
          h(
            "dd",
            {},
            statusBadge(e.status),
            e.handledAt
              ? ` by ${e.handledBy} ${at(e.handledAt)}${e.handledNote ? `: ${e.handledNote}` : ""}`
              : "",
            e.resentAt ? ` ${at(e.resentAt)} as event ${e.resentEventId}` : "",
            e.resendError ? ` (${e.resendError})` : "",
          ),
        ),
        canSeeMessages
          ? h(
              "div",
              {},
              h(
                "button",
                {
                  type: "button",
                  onclick: async (event) => {
                    event.currentTarget.disabled = true;
                    try {
                      const body = await api(`/api/admin/feed-exceptions/${e.id}/message`);
                      replace(
                        messageBox,
                        body.raw
                          ? h(
                              "pre",
                              { class: "raw-message", "aria-label": "The message as received" },
                              body.raw.text,
                            )
                          : h(
                              "pre",
                              { class: "raw-message", "aria-label": "The normalized event" },
                              JSON.stringify(body.event, null, 2),
                            ),
                        body.raw?.truncatedFrom
                          ? h(
                              "p",
                              { class: "hint" },
                              `Only the start of a ${body.raw.truncatedFrom}-byte message was kept.`,
                            )
                          : null,
                      );
                    } catch (err) {
                      replace(messageBox, notice(messageOf(err, "The message could not be shown."), "error"));
                    }
                  },
                },
                e.kind === "rejected" ? "Show the message (HL7)" : "Show the event",
              ),
              h(
                "p",
                { class: "hint" },
                "It holds patient data: your viewing it is recorded in the access log.",
              ),
              messageBox,
            )
          : h(
              "p",
              { class: "hint" },
              "Only interface analysts see the message itself (it holds patient data).",
            ),
        e.status === "handled"
          ? null
          : h("div", { class: "field" }, h("label", { for: note.id }, "Note"), note),
        h(
          "div",
          { class: "toolbar" },
          e.truncated
            ? h(
                "span",
                { class: "hint" },
                "Too large to have been kept whole: ask the hospital to resend it.",
              )
            : h(
                "button",
                {
                  type: "button",
                  class: "primary",
                  disabled: e.status === "resend_requested",
                  onclick: () => {
                    dialog.close();
                    resend(e);
                  },
                },
                "Resend to matcher",
              ),
          e.status === "handled"
            ? null
            : h(
                "button",
                {
                  type: "button",
                  onclick: () => {
                    dialog.close();
                    markHandled(e, note.value.trim());
                  },
                },
                "Mark handled",
              ),
        ),
      ),
    );
    dialog.addEventListener("close", () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  }

  function rows(items) {
    return items.map((e) =>
      h(
        "tr",
        {},
        h("td", {}, timeAgo(e.receivedAt), h("div", { class: "muted" }, at(e.receivedAt))),
        h(
          "td",
          {},
          h("strong", {}, e.sendingFacility ?? "—"),
          e.sendingApplication ? h("div", { class: "muted" }, e.sendingApplication) : null,
        ),
        h(
          "td",
          {},
          h("span", { class: "code" }, e.messageType ?? "—"),
          h("div", { class: "muted code" }, e.controlId ?? ""),
        ),
        h("td", {}, whatHappened(e)),
        h("td", {}, statusBadge(e.status), e.resendError ? h("div", { class: "hint" }, e.resendError) : null),
        h(
          "td",
          { class: "actions-col" },
          h("button", { type: "button", class: "small", onclick: () => detailDialog(e) }, "Open"),
          " ",
          e.truncated || e.status === "resend_requested"
            ? null
            : h("button", { type: "button", class: "small", onclick: () => resend(e) }, "Resend"),
          " ",
          e.status === "handled"
            ? null
            : h("button", { type: "button", class: "small", onclick: () => markHandled(e) }, "Handled"),
        ),
      ),
    );
  }

  async function load(showLoading = true) {
    if (showLoading) replace(status, notice("Loading…"));
    const f = currentFilter();
    const before = pages.at(-1);
    try {
      const body = await api(
        `/api/admin/feed-exceptions${query({ kind: kind.value === "all" ? "" : kind.value, status: statusSelect.value, facility: f.facility, before, limit: PAGE })}`,
      );
      shown = body.items;
      if (showLoading) replace(status);
      replace(
        list,
        shown.length === 0
          ? h(
              "p",
              { class: "empty" },
              statusSelect.value === "unhandled" ? "Nothing needs attention." : "No message matches.",
            )
          : h(
              "table",
              { class: "data-table" },
              h(
                "caption",
                {},
                `${body.total} ${body.total === 1 ? "message" : "messages"}, newest first. Times in your zone.`,
              ),
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  ["Received", "Facility", "Message", "What happened", "Status", ""].map((c) =>
                    h("th", { scope: "col" }, c),
                  ),
                ),
              ),
              h("tbody", {}, rows(shown)),
            ),
      );
      replace(
        pager,
        pages.length > 0
          ? h(
              "button",
              {
                type: "button",
                onclick: () => {
                  pages.pop();
                  load();
                },
              },
              "← Newer",
            )
          : null,
        shown.length === PAGE
          ? h(
              "button",
              {
                type: "button",
                onclick: () => {
                  pages.push(shown.at(-1).id);
                  load();
                },
              },
              "Older →",
            )
          : null,
      );
    } catch (err) {
      replace(status, notice(messageOf(err, "The messages could not be loaded."), "error"));
    }
  }

  return {
    element: frame.element,
    heading: frame.heading,
    show() {
      const params = new URLSearchParams(location.search);
      kind.value =
        KINDS[params.get("kind")] || params.get("kind") === "all" ? params.get("kind") : "rejected";
      statusSelect.value = STATUSES[params.get("status")] ? params.get("status") : "unhandled";
      facility.value = params.get("facility") ?? "";
      pages = [];
      load();
      return "Refused & unmatched";
    },
  };
}
