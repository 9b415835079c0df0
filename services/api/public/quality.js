// The quality page: one follow-up measure within x days, by month (line), by group (bars and a
// numbers table), the CSV export, and the lines behind the numbers: the misses, each opening its
// task, and apart from the rate the pending (window still running) and the excluded (with why).
// Defaults (window, population) come from the protocols in force: GET /api/reports/follow-up/defaults.
import { api, download, query } from "./api.js";
import { drawRateByMonth, rateBars } from "./charts.js";
import { createContactTimes } from "./contact-times.js";
import { h, notice, replace, table } from "./dom.js";
import {
  formatCount,
  formatDueIn,
  formatHours,
  formatInZone,
  formatMonth,
  formatRate,
  isoDate,
  label,
} from "./format.js";
import { messageOf, missReasonText } from "./task-drawer.js";

/**
 * The measures and the window and population each opens at: the protocols' (replaced by
 * GET /api/reports/follow-up/defaults when the page loads); these are the DEFAULT_PROTOCOLS values.
 */
export const MEASURES = {
  "ed-follow-up": { label: "ED visit: follow-up call", x: 2, unit: "business-days", population: "high-risk" },
  "discharge-contact": {
    label: "Discharge: interactive contact",
    x: 2,
    unit: "business-days",
    population: "all",
  },
  "discharge-visit": {
    label: "Discharge: face-to-face visit",
    x: 14,
    unit: "calendar-days",
    population: "all",
  },
  "medication-reconciliation": {
    label: "Discharge: medication reconciliation",
    x: 30,
    unit: "calendar-days",
    population: "all",
  },
};

export const COUNTING = { visit: "Per visit", patient: "Per patient" };
export const POPULATIONS = { "high-risk": "High-risk patients", all: "All patients" };

/** Why a line is out of the measure (tasks.excluded_reason), in words. */
export const EXCLUSIONS = {
  admitted: "Admitted as an inpatient",
  transferred: "Transferred to a hospital or facility",
  died: "Patient died",
  "left-against-advice": "Left against medical advice",
  "event-cancelled": "Hospital cancelled the event",
  "not-applicable": "Closed as not applicable",
};

/** Who is high-risk, in words, from the defaults endpoint; the DEFAULT_PROTOCOLS wording until then. */
let highRiskText = "Priority I or Priority II, or the practice's high-risk flag";
let defaultsLoaded = null;

/** Reads each measure's default window from the protocols in force, once per page load. */
function loadDefaults() {
  defaultsLoaded ??= api("/api/reports/follow-up/defaults")
    .then((body) => {
      for (const m of body?.measures ?? []) {
        const known = MEASURES[m.measure];
        if (known) Object.assign(known, { x: m.x, unit: m.unit, population: m.population });
      }
      if (body?.highRisk?.text) highRiskText = body.highRisk.text;
    })
    .catch(() => {
      // The built-in values stand; the report itself says what it counted.
    });
  return defaultsLoaded;
}

const UNITS = { "business-days": "business days", "calendar-days": "calendar days" };

export const GROUP_BY = {
  practice: "Practice",
  care_manager: "Care manager",
  program: "Program",
  tier: "Risk tier",
  month: "Month",
};

function defaults(measure = "ed-follow-up") {
  const today = new Date();
  const from = new Date(today.getFullYear(), today.getMonth() - 11, 1);
  return {
    measure,
    x: String(MEASURES[measure].x),
    unit: MEASURES[measure].unit,
    from: isoDate(from),
    to: isoDate(today),
    groupBy: "practice",
    tier: "",
    count: "visit",
    population: MEASURES[measure].population,
  };
}

