// The census: the screen a care manager opens first in the morning. Their patients (or the whole
// practice's) in the ED or the hospital now, and those discharged lately whom nobody has reached
// yet. Event times in the facility's zone, due dates in the practice's, each zone named. Reloads by
// itself when an alert or a task of the user's organizations changes (live.js).
import { api, query } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { EVENT_KINDS, formatDate, formatDueIn, formatInZone, label, updatedAt } from "./format.js";
import { messageOf } from "./task-drawer.js";

const SETTINGS = { ed: "ED", inpatient: "Inpatient", observation: "Observation" };
const SORTS = {
  tier: "Priority",
  days: "Longest wait",
  name: "Name",
};
const PERIODS = [7, 14, 30, 60, 90];
const ENROLLMENT_STATUSES = { active: "Active", monitor: "Monitor", tracking_list: "Tracking list" };

/** The census query in the address bar (`/census?scope=practice&tier=I`), defaults left out. */
const FIELDS = ["scope", "setting", "tier", "careManager", "facility", "dischargedDays", "sort"];

function paramsFromAddress() {
  const search = new URLSearchParams(location.search);
  return Object.fromEntries(FIELDS.flatMap((f) => (search.get(f) ? [[f, search.get(f)]] : [])));
}

/** "5 h", "2 d 3 h": how long the patient has been in. */
function stayLength(hours) {
  if (hours < 48) return `${hours} h`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest === 0 ? `${days} d` : `${days} d ${rest} h`;
}

const daysAgo = (days) => (days === 0 ? "today" : days === 1 ? "1 day ago" : `${days} days ago`);

export const tierChip = (tier) =>
  tier
    ? h("span", { class: `tier-chip tier-${tier}` }, `Priority ${tier}`)
    : h("span", { class: "tier-chip tier-none" }, "No tier");

function patientCell(entry, fresh) {
  const p = entry.patient;
  return h(
    "th",
    { scope: "row", class: "patient-col" },
    h("a", { href: `/patients/${encodeURIComponent(p.id)}`, "data-route": "" }, p.displayName),
    h(
      "div",
      { class: "muted" },
      [p.practiceIdentifier, p.birthDate ? `Born ${formatDate(p.birthDate)}` : null]
        .filter(Boolean)
        .join(" · "),
    ),
    h(
      "div",
      { class: "patient-badges" },
      fresh
        ? h("span", { class: "badge badge-new", title: "Arrived since the census was last loaded" }, "New")
        : null,
      entry.mine ? h("span", { class: "badge badge-mine" }, "Yours") : null,
    ),
  );
}

function whereText(entry) {
  const l = entry.location;
  // "ED · ED, room 12" says the same thing twice.
  const unit = l.unit && l.unit.toLowerCase() !== String(entry.setting).toLowerCase() ? l.unit : null;
  const spot = [unit, l.room ? `room ${l.room}` : null, l.bed ? `bed ${l.bed}` : null].filter(Boolean);
  return spot.join(", ");
}

function facilityCell(entry) {
  return h(
    "td",
    {},
    h("div", {}, entry.facility.name ?? entry.facility.code),
    h(
      "div",
      { class: "muted" },
      [label(SETTINGS, entry.setting), whereText(entry)].filter(Boolean).join(" · "),
    ),
  );
}

function eventCell(entry) {
  return h(
    "td",
    {},
    h(
      "a",
      { href: `/events/${encodeURIComponent(entry.event.matchId)}`, "data-route": "" },
      label(EVENT_KINDS, entry.event.kind),
    ),
    h("div", { class: "muted nowrap" }, formatInZone(entry.event.occurredAt, entry.facility.timeZone)),
  );
}

function priorityCell(entry) {
  return h(
    "td",
    {},
    tierChip(entry.riskTier),
    h(
      "div",
      { class: "muted" },
      // An active enrollment goes without saying; monitor and tracking list do not.
      [
        entry.program,
        entry.enrollmentStatus === "active" ? null : label(ENROLLMENT_STATUSES, entry.enrollmentStatus),
      ]
        .filter(Boolean)
        .join(" · "),
    ),
    entry.copy === "monitor" ? h("div", { class: "muted" }, "Monitor copy: the other side leads") : null,
  );
}

function careManagerCell(entry) {
  return entry.careManager
    ? h("td", {}, entry.careManager.displayName)
    : h("td", { class: "muted" }, "None named");
}

function tasksCell(entry) {
  const t = entry.tasks;
  if (t.open === 0) return h("td", { class: "muted" }, "None open");
  return h(
    "td",
    {},
    h(
      "div",
      {},
      `${t.open} open`,
      t.overdue > 0
        ? h("span", { class: "badge badge-overdue census-overdue" }, `${t.overdue} overdue`)
        : null,
    ),
    t.nextDueAt
      ? h(
          "div",
          { class: "muted nowrap" },
          // The soonest due may already be past: "was due", not "next due".
          `${new Date(t.nextDueAt) < new Date() ? "Was" : "Next"} ${formatDueIn(t.nextDueAt, entry.organization.timeZone)}`,
        )
      : null,
  );
}

