// The access log: who read or changed which patient's data, and every administrative change, in
// the admin's organizations (a system admin: all). Filters live in the address (so a filtered view
// can be shared with a privacy officer), and the CSV export takes the same filters.
import { adminFrame, when } from "./admin-common.js";
import { api, download, query } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { formatCount, isoDate, label, ROLES } from "./format.js";
import { messageOf } from "./task-drawer.js";

const PAGE = 50;
const FILTERS = ["userEmail", "patientId", "action", "organizationId", "from", "to"];
/** Detail keys every row has: shown in their own columns, not again among the details. */
const COMMON_DETAIL = new Set(["role", "route", "requestId"]);

/** YYYY-MM-DD (a day in the viewer's zone) → the instant that day starts there. */
function startOfDay(day, plusDays = 0) {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

const detailText = (detail) =>
  Object.entries(detail ?? {})
    .filter(([key]) => !COMMON_DETAIL.has(key))
    .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(" · ");

export function createAccessLog({ session, path, built }) {
  const field = (name, text, input, hint) =>
    h(
      "div",
      { class: "field" },
      h("label", { for: `access-${name}` }, text),
      input,
      hint ? h("span", { class: "hint" }, hint) : null,
    );
  const inputs = {
    userEmail: h("input", {
      id: "access-userEmail",
      name: "userEmail",
      type: "email",
      placeholder: "name@example.org",
    }),
    patientId: h("input", {
      id: "access-patientId",
      name: "patientId",
      inputmode: "numeric",
      pattern: "[0-9]*",
      placeholder: "as in /patients/1042",
    }),
    action: h("select", { id: "access-action", name: "action" }, h("option", { value: "" }, "Any action")),
    organizationId: h(
      "select",
      { id: "access-organizationId", name: "organizationId" },
      h("option", { value: "" }, "All of mine"),
    ),
    from: h("input", { id: "access-from", name: "from", type: "date" }),
    to: h("input", { id: "access-to", name: "to", type: "date" }),
  };
  const exportButton = h("button", { type: "button", onclick: () => exportCsv() }, "Export CSV");
  const frame = adminFrame({
    id: "admin-access-log",
    title: "Access log",
    subtitle:
      "Who read or changed which patient's data, and every administrative change. Newest first; times in your time zone.",
    session,
    path,
    built,
    toolbar: [exportButton],
  });
  const form = h(
    "form",
    { class: "access-filters card", "aria-label": "Filter the access log" },
    field("userEmail", "User", inputs.userEmail),
    field("patientId", "Patient id", inputs.patientId),
    field("action", "Action", inputs.action),
    field("organizationId", "Organization", inputs.organizationId),
    field("from", "From (day)", inputs.from),
    field("to", "To (day, included)", inputs.to),
    h(
      "div",
      { class: "field form-actions" },
      h("button", { type: "submit", class: "primary" }, "Apply"),
      h("button", { type: "button", onclick: () => apply({}) }, "Clear"),
    ),
  );
  const status = h("div", { class: "form-status" });
  const summary = h("p", { class: "muted access-summary" });
  const results = h("div", { class: "table-box card" });
  const pager = h("div", { class: "pager" });
  replace(frame.body, form, status, summary, results, pager);

  let filters = {};
  let offset = 0;
  let loadSeq = 0;
  let optionsLoaded = false;

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = {};
    for (const name of FILTERS) {
      const value = inputs[name].value.trim();
      if (value) next[name] = value;
    }
    apply(next);
  });

  /** Puts `next` in the address and loads the first page. */
  function apply(next) {
    filters = next;
    offset = 0;
    history.replaceState(null, "", `${path}${query(filters)}`);
    fill();
    load();
  }

  function fill() {
    for (const name of FILTERS) inputs[name].value = filters[name] ?? "";
  }

  /** The API's parameters for the filters: days become the instants they start and end in the viewer's zone. */
  function apiParams() {
    const { from, to, ...rest } = filters;
    return {
      ...rest,
      ...(from ? { from: startOfDay(from) } : {}),
      ...(to ? { to: startOfDay(to, 1) } : {}),
    };
  }

  async function loadOptions() {
    if (optionsLoaded) return;
    try {
      const [actions, me] = await Promise.all([api("/api/admin/access-log/actions"), api("/api/me")]);
      replace(
        inputs.action,
        h("option", { value: "" }, "Any action"),
        actions.actions.map((a) => h("option", { value: a }, a)),
      );
      replace(
        inputs.organizationId,
        h("option", { value: "" }, session.role === "system_admin" ? "All organizations" : "All of mine"),
        me.organizations.map((o) => h("option", { value: o.id }, o.name)),
      );
      optionsLoaded = true;
      fill();
    } catch {
      // The filters still work as text; the lists are a convenience.
    }
  }

  const filterBy = (name, value) => apply({ ...filters, [name]: value });

  function row(entry) {
    const role = entry.detail?.role;
    const who = entry.actorName
      ? h(
          "button",
          {
            type: "button",
            class: "link-button",
            title: "Show only this user's rows",
            onclick: () => filterBy("userEmail", entry.actorName),
          },
          entry.actorName,
        )
      : h("span", {}, entry.actor);
    const subject =
      entry.subjectType === "patient"
        ? [
            h(
              "button",
              {
                type: "button",
                class: "link-button",
                title: "Show only this patient's rows",
                onclick: () => filterBy("patientId", entry.subjectId),
              },
              `Patient ${entry.subjectId}`,
            ),
            " ",
            h(
              "a",
              {
                href: `/patients/${encodeURIComponent(entry.subjectId)}`,
                "data-route": "",
                class: "muted small-link",
              },
              "open",
            ),
          ]
        : `${entry.subjectType.replace(/_/g, " ")} ${entry.subjectId}`;
    return h(
      "tr",
      {},
      h("td", { class: "nowrap" }, when(entry.at)),
      h("td", {}, who, role ? h("div", { class: "muted" }, label(ROLES, role)) : null),
      h(
        "td",
        {},
        h(
          "button",
          {
            type: "button",
            class: "link-button",
            title: "Show only this action",
            onclick: () => filterBy("action", entry.action),
          },
          entry.action,
        ),
      ),
      h("td", {}, subject),
      h("td", {}, entry.organizationName ?? h("span", { class: "muted" }, "—")),
      h(
        "td",
        { class: "detail-col" },
        entry.detail?.route ? h("div", { class: "mono" }, entry.detail.route) : null,
        detailText(entry.detail) ? h("div", { class: "muted" }, detailText(entry.detail)) : null,
      ),
    );
  }

  async function load() {
    const seq = ++loadSeq;
    replace(status);
    try {
      const body = await api(`/api/admin/access-log${query({ ...apiParams(), limit: PAGE, offset })}`);
      if (seq !== loadSeq) return;
      const shown = body.items.length;
      summary.textContent =
        body.total === 0
          ? ""
          : `${formatCount(offset + 1)}–${formatCount(offset + shown)} of ${formatCount(body.total)} rows`;
      replace(
        results,
        body.total === 0
          ? h(
              "p",
              { class: "empty" },
              Object.keys(filters).length ? "No rows match these filters." : "Nothing recorded yet.",
            )
          : h(
              "table",
              { class: "data-table access-table", "aria-label": "Access log" },
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  ["When", "Who", "Action", "What", "Organization", "Route and details"].map((t) =>
                    h("th", { scope: "col" }, t),
                  ),
                ),
              ),
              h("tbody", {}, body.items.map(row)),
            ),
      );
      replace(
        pager,
        offset > 0 ? h("button", { type: "button", onclick: () => page(-PAGE) }, "Newer") : null,
        offset + shown < body.total
          ? h("button", { type: "button", onclick: () => page(PAGE) }, "Older")
          : null,
      );
    } catch (error) {
      if (seq === loadSeq)
        replace(status, notice(messageOf(error, "The access log could not be loaded."), "error"));
    }
  }

  function page(delta) {
    offset = Math.max(0, offset + delta);
    load();
  }

  async function exportCsv() {
    exportButton.disabled = true;
    try {
      await download(
        `/api/admin/access-log${query({ ...apiParams(), format: "csv" })}`,
        `access-log_${isoDate(new Date())}.csv`,
      );
      replace(status, notice("The export is downloading. It is recorded in this log."));
    } catch (error) {
      replace(status, notice(messageOf(error, "The export failed."), "error"));
    } finally {
      exportButton.disabled = false;
    }
  }

  return {
    element: frame.element,
    heading: frame.heading,
    show() {
      const params = new URLSearchParams(location.search);
      filters = {};
      for (const name of FILTERS) if (params.get(name)) filters[name] = params.get(name);
      offset = 0;
      fill();
      loadOptions();
      load();
      return "Access log";
    },
  };
}
