// Caseloads for supervisors: per care manager, patients by tier and status against the
// organization's targets (about 75 Priority I and 180–220 in all by default), open and overdue
// tasks. Counts only. Supervisors change the targets here.
import { api } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { formatCount, updatedAt } from "./format.js";
import { messageOf } from "./task-drawer.js";

const TIERS = { I: "Priority I", II: "Priority II", III: "Priority III" };
const STANDING = {
  over: { text: "Over target", kind: "over" },
  under: { text: "Under target", kind: "under" },
  within: { text: "Within target", kind: "within" },
};

/**
 * A bar of `value` on a scale that shows the target: a marker at `max` (and a band from `min` when
 * there is a range). Labelled for screen readers with the numbers it draws.
 */
function targetBar({ value, min, max, standing, label }) {
  const scale = Math.max(value, max) * 1.15 || 1;
  const pct = (n) => Math.min(100, (n / scale) * 100);
  // Positions through the CSSOM: the Content-Security-Policy allows no inline style attributes.
  const place = (el, left, width) => {
    if (left !== undefined) el.style.left = `${left.toFixed(1)}%`;
    if (width !== undefined) el.style.width = `${width.toFixed(1)}%`;
    return el;
  };
  return h(
    "div",
    { class: `target-bar is-${standing}`, role: "img", "aria-label": label },
    min === undefined ? null : place(h("span", { class: "target-band" }), pct(min), pct(max) - pct(min)),
    place(h("span", { class: "target-fill" }), undefined, pct(value)),
    place(h("span", { class: "target-mark" }), pct(max)),
  );
}

function standingBadge(standing) {
  const s = STANDING[standing];
  return h("span", { class: `badge badge-target-${s.kind}` }, s.text);
}

/** "2 active · 1 tracking" for one tier; "—" when the care manager has none of it. */
function tierText(byTier, tier) {
  const row = byTier.find((t) => t.tier === tier);
  if (!row) return h("span", { class: "muted" }, "—");
  const parts = [
    row.active ? `${formatCount(row.active)} active` : null,
    row.monitor ? `${formatCount(row.monitor)} monitor` : null,
    row.trackingList ? `${formatCount(row.trackingList)} tracking list` : null,
  ].filter(Boolean);
  return parts.length === 0 ? h("span", { class: "muted" }, "—") : parts.join(" · ");
}

function caseloadRow(row, targets) {
  const cm = row.careManager;
  return h(
    "tr",
    { class: row.priorityOneStatus === "over" || row.totalStatus === "over" ? "is-over" : undefined },
    h(
      "th",
      { scope: "row" },
      cm.displayName,
      cm.active ? null : h("div", { class: "muted" }, "No longer active: reassign these patients"),
    ),
    h(
      "td",
      { class: "target-col group-start" },
      h(
        "div",
        { class: "target-numbers" },
        h("strong", {}, formatCount(row.priorityOne)),
        h("span", { class: "muted" }, ` / ${formatCount(targets.priorityOne)}`),
        row.priorityOneStatus === "over" ? standingBadge("over") : null,
      ),
      targetBar({
        value: row.priorityOne,
        max: targets.priorityOne,
        standing: row.priorityOneStatus,
        label: `${row.priorityOne} Priority I patients, target at most ${targets.priorityOne}`,
      }),
    ),
    h(
      "td",
      { class: "target-col" },
      h(
        "div",
        { class: "target-numbers" },
        h("strong", {}, formatCount(row.total)),
        h("span", { class: "muted" }, ` / ${formatCount(targets.totalMin)}–${formatCount(targets.totalMax)}`),
        // Within the range needs no word; over and under do.
        row.totalStatus === "within" ? null : standingBadge(row.totalStatus),
      ),
      targetBar({
        value: row.total,
        min: targets.totalMin,
        max: targets.totalMax,
        standing: row.totalStatus,
        label: `${row.total} patients in all, target ${targets.totalMin} to ${targets.totalMax}`,
      }),
    ),
    Object.keys(TIERS).map((tier, i) =>
      h("td", { class: i === 0 ? "tier-col group-start" : "tier-col" }, tierText(row.byTier, tier)),
    ),
    h("td", { class: "tier-col" }, tierText(row.byTier, null)),
    h("td", { class: "num group-start" }, formatCount(row.tasks.open)),
    h(
      "td",
      { class: "num" },
      row.tasks.overdue > 0
        ? h("span", { class: "overdue-text" }, formatCount(row.tasks.overdue))
        : formatCount(row.tasks.overdue),
    ),
  );
}