/** The settings from the address bar (none of them identify a patient), over the defaults. */
function settingsFromUrl() {
  const params = new URLSearchParams(location.search);
  const s = defaults(MEASURES[params.get("measure")] ? params.get("measure") : "ed-follow-up");
  if (/^\d{1,3}$/.test(params.get("x") ?? "")) s.x = params.get("x");
  if (UNITS[params.get("unit")]) s.unit = params.get("unit");
  for (const key of ["from", "to"])
    if (/^\d{4}-\d{2}-\d{2}$/.test(params.get(key) ?? "")) s[key] = params.get(key);
  if (GROUP_BY[params.get("groupBy")]) s.groupBy = params.get("groupBy");
  if (["I", "II", "III"].includes(params.get("tier"))) s.tier = params.get("tier");
  if (COUNTING[params.get("count")]) s.count = params.get("count");
  if (POPULATIONS[params.get("population")]) s.population = params.get("population");
  return s;
}

const rowRate = (row) =>
  row.denominator > 0 ? (typeof row.rate === "number" ? row.rate : row.numerator / row.denominator) : null;

const select = (id, name, options, value) =>
  h(
    "select",
    { id, name },
    Object.entries(options).map(([v, text]) =>
      h("option", { value: v, selected: v === value ? true : undefined }, text),
    ),
  );

const field = (id, text, control, hint) =>
  h(
    "div",
    { class: "field" },
    h("label", { for: id }, text),
    control,
    hint ? h("span", { class: "hint" }, hint) : null,
  );

/**
 * Builds the quality view. A miss opens its task in the drawer for roles that work tasks
 * (`canOpenTasks`), and the report's own account of it for quality staff.
 */