function contactCell(entry) {
  const c = entry.contact;
  if (c.status === "none")
    return h("td", {}, h("span", { class: "badge badge-no-contact" }, "No contact yet"));
  return h(
    "td",
    {},
    h("span", { class: "badge badge-attempted" }, c.attempts === 1 ? "1 attempt" : `${c.attempts} attempts`),
    c.lastAttemptAt
      ? h(
          "div",
          { class: "muted nowrap" },
          `Last ${formatInZone(c.lastAttemptAt, entry.organization.timeZone)}`,
        )
      : null,
  );
}

function dataTable(label, columns, rows) {
  return h(
    "table",
    { class: "data-table census-table", "aria-label": label },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        columns.map((c) => h("th", { scope: "col" }, c)),
      ),
    ),
    h("tbody", {}, rows),
  );
}

/**
 * Builds the census view. `live.onWorkspaceChange` reloads it while it is on screen and counts its
 * new rows in the tab title when the user is not looking.
 */
export function createCensus({ session, live }) {
  const canMine = session.role === "care_manager";
  const heading = h("h1", { id: "census-heading", tabindex: -1 }, "Census");
  const subtitle = h("p", { class: "muted view-subtitle" });
  const updated = h("span", { class: "muted nowrap", role: "status" });
  const liveBadge = h("span", { class: "live-badge" });
  const refreshButton = h("button", { type: "button", onclick: () => refresh() }, "Refresh");
  const status = h("div", { class: "census-status" });

  const select = (id, name, labelText, options) =>
    h(
      "div",
      { class: "field" },
      h("label", { for: id }, labelText),
      h(
        "select",
        { id, name },
        options.map(([value, text]) => h("option", { value }, text)),
      ),
    );
  const form = h(
    "form",
    { class: "census-form", "aria-label": "Census filters" },
    canMine
      ? select("census-scope", "scope", "Show", [
          ["mine", "My patients"],
          ["practice", "Whole practice"],
        ])
      : null,
    select("census-setting", "setting", "Setting", [["", "Any"], ...Object.entries(SETTINGS)]),
    select("census-tier", "tier", "Priority", [
      ["", "Any"],
      ["I", "Priority I"],
      ["II", "Priority II"],
      ["III", "Priority III"],
    ]),
    select("census-care-manager", "careManager", "Care manager", [["", "Anyone"]]),
    select("census-facility", "facility", "Facility", [["", "Any"]]),
    select(
      "census-days",
      "dischargedDays",
      "Discharged within",
      PERIODS.map((d) => [String(d), `${d} days`]),
    ),
    select("census-sort", "sort", "Sort", Object.entries(SORTS)),
  );
  const hospitalCount = h("span", { class: "tab-count" });
  const dischargedCount = h("span", { class: "tab-count" });
  const hospitalBox = h("div", { class: "table-box" });
  const dischargedBox = h("div", { class: "table-box" });
  const dischargedHeading = h("h2", { id: "census-discharged" }, "Recently discharged, not yet reached ");
  const view = h(
    "section",
    { class: "view census", "aria-labelledby": "census-heading" },
    h(
      "div",
      { class: "view-header" },
      h("div", {}, heading, subtitle),
      h("div", { class: "toolbar" }, liveBadge, updated, refreshButton),
    ),
    form,
    status,
    h(
      "section",
      { class: "card", "aria-labelledby": "census-hospital" },
      h(
        "div",
        { class: "card-header" },
        h("h2", { id: "census-hospital" }, "In the hospital now ", hospitalCount),
      ),
      hospitalBox,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "census-discharged" },
      h("div", { class: "card-header" }, dischargedHeading),
      dischargedBox,
    ),
  );
  dischargedHeading.append(dischargedCount);

  let loadSeq = 0;
  let seenKeys = null;
  // Left out of the address: what the api does without them.
  const defaults = { scope: "mine", dischargedDays: "30", sort: "tier" };

  form.addEventListener("change", () => {
    const params = {};
    for (const field of FIELDS) {
      const input = form.elements.namedItem(field);
      if (input?.value && input.value !== defaults[field]) params[field] = input.value;
    }
    const next = `/census${query(params)}`;
    if (next !== location.pathname + location.search) history.pushState(null, "", next);
    // Rows a filter brings into view are not news.
    seenKeys = null;
    refresh();
  });

  function fillChoices(select, first, choices, value) {
    replace(
      select,
      h("option", { value: "" }, first),
      choices.map(([v, text]) => h("option", { value: v }, text)),
    );
    // A choice the address names but the data no longer offers stays, so the filter is visible.
    if (value && !choices.some(([v]) => v === value)) select.append(h("option", { value }, value));
    select.value = value ?? "";
  }

  function stayRow(entry, fresh) {
    return h(
      "tr",
      { class: fresh ? "is-new" : undefined, dataset: { key: entry.key } },
      patientCell(entry, fresh),
      facilityCell(entry),
      h(
        "td",
        { class: "nowrap" },
        h("div", {}, formatInZone(entry.since, entry.facility.timeZone)),
        h("div", { class: "muted" }, `${stayLength(entry.hoursSince)} so far`),
      ),
      eventCell(entry),
      priorityCell(entry),
      careManagerCell(entry),
      tasksCell(entry),
    );
  }

  function dischargeRow(entry, fresh) {
    return h(
      "tr",
      { class: fresh ? "is-new" : undefined, dataset: { key: entry.key } },
      patientCell(entry, fresh),
      h(
        "td",
        { class: "nowrap" },
        h("div", {}, formatInZone(entry.dischargedAt, entry.facility.timeZone)),
        h("div", { class: "muted" }, daysAgo(entry.daysSinceDischarge)),
      ),
      facilityCell(entry),
      eventCell(entry),
      priorityCell(entry),
      contactCell(entry),
      careManagerCell(entry),
      tasksCell(entry),
    );
  }

  function render(census, fresh) {
    const mine = census.scope === "mine";
    subtitle.textContent = mine
      ? "Your patients: enrolled with you, with a task of yours, or alerted to you."
      : `Every patient of ${session.organizations ?? "your organizations"}.`;
    const stays = census.inHospital;
    const gone = census.recentlyDischarged;
    hospitalCount.textContent = String(stays.total);
    dischargedCount.textContent = String(gone.total);
    const more = (list) =>
      list.total > list.items.length
        ? h("p", { class: "muted card-note" }, `Showing ${list.items.length} of ${list.total}.`)
        : null;
    replace(
      hospitalBox,
      stays.items.length === 0
        ? h(
            "p",
            { class: "empty" },
            mine ? "None of your patients is in the hospital now." : "Nobody is in the hospital now.",
          )
        : dataTable(
            "In the hospital now",
            ["Patient", "Where", "Since", "Latest event", "Priority", "Care manager", "Open tasks"],
            stays.items.map((e) => stayRow(e, fresh.has(e.key))),
          ),
      more(stays),
    );
    replace(
      dischargedBox,
      gone.items.length === 0
        ? h(
            "p",
            { class: "empty" },
            `Everyone discharged in the last ${census.dischargedDays} days has been reached.`,
          )
        : dataTable(
            "Recently discharged, not yet reached",
            [
              "Patient",
              "Discharged",
              "From",
              "Latest event",
              "Priority",
              "Contact",
              "Care manager",
              "Open tasks",
            ],
            gone.items.map((e) => dischargeRow(e, fresh.has(e.key))),
          ),
      more(gone),
    );
  }

  /** Loads the census the address names; answers how many rows are new since the last load. */
  async function refresh() {
    const seq = ++loadSeq;
    const params = paramsFromAddress();
    for (const field of FIELDS) {
      const input = form.elements.namedItem(field);
      if (input && field !== "careManager" && field !== "facility")
        input.value = params[field] ?? input.options[0].value;
    }
    if (!params.dischargedDays) form.elements.namedItem("dischargedDays").value = "30";
    refreshButton.disabled = true;
    try {
      const census = await api(`/api/census${query(params)}`);
      if (seq !== loadSeq) return 0;
      const o = census.options;
      const scope = form.elements.namedItem("scope");
      if (scope) scope.value = census.scope;
      fillChoices(
        form.elements.namedItem("careManager"),
        "Anyone",
        o.careManagers.map((c) => [c.id, c.displayName]),
        params.careManager,
      );
      fillChoices(
        form.elements.namedItem("facility"),
        "Any",
        o.facilities.map((f) => [f.code, f.name ?? f.code]),
        params.facility,
      );
      const keys = [...census.inHospital.items, ...census.recentlyDischarged.items].map((e) => e.key);
      const fresh = new Set(seenKeys === null ? [] : keys.filter((k) => !seenKeys.has(k)));
      seenKeys = new Set(keys);
      replace(status);
      render(census, fresh);
      updated.textContent = updatedAt();
      return fresh.size;
    } catch (error) {
      if (seq === loadSeq)
        replace(status, notice(messageOf(error, "The census could not be loaded."), "error"));
      return 0;
    } finally {
      if (seq === loadSeq) refreshButton.disabled = false;
    }
  }

  live.onStatus((state) => {
    liveBadge.textContent = state === "live" ? "Live" : state === "reconnecting" ? "Reconnecting…" : "";
    liveBadge.dataset.state = state;
    liveBadge.title =
      state === "live"
        ? "New alerts and task changes appear here without reloading."
        : "Trying to reconnect.";
  });
  live.onWorkspaceChange(async () => {
    if (!view.isConnected) return;
    live.noteNew(await refresh());
  });

  return {
    element: view,
    heading,
    refresh,
    show() {
      seenKeys = null;
      refresh();
      return "Census";
    },
  };
}