function unassignedRow(unassigned) {
  if (unassigned.patients === 0 && unassigned.tasks.open === 0) return null;
  return h(
    "tr",
    { class: "unassigned-row" },
    h(
      "th",
      { scope: "row" },
      "No care manager",
      h("div", { class: "muted" }, "On this organization's lists"),
    ),
    h("td", { class: "group-start" }, ""),
    h("td", {}, h("strong", {}, formatCount(unassigned.patients))),
    Object.keys(TIERS).map((tier, i) =>
      h("td", { class: i === 0 ? "tier-col group-start" : "tier-col" }, tierText(unassigned.byTier, tier)),
    ),
    h("td", { class: "tier-col" }, tierText(unassigned.byTier, null)),
    h("td", { class: "num group-start" }, formatCount(unassigned.tasks.open)),
    h("td", { class: "num" }, formatCount(unassigned.tasks.overdue)),
  );
}

/** The inline form a supervisor sets the organization's targets with. */
function targetsForm(org, onSaved) {
  const id = (name) => `caseload-${org.organization.id}-${name}`;
  const input = (name, value, labelText) =>
    h(
      "div",
      { class: "field" },
      h("label", { for: id(name) }, labelText),
      h("input", {
        id: id(name),
        name,
        type: "number",
        min: name === "priorityOne" ? 1 : 0,
        max: 5000,
        value,
        required: true,
      }),
    );
  const status = h("div", { class: "form-status", role: "status" });
  const form = h(
    "form",
    { class: "targets-form", "aria-label": `Caseload targets of ${org.organization.name}` },
    input("priorityOne", org.targets.priorityOne, "Priority I, at most"),
    input("totalMin", org.targets.totalMin, "Patients in all, from"),
    input("totalMax", org.targets.totalMax, "to"),
    h(
      "div",
      { class: "field form-actions" },
      h("button", { type: "submit", class: "primary" }, "Save targets"),
    ),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const targets = Object.fromEntries(
      ["priorityOne", "totalMin", "totalMax"].map((n) => [n, Number(form.elements.namedItem(n).value)]),
    );
    if (targets.totalMin > targets.totalMax) {
      replace(status, notice("The lower end of the range is above the upper end.", "error"));
      return;
    }
    try {
      await api("/api/caseload/targets", {
        method: "PUT",
        body: { organizationId: org.organization.id, targets },
      });
      onSaved();
    } catch (error) {
      replace(status, notice(messageOf(error, "The targets could not be saved."), "error"));
    }
  });
  return form;
}