export function createQuality({ drawer, canOpenTasks }) {
  let settings = settingsFromUrl();
  let disposeChart = () => {};
  let loadSeq = 0;
  let misses = [];
  let missFilter = null;

  const heading = h("h1", { id: "quality-heading", tabindex: -1 }, "Quality");
  const form = h("form", { class: "report-form", "aria-label": "Report settings" });
  const status = h("div", { class: "report-status" });
  const kpis = h("div", { class: "kpis" });
  const lineBox = h("div", { class: "chart", id: "rate-by-month" });
  const barsTitle = h("h2", {}, "By practice");
  const barsBox = h("div", { class: "bars-box" });
  const reasonsBox = h("div", { class: "reasons-box" });
  const tableTitle = h("h2", { id: "numbers-heading" }, "Numbers");
  const tableBox = h("div", { class: "table-box" });
  const csvLink = h("a", { class: "button-link", href: "#", download: "" }, "Download CSV");
  const missesTitle = h("h2", { id: "misses-heading" }, "Misses");
  const missesNote = h("p", { class: "muted" });
  const missesBox = h("div", { class: "table-box" });
  const missesCsv = h("a", { class: "button-link", href: "#", download: "" }, "Download lists CSV");
  const definition = h("p", { class: "muted report-definition" });
  const pendingTitle = h("h2", { id: "pending-heading" }, "Pending");
  const pendingBox = h("div", { class: "table-box" });
  const excludedTitle = h("h2", { id: "excluded-heading" }, "Excluded");
  const excludedBox = h("div", { class: "table-box" });
  let lists = { pending: [], excluded: [] };

  const view = h(
    "section",
    { class: "view quality", "aria-labelledby": "quality-heading" },
    h("div", { class: "view-header" }, heading, h("div", { class: "toolbar" }, csvLink)),
    form,
    definition,
    status,
    kpis,
    h(
      "div",
      { class: "grid-2" },
      h(
        "section",
        { class: "card", "aria-labelledby": "line-heading" },
        h("h2", { id: "line-heading" }, "Rate by month"),
        lineBox,
      ),
      h(
        "section",
        { class: "card" },
        barsTitle,
        barsBox,
        h("h2", { class: "subhead" }, "Why the misses"),
        reasonsBox,
      ),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "numbers-heading" },
      h("div", { class: "card-header" }, tableTitle),
      tableBox,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "misses-heading" },
      h("div", { class: "card-header" }, missesTitle, missesCsv),
      missesNote,
      missesBox,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "pending-heading" },
      h("div", { class: "card-header" }, pendingTitle),
      h(
        "p",
        { class: "muted" },
        "Open tasks whose window is still running: not in the rate yet. Each becomes a miss if nobody reaches the patient by the window's end.",
      ),
      pendingBox,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "excluded-heading" },
      h("div", { class: "card-header" }, excludedTitle),
      h(
        "p",
        { class: "muted" },
        "Follow-up that no longer applied, closed by the hospital's messages: out of numerator and denominator. docs/measures.md has the rules.",
      ),
      excludedBox,
    ),
  );

  const contactTimes = createContactTimes(); // alert → first attempt, alert → contact, after the numbers
  tableBox.parentElement.after(contactTimes.element);

  function renderForm() {
    const measure = select(
      "q-measure",
      "measure",
      Object.fromEntries(Object.entries(MEASURES).map(([k, m]) => [k, m.label])),
      settings.measure,
    );
    const x = h("input", {
      id: "q-x",
      name: "x",
      type: "number",
      min: 0,
      max: 365,
      step: 1,
      required: true,
      value: settings.x,
      inputmode: "numeric",
    });
    const unit = select(
      "q-unit",
      "unit",
      Object.fromEntries(Object.entries(UNITS).map(([k, v]) => [k, v.charAt(0).toUpperCase() + v.slice(1)])),
      settings.unit,
    );
    const from = h("input", {
      id: "q-from",
      name: "from",
      type: "date",
      required: true,
      value: settings.from,
    });
    const to = h("input", { id: "q-to", name: "to", type: "date", required: true, value: settings.to });
    const groupBy = select("q-group", "groupBy", GROUP_BY, settings.groupBy);
    const tier = select(
      "q-tier",
      "tier",
      { "": "All tiers", I: "Priority I", II: "Priority II", III: "Priority III" },
      settings.tier,
    );
    const count = select("q-count", "count", COUNTING, settings.count);
    const population = select("q-population", "population", POPULATIONS, settings.population);
    measure.addEventListener("change", () => {
      // A new measure comes with its window and population from the protocols; the person can change them after.
      const m = MEASURES[measure.value];
      x.value = String(m.x);
      unit.value = m.unit;
      population.value = m.population;
    });
    replace(
      form,
      field("q-measure", "Measure", measure),
      field("q-x", "Within x", x),
      field("q-unit", "Unit", unit),
      field("q-from", "From", from),
      field("q-to", "To", to),
      field("q-group", "Group by", groupBy),
      field("q-tier", "Tier", tier),
      field("q-population", "Patients", population),
      field("q-count", "Count", count),
      h(
        "div",
        { class: "field field-submit" },
        h("button", { type: "submit", class: "primary" }, "Update report"),
      ),
    );
    for (const control of [measure, unit, groupBy, tier, population, count, from, to])
      control.addEventListener("change", () => form.requestSubmit());
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const data = Object.fromEntries(new FormData(form));
    if (data.from > data.to) {
      replace(status, notice("“From” must be on or before “To”.", "error"));
      return;
    }
    settings = { ...settings, ...data };
    history.replaceState(history.state, "", `/quality${query(settings)}`);
    load();
  });

  const reportParams = (extra = {}) =>
    query({
      measure: settings.measure,
      x: settings.x,
      unit: settings.unit,
      from: settings.from,
      to: settings.to,
      tier: settings.tier,
      count: settings.count,
      population: settings.population,
      ...extra,
    });

  const describe = () =>
    `${MEASURES[settings.measure].label}, within ${settings.x} ${UNITS[settings.unit]}, ${COUNTING[settings.count].toLowerCase()}`;

  /** What one line of the denominator is, and who is in it: the definition the numbers follow. */
  function renderDefinition(report) {
    const perPatient = report.counting === "patient";
    const who =
      report.population === "high-risk"
        ? `high-risk patients (${highRiskText}, on the day of the event)`
        : "all patients with a task for this measure";
    replace(
      definition,
      perPatient
        ? `Per patient: each of ${who} once in the period, counted by their first visit that was not excluded. `
        : `Per visit: each event of ${who} is one line, as HEDIS counts. `,
      "Pending and excluded lines are outside the rate.",
    );
  }

  async function load() {
    const seq = ++loadSeq;
    replace(status, notice("Loading report…"));
    contactTimes.load(settings);
    const groupBy = settings.groupBy;
    const barsBy = groupBy === "month" ? "practice" : groupBy;
    const get = (params) => api(`/api/reports/follow-up${reportParams(params)}`);
    await loadDefaults();
    const [main, months, bars, missed, alerts, care] = await Promise.allSettled([
      get({ groupBy }),
      groupBy === "month" ? null : get({ groupBy: "month" }),
      groupBy === barsBy ? null : get({ groupBy: barsBy }),
      api(`/api/reports/follow-up/misses${reportParams()}`),
      api(
        `/api/reports/alert-timeliness${query({ from: settings.from, to: settings.to, groupBy: "practice" })}`,
      ),
      api("/api/reports/care-management"),
    ]);
    if (seq !== loadSeq) return;
    if (main.status === "rejected") {
      replace(status, notice(messageOf(main.reason, "The report could not be loaded."), "error"));
      return;
    }
    replace(status);
    const report = main.value;
    const rows = report.rows ?? [];
    const monthRows =
      groupBy === "month" ? rows : months.status === "fulfilled" ? (months.value?.rows ?? []) : [];
    const barRows = groupBy === barsBy ? rows : bars.status === "fulfilled" ? (bars.value?.rows ?? []) : [];
    const { total } = report;
    renderDefinition(report);

    renderKpis(
      total,
      alerts.status === "fulfilled" ? alerts.value : null,
      care.status === "fulfilled" ? care.value : null,
    );
    disposeChart();
    disposeChart = () => {};
    drawRateByMonth(
      lineBox,
      monthRows.map((r) => ({
        month: r.groupKey ?? r.group,
        rate: rowRate(r),
        numerator: r.numerator,
        denominator: r.denominator,
      })),
      { from: settings.from, to: settings.to },
    ).then((dispose) => {
      if (seq === loadSeq) disposeChart = dispose;
      else dispose();
    });
    barsTitle.textContent = `By ${GROUP_BY[barsBy].toLowerCase()}`;
    replace(
      barsBox,
      rateBars(
        barRows.map((r) => ({
          label: r.group,
          rate: rowRate(r),
          numerator: r.numerator,
          denominator: r.denominator,
        })),
        { caption: `Rate by ${GROUP_BY[barsBy].toLowerCase()}` },
      ),
    );
    tableTitle.textContent = `Numbers by ${GROUP_BY[groupBy].toLowerCase()}`;
    replace(tableBox, numbersTable(rows, total, groupBy));
    csvLink.href = `/api/reports/follow-up${reportParams({ groupBy, format: "csv" })}`;
    missesCsv.href = `/api/reports/follow-up/misses${reportParams({ format: "csv" })}`;

    missFilter = null;
    if (missed.status === "fulfilled") {
      misses = missed.value?.misses ?? [];
      lists = { pending: missed.value?.pending ?? [], excluded: missed.value?.excluded ?? [] };
      renderMisses();
      renderReasons();
    } else {
      misses = [];
      lists = { pending: [], excluded: [] };
      replace(reasonsBox);
      replace(missesBox, notice(messageOf(missed.reason, "The misses could not be loaded."), "error"));
    }
    renderApart();
  }

  function renderKpis(total, alerts, care) {
    const rate = rowRate(total);
    const pending = total.pending ?? 0;
    const excluded = total.excluded ?? 0;
    const alertRows = alerts ? (alerts.rows ?? []) : [];
    const sent = alertRows.reduce((n, r) => n + (r.alerts ?? 0), 0);
    const inTime = alertRows.reduce((n, r) => n + (r.withinTarget ?? 0), 0);
    const careRows = care ? (care.rows ?? []) : [];
    const highRisk = careRows.reduce((n, r) => n + (r.highRiskPatients ?? 0), 0);
    const active = careRows.reduce((n, r) => n + (r.highRiskActive ?? 0), 0);
    replace(
      kpis,
      kpi("Rate", formatRate(rate), describe()),
      kpi(
        "Followed up in time",
        `${formatCount(total.numerator)} of ${formatCount(total.denominator)}`,
        settings.count === "patient"
          ? "patients: numerator of denominator"
          : "visits: numerator of denominator",
      ),
      kpi(
        "Outside the rate",
        formatCount(pending + excluded),
        `${formatCount(pending)} pending (window still running), ${formatCount(excluded)} excluded (no longer applies)`,
      ),
      kpi(
        "Median time to contact",
        formatHours(total.medianHoursToContact),
        `90th percentile ${formatHours(total.p90HoursToContact)}`,
      ),
      kpi(
        `Alerts within ${alerts?.withinMinutes ?? 15} min`,
        alerts ? formatRate(sent > 0 ? inTime / sent : null) : "—",
        alerts ? `${formatCount(inTime)} of ${formatCount(sent)} alerts, event to delivery` : "not available",
      ),
      kpi(
        "High-risk in active care",
        care ? formatRate(highRisk > 0 ? active / highRisk : null) : "—",
        care ? `${formatCount(active)} of ${formatCount(highRisk)} high-risk patients` : "not available",
      ),
    );
  }

  function numbersTable(rows, total, groupBy) {
    const columns = [
      { label: GROUP_BY[groupBy] },
      { label: "Denominator", className: "num" },
      { label: "Numerator", className: "num" },
      { label: "Rate", className: "num" },
      { label: "Median time to contact", className: "num" },
      { label: "90th percentile", className: "num" },
      { label: "Misses", className: "num" },
      { label: "Pending", className: "num" },
      { label: "Excluded", className: "num" },
    ];
    const line = (row, name, isTotal) => {
      const missCount = Math.max(0, (row.denominator ?? 0) - (row.numerator ?? 0));
      const missesCell =
        isTotal || missCount === 0
          ? formatCount(missCount)
          : h(
              "button",
              {
                type: "button",
                class: "link-button",
                "aria-label": `Show the ${missCount} misses of ${name}`,
                onclick: () => {
                  showMissesOf(groupBy, row.groupKey, name);
                  missesTitle.scrollIntoView({ behavior: "smooth", block: "start" });
                },
              },
              formatCount(missCount),
            );
      return h(
        "tr",
        { class: isTotal ? "total-row" : undefined },
        h(isTotal ? "th" : "td", isTotal ? { scope: "row" } : {}, name),
        h("td", { class: "num" }, formatCount(row.denominator)),
        h("td", { class: "num" }, formatCount(row.numerator)),
        h("td", { class: "num" }, formatRate(rowRate(row))),
        h("td", { class: "num" }, formatHours(row.medianHoursToContact)),
        h("td", { class: "num" }, formatHours(row.p90HoursToContact)),
        h("td", { class: "num" }, missesCell),
        h("td", { class: "num" }, formatCount(row.pending ?? 0)),
        h("td", { class: "num" }, formatCount(row.excluded ?? 0)),
      );
    };
    if (rows.length === 0) return h("p", { class: "empty" }, "No events for this measure in this period.");
    return table({
      caption: `${describe()}, ${settings.from} to ${settings.to}`,
      columns,
      rows: [
        ...rows.map((r) => line(r, groupBy === "month" ? formatMonth(r.group) : r.group, false)),
        line(total, "All", true),
      ],
      className: "data-table numbers-table",
    });
  }

  /**
   * Narrows the misses to one row of the numbers table: asked of the api where it takes the group
   * as a filter (practice, program, tier, month), filtered here otherwise (care manager, "none").
   */
  async function showMissesOf(groupBy, key, name) {
    const seq = loadSeq;
    const params = {};
    if (groupBy === "practice" && key) params.organizationId = key;
    else if (groupBy === "program" && key) params.program = key;
    else if (groupBy === "tier" && key) params.tier = key;
    else if (groupBy === "month" && key) {
      const [y, m] = key.split("-").map(Number);
      const first = `${key}-01`;
      const last = isoDate(new Date(y, m, 0));
      // ISO dates compare as text: the later start and the earlier end.
      params.from = [first, settings.from].sort()[1];
      params.to = [last, settings.to].sort()[0];
    }
    const field = {
      practice: "organizationId",
      care_manager: "careManagerId",
      program: "program",
      tier: "tier",
    }[groupBy];
    missFilter = { name, field, key, params };
    if (Object.keys(params).length > 0) {
      replace(missesBox, notice("Loading misses…"));
      try {
        const body = await api(`/api/reports/follow-up/misses${reportParams(params)}`);
        if (seq !== loadSeq) return;
        missFilter.rows = body?.misses ?? [];
      } catch (error) {
        replace(missesBox, notice(messageOf(error, "The misses could not be loaded."), "error"));
        return;
      }
    }
    renderMisses();
  }

  /** The misses counted by why they are misses: what to fix first. */
  function renderReasons() {
    if (misses.length === 0) {
      replace(reasonsBox, h("p", { class: "muted" }, "No misses in this period."));
      return;
    }
    const counts = new Map();
    for (const m of misses) counts.set(m.reason, (counts.get(m.reason) ?? 0) + 1);
    replace(
      reasonsBox,
      h(
        "dl",
        { class: "reasons" },
        [...counts]
          .sort((a, b) => b[1] - a[1])
          .map(([reason, n]) => [h("dt", {}, missReasonText({ reason })), h("dd", {}, formatCount(n))]),
      ),
    );
  }

  function renderMisses() {
    const shown = !missFilter
      ? misses
      : missFilter.rows
        ? missFilter.rows
        : misses.filter((m) => (m[missFilter.field] ?? null) === (missFilter.key ?? null));
    missesTitle.textContent = `Misses (${shown.length})`;
    missesCsv.href = `/api/reports/follow-up/misses${reportParams({ ...(missFilter?.params ?? {}), format: "csv" })}`;
    replace(
      missesNote,
      missFilter
        ? [
            `Showing ${missFilter.name} only. `,
            h(
              "button",
              {
                type: "button",
                class: "link-button",
                onclick: () => {
                  missFilter = null;
                  renderMisses();
                },
              },
              "Show all misses",
            ),
          ]
        : settings.count === "patient"
          ? "Patients in the denominator whose first eligible visit had no contact within the window. Open one to see what happened."
          : "Visits in the denominator without a contact within the window. Open one to see what happened.",
    );
    if (shown.length === 0) {
      replace(missesBox, h("p", { class: "empty" }, "No misses."));
      return;
    }
    const rows = shown.map((m) =>
      h(
        "tr",
        {},
        h("td", {}, h("strong", {}, m.patientName ?? "Patient"), visitsNote(m)),
        h("td", {}, m.organizationName ?? "—"),
        h("td", {}, m.careManagerName ?? "Unassigned"),
        h("td", { class: "nowrap" }, eventTime(m)),
        h("td", { class: "nowrap" }, windowEnd(m)),
        h("td", {}, missReasonText(m)),
        h(
          "td",
          { class: "actions-col" },
          h(
            "button",
            {
              type: "button",
              class: "small",
              onclick: () => (canOpenTasks ? drawer.open(m.taskId) : drawer.showMiss(m)),
            },
            "Open",
          ),
        ),
      ),
    );
    replace(
      missesBox,
      table({
        label: "Misses",
        columns: [
          { label: "Patient" },
          { label: "Practice" },
          { label: "Care manager" },
          { label: "Event" },
          { label: "Window ended" },
          { label: "Why" },
          { label: "", className: "actions-col" },
        ],
        rows,
        className: "data-table misses-table",
      }),
    );
  }

  /** The event time in the practice's zone, the zone named. */
  const eventTime = (m) => formatInZone(m.triggeredAt, m.timeZone);
  /** The window's last moment: the end of a day in the practice's zone ("Tue Feb 10 (end of day)"). */
  const windowEnd = (m) => formatDueIn(m.windowEndsAt ?? m.dueAt, m.timeZone).replace(/^due /, "");

  /** Counting patients: which of the patient's visits of the period the line is. */
  function visitsNote(line) {
    if (settings.count !== "patient" || !(line.visits > 1)) return null;
    return h("div", { class: "muted" }, `first of ${line.visits} visits`);
  }

  /** The pending and the excluded lines, each under its own heading, outside the rate. */
  function renderApart() {
    const open = (m) =>
      canOpenTasks
        ? h("button", { type: "button", class: "small", onclick: () => drawer.open(m.taskId) }, "Open")
        : null;
    const who = (m) => [
      h("td", {}, h("strong", {}, m.patientName ?? "Patient"), visitsNote(m)),
      h("td", {}, m.organizationName ?? "—"),
      h("td", {}, m.careManagerName ?? "Unassigned"),
      h("td", { class: "nowrap" }, eventTime(m)),
    ];
    pendingTitle.textContent = `Pending (${lists.pending.length})`;
    replace(
      pendingBox,
      lists.pending.length === 0
        ? h("p", { class: "empty" }, "Nothing pending: every window of the period has ended.")
        : table({
            label: "Pending",
            columns: [
              { label: "Patient" },
              { label: "Practice" },
              { label: "Care manager" },
              { label: "Event" },
              { label: "Window ends" },
              { label: "", className: "actions-col" },
            ],
            rows: lists.pending.map((m) =>
              h(
                "tr",
                {},
                who(m),
                h("td", { class: "nowrap" }, windowEnd(m)),
                h("td", { class: "actions-col" }, open(m)),
              ),
            ),
            className: "data-table pending-table",
          }),
    );
    excludedTitle.textContent = `Excluded (${lists.excluded.length})`;
    replace(
      excludedBox,
      lists.excluded.length === 0
        ? h("p", { class: "empty" }, "Nothing excluded in this period.")
        : table({
            label: "Excluded",
            columns: [
              { label: "Patient" },
              { label: "Practice" },
              { label: "Care manager" },
              { label: "Event" },
              { label: "Why excluded" },
              { label: "", className: "actions-col" },
            ],
            rows: lists.excluded.map((m) =>
              h(
                "tr",
                {},
                who(m),
                h(
                  "td",
                  {},
                  h("strong", {}, label(EXCLUSIONS, m.excludedReason) || "Excluded"),
                  m.exclusionDetail ? h("div", { class: "muted" }, m.exclusionDetail) : null,
                  m.status === "completed"
                    ? h("div", { class: "muted" }, "Follow-up was done before; it does not count either way.")
                    : null,
                ),
                h("td", { class: "actions-col" }, open(m)),
              ),
            ),
            className: "data-table excluded-table",
          }),
    );
  }

  for (const link of [csvLink, missesCsv]) {
    link.addEventListener("click", async (event) => {
      // The export needs the bearer token, which a plain link cannot carry.
      event.preventDefault();
      try {
        await download(
          link.getAttribute("href"),
          `homeward-${settings.measure}-${settings.from}-${settings.to}.csv`,
        );
      } catch (error) {
        replace(status, notice(messageOf(error, "The CSV could not be downloaded."), "error"));
      }
    });
  }

  renderForm();
  return {
    element: view,
    heading,
    /** Re-reads the settings from the address bar and loads the report. */
    async refresh() {
      await loadDefaults();
      settings = settingsFromUrl();
      renderForm();
      return load();
    },
    /** Reloads with the current settings (after a task changed). */
    reload: () => load(),
  };
}

function kpi(title, value, note) {
  return h(
    "div",
    { class: "kpi" },
    h("div", { class: "kpi-title" }, title),
    h("div", { class: "kpi-value" }, value),
    h("div", { class: "kpi-note" }, note),
  );
}