export function createCaseload() {
  const heading = h("h1", { id: "caseload-heading", tabindex: -1 }, "Caseload");
  const subtitle = h(
    "p",
    { class: "muted view-subtitle" },
    "Patients each care manager carries, by tier, against the organization's targets. Patients in all counts active, monitor and tracking-list patients once each.",
  );
  const updated = h("span", { class: "muted nowrap", role: "status" });
  const refreshButton = h("button", { type: "button", onclick: () => refresh() }, "Refresh");
  const body = h("div", { class: "caseload-orgs" });
  const view = h(
    "section",
    { class: "view caseload", "aria-labelledby": "caseload-heading" },
    h(
      "div",
      { class: "view-header" },
      h("div", {}, heading, subtitle),
      h("div", { class: "toolbar" }, updated, refreshButton),
    ),
    body,
  );
  let loadSeq = 0;
  let editing = null;
  let savedFor = null;

  function organizationCard(org) {
    const title = h("h2", { id: `caseload-org-${org.organization.id}` }, org.organization.name);
    const t = org.targets;
    const editButton = h(
      "button",
      {
        type: "button",
        class: "small",
        "aria-expanded": String(editing === org.organization.id),
        onclick: () => {
          editing = editing === org.organization.id ? null : org.organization.id;
          render(lastBody);
        },
      },
      "Change targets",
    );
    const rows = org.careManagers.map((row) => caseloadRow(row, t));
    const unassigned = org.unassigned ? unassignedRow(org.unassigned) : null;
    return h(
      "section",
      { class: "card", "aria-labelledby": title.id },
      h("div", { class: "card-header" }, title, editButton),
      h(
        "p",
        { class: "muted card-note" },
        `Target per care manager: at most ${formatCount(t.priorityOne)} Priority I, ${formatCount(t.totalMin)}–${formatCount(t.totalMax)} patients in all.`,
        savedFor === org.organization.id ? h("span", { class: "saved-note" }, " Targets saved.") : null,
      ),
      editing === org.organization.id
        ? targetsForm(org, () => {
            editing = null;
            savedFor = org.organization.id;
            refresh();
          })
        : null,
      rows.length === 0 && !unassigned
        ? h("p", { class: "empty" }, "No care managers in this organization yet.")
        : h(
            "div",
            { class: "table-box" },
            h(
              "table",
              { class: "data-table caseload-table", "aria-label": `Caseloads of ${org.organization.name}` },
              h(
                "thead",
                {},
                h(
                  "tr",
                  { class: "group-row" },
                  h("th", {}, ""),
                  h("th", { colspan: 2, scope: "colgroup", class: "group-start" }, "Against the targets"),
                  h(
                    "th",
                    { colspan: 4, scope: "colgroup", class: "group-start" },
                    "Patients by tier and status",
                  ),
                  h("th", { colspan: 2, scope: "colgroup", class: "group-start" }, "Tasks"),
                ),
                h(
                  "tr",
                  {},
                  [
                    ["Care manager"],
                    ["Priority I (active)", "target-col group-start"],
                    ["Patients in all", "target-col"],
                    ["Priority I", "tier-col group-start"],
                    ["Priority II", "tier-col"],
                    ["Priority III", "tier-col"],
                    ["No tier", "tier-col"],
                    ["Open", "num group-start"],
                    ["Overdue", "num"],
                  ].map(([text, cls]) => h("th", { scope: "col", class: cls }, text)),
                ),
              ),
              h("tbody", {}, rows, unassigned),
            ),
          ),
    );
  }

  let lastBody = null;
  function render(caseload) {
    lastBody = caseload;
    const orgs = caseload.organizations.filter(
      (o) =>
        o.careManagers.length > 0 ||
        (o.unassigned && (o.unassigned.patients > 0 || o.unassigned.tasks.open > 0)),
    );
    replace(
      body,
      orgs.length === 0 ? h("p", { class: "empty" }, "No caseloads to show.") : orgs.map(organizationCard),
    );
  }

  async function refresh() {
    const seq = ++loadSeq;
    refreshButton.disabled = true;
    try {
      const caseload = await api("/api/caseload");
      if (seq !== loadSeq) return;
      render(caseload);
      updated.textContent = updatedAt();
    } catch (error) {
      if (seq === loadSeq) replace(body, notice(messageOf(error, "Caseloads could not be loaded."), "error"));
    } finally {
      if (seq === loadSeq) refreshButton.disabled = false;
    }
  }

  return {
    element: view,
    heading,
    refresh,
    show() {
      savedFor = null;
      refresh();
      return "Caseload";
    },
  };
}
