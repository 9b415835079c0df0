// The program reports screen (/quality/programs): for one organization and period, enrolled
// patients with ED visits and admissions per 1,000 member-months and the 30-day readmission rate by
// month, the frequent ED patients, care-manager activity per week and alert timeliness by facility.
// Each table downloads as CSV. Definitions: docs/program-reports.md (summarized on the page).
import { api, download, query } from "./api.js";
import { drawRateByMonth } from "./charts.js";
import { h, notice, replace, table } from "./dom.js";
import { formatCount, formatDate, formatInZone, formatMonth, formatRate, isoDate } from "./format.js";
import { drawLines } from "./program-charts.js";
import { messageOf } from "./task-drawer.js";

const MONTH = /^\d{4}-\d{2}$/;
const TIERS = { I: "Priority I", II: "Priority II", III: "Priority III" };

const monthOf = (date) => isoDate(date).slice(0, 7);
/** The last day of a `YYYY-MM` month, but never after today: later days have no data yet. */
function lastDayOf(month, today = new Date()) {
  const [y, m] = month.split("-").map(Number);
  const last = isoDate(new Date(y, m, 0));
  return [last, isoDate(today)].sort()[0];
}

function defaults() {
  const today = new Date();
  return {
    organizationId: "",
    program: "",
    fromMonth: monthOf(new Date(today.getFullYear(), today.getMonth() - 11, 1)),
    toMonth: monthOf(today),
    minEdVisits: "4",
  };
}

/** The settings from the address bar (none of them names a patient), over the defaults. */
function settingsFromUrl() {
  const params = new URLSearchParams(location.search);
  const s = defaults();
  if (/^\d{1,18}$/.test(params.get("organizationId") ?? "")) s.organizationId = params.get("organizationId");
  if (params.get("program")) s.program = params.get("program").slice(0, 200);
  if (MONTH.test(params.get("from") ?? "")) s.fromMonth = params.get("from");
  if (MONTH.test(params.get("to") ?? "")) s.toMonth = params.get("to");
  if (/^\d{1,2}$/.test(params.get("minEdVisits") ?? "")) s.minEdVisits = params.get("minEdVisits");
  return s;
}

const per1000 = (v) => (v == null ? "—" : v.toFixed(1));
const minutes = (v) => (v == null ? "—" : `${v.toFixed(1)} min`);
const num = (v) => h("td", { class: "num" }, v);
const field = (id, text, control) => h("div", { class: "field" }, h("label", { for: id }, text), control);
const card = (id, title, csvButton, ...body) =>
  h(
    "section",
    { class: "card", "aria-labelledby": id },
    h("div", { class: "card-header" }, h("h2", { id }, title), csvButton),
    ...body,
  );

/** A local Date of a `YYYY-MM-DD` day (not UTC midnight, which is the day before in the Americas). */
const localDay = (day) => {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y, m - 1, d);
};

/** Every Monday from the week of `from` to the week of `to` (YYYY-MM-DD), so quiet weeks show as 0. */
function weeksBetween(from, to) {
  const day = localDay(from);
  day.setDate(day.getDate() - ((day.getDay() + 6) % 7));
  const weeks = [];
  while (isoDate(day) <= to) {
    weeks.push(isoDate(day));
    day.setDate(day.getDate() + 7);
  }
  return weeks;
}

const shortDay = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const weekLabel = (monday) => `Week of ${shortDay.format(localDay(monday))}`;

/** Builds the screen; `canOpenPatients`: the viewer's role opens patient pages (not quality staff). */
export function createProgramReports({ canOpenPatients }) {
  let settings = settingsFromUrl();
  let organizations = null;
  let programs = [];
  let loadSeq = 0;
  let disposers = [];

  const heading = h("h1", { id: "programs-heading", tabindex: -1 }, "Program reports");
  const subtitle = h(
    "p",
    { class: "view-subtitle" },
    "Hospital use of enrolled patients and the care team's work, from what Homeward routed to your organization.",
  );
  const form = h("form", { class: "report-form program-form", "aria-label": "Report settings" });
  const status = h("div", { class: "report-status" });
  const periodNote = h("p", { class: "muted period-note" });
  const kpis = h("div", { class: "kpis" });
  const useChart = h("div", { class: "chart", id: "use-by-month" });
  const readmitChart = h("div", { class: "chart", id: "readmissions-by-month" });
  const monthsBox = h("div", { class: "table-box" });
  const frequentNote = h("p", { class: "muted" });
  const frequentBox = h("div", { class: "table-box" });
  const activityChart = h("div", { class: "chart", id: "activity-by-week" });
  const activityBox = h("div", { class: "table-box" });
  const timelinessBox = h("div", { class: "table-box" });

  const csvButton = (label, path, extra = {}) =>
    h(
      "button",
      {
        type: "button",
        class: "small",
        onclick: async () => {
          try {
            await download(`${path}${params({ ...extra, format: "csv" })}`, `${label}.csv`);
          } catch (error) {
            replace(status, notice(messageOf(error, "The CSV could not be downloaded."), "error"));
          }
        },
      },
      `Download ${label} CSV`,
    );

  const view = h(
    "section",
    { class: "view quality program-reports", "aria-labelledby": "programs-heading" },
    h("div", { class: "view-header" }, h("div", {}, heading, subtitle)),
    form,
    status,
    periodNote,
    kpis,
    h(
      "div",
      { class: "grid-2 even" },
      card("use-heading", "ED visits and admissions per 1,000 member-months", null, useChart),
      card("readmit-heading", "30-day readmission rate", null, readmitChart),
    ),
    card("months-heading", "By month", csvButton("by-month", "/api/reports/program"), monthsBox),
    card(
      "frequent-heading",
      "Frequent ED patients",
      csvButton("frequent-ED", "/api/reports/program/frequent-ed", {
        minEdVisits: () => settings.minEdVisits,
      }),
      frequentNote,
      frequentBox,
    ),
    card(
      "activity-heading",
      "Care-manager activity per week",
      csvButton("activity", "/api/reports/program/care-manager-activity"),
      activityChart,
      activityBox,
    ),
    card(
      "timeliness-heading",
      "Alert timeliness by facility",
      csvButton("timeliness", "/api/reports/program/alert-timeliness"),
      h(
        "p",
        { class: "muted" },
        "From the event to the first alert delivered to anyone in the organization, per event.",
      ),
      timelinessBox,
    ),
    h(
      "details",
      { class: "card definitions" },
      h("summary", {}, "How these numbers are counted"),
      h(
        "ul",
        { class: "definitions-list" },
        h(
          "li",
          {},
          "Enrolled: a care-management enrollment in force that day, active or monitor (not tracking list). A member-month is one patient enrolled for a whole month; part months count their days.",
        ),
        h(
          "li",
          {},
          "Per 1,000 = visits × 1000 ÷ member-months. ED visits and admissions count while the patient is enrolled; an ED visit that became an admission counts as both.",
        ),
        h(
          "li",
          {},
          "30-day readmission: another admission the organization was told of, up to 30 days after an inpatient discharge (any cause, any facility, planned ones included). Deaths and transfers to another hospital are not index discharges; discharges whose 30 days have not passed are pending, outside the rate.",
        ),
        h(
          "li",
          {},
          "Frequent ED: at least the chosen number of ED visits in the 12 months ending on the last day of the period.",
        ),
        h(
          "li",
          {},
          "Activity is credited to who recorded it: attempts as recorded, contacts at the time the patient was reached, completed tasks at completion. Weeks run Monday to Sunday.",
        ),
      ),
    ),
  );

  /** The report's query: the period in days, the organization and program chosen. */
  function params(extra = {}) {
    const resolved = Object.fromEntries(
      Object.entries(extra).map(([k, v]) => [k, typeof v === "function" ? v() : v]),
    );
    return query({
      from: `${settings.fromMonth}-01`,
      to: lastDayOf(settings.toMonth),
      organizationId: settings.organizationId,
      program: settings.program,
      ...resolved,
    });
  }

  // The form is built once; loading a report only refreshes the choices, so what the person is
  // typing is never replaced under their hands.
  const orgSelect = h("select", { id: "p-org", name: "organizationId" });
  const orgField = field("p-org", "Organization", orgSelect);
  const programSelect = h("select", { id: "p-program", name: "program" });
  const fromInput = h("input", { id: "p-from", name: "fromMonth", type: "month", required: true });
  const toInput = h("input", { id: "p-to", name: "toMonth", type: "month", required: true });
  const minInput = h("input", {
    id: "p-min",
    name: "minEdVisits",
    type: "number",
    min: 2,
    max: 50,
    step: 1,
    required: true,
  });
  replace(
    form,
    orgField,
    field("p-program", "Program", programSelect),
    field("p-from", "From month", fromInput),
    field("p-to", "To month", toInput),
    field("p-min", "Frequent ED: visits in 12 months", minInput),
    h(
      "div",
      { class: "field field-submit" },
      h("button", { type: "submit", class: "primary" }, "Update report"),
    ),
  );
  for (const control of [orgSelect, programSelect])
    control.addEventListener("change", () => form.requestSubmit());

  /** The organization and program choices, the current one selected. */
  function renderChoices() {
    const orgs = organizations ?? [];
    orgField.hidden = orgs.length < 2;
    replace(
      orgSelect,
      orgs.map((o) =>
        h("option", { value: o.id, selected: o.id === settings.organizationId ? true : undefined }, o.name),
      ),
    );
    const options = [...new Set([...programs, settings.program].filter(Boolean))].sort();
    replace(
      programSelect,
      h("option", { value: "" }, "All programs"),
      options.map((p) => h("option", { value: p, selected: p === settings.program ? true : undefined }, p)),
    );
  }

  /** The form shows the settings (from the address bar). */
  function renderForm() {
    fromInput.value = settings.fromMonth;
    toInput.value = settings.toMonth;
    minInput.value = settings.minEdVisits;
    renderChoices();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const data = Object.fromEntries(new FormData(form));
    if (data.fromMonth > data.toMonth) {
      replace(status, notice("“From month” must be on or before “To month”.", "error"));
      return;
    }
    settings = { ...settings, ...data };
    const address = query({
      organizationId: settings.organizationId,
      program: settings.program,
      from: settings.fromMonth,
      to: settings.toMonth,
      minEdVisits: settings.minEdVisits,
    });
    history.replaceState(history.state, "", `/quality/programs${address}`);
    load();
  });

  async function ensureOrganizations() {
    if (organizations) return;
    try {
      const me = await api("/api/me");
      organizations = Array.isArray(me?.organizations) ? me.organizations : [];
    } catch {
      organizations = [];
    }
    if (!settings.organizationId && organizations.length > 0) settings.organizationId = organizations[0].id;
  }

  async function load() {
    const seq = ++loadSeq;
    replace(status, notice("Loading report…"));
    await ensureOrganizations();
    if (seq !== loadSeq) return;
    const [program, frequent, activity, timeliness] = await Promise.allSettled([
      api(`/api/reports/program${params()}`),
      api(`/api/reports/program/frequent-ed${params({ minEdVisits: settings.minEdVisits })}`),
      api(`/api/reports/program/care-manager-activity${params()}`),
      api(`/api/reports/program/alert-timeliness${params()}`),
    ]);
    if (seq !== loadSeq) return;
    for (const dispose of disposers) dispose();
    disposers = [];
    if (program.status === "rejected") {
      replace(status, notice(messageOf(program.reason, "The report could not be loaded."), "error"));
      return;
    }
    replace(status);
    programs = program.value.programs ?? [];
    renderChoices();
    const rows = program.value.rows ?? [];
    const months = rows.filter((r) => r.level === "month");
    const period = rows.find((r) => r.level === "period");
    renderKpis(period, frequent.status === "fulfilled" ? frequent.value : null);
    renderUseCharts(months, seq);
    replace(monthsBox, monthsTable(months, period));
    const organization = (organizations ?? []).find((o) => o.id === settings.organizationId);
    replace(
      periodNote,
      [
        `${formatDate(`${settings.fromMonth}-01`)} to ${formatDate(lastDayOf(settings.toMonth))}`,
        settings.program || "all programs",
        organization?.name,
      ]
        .filter(Boolean)
        .join(" · "),
    );
    const failed = (result, what) =>
      notice(messageOf(result.reason, `${what} could not be loaded.`), "error");
    if (frequent.status === "fulfilled") renderFrequent(frequent.value);
    else replace(frequentBox, failed(frequent, "The frequent ED patients"));
    if (activity.status === "fulfilled") renderActivity(activity.value.rows ?? [], seq);
    else replace(activityBox, failed(activity, "The activity"));
    if (timeliness.status === "fulfilled") replace(timelinessBox, timelinessTable(timeliness.value));
    else replace(timelinessBox, failed(timeliness, "Alert timeliness"));
  }

  const keep = (seq) => (dispose) => {
    if (seq === loadSeq) disposers.push(dispose);
    else dispose();
  };

  function renderKpis(period, frequent) {
    if (!period) {
      replace(kpis, kpi("Enrolled patients", "—", "nobody enrolled in this period"));
      return;
    }
    replace(
      kpis,
      kpi(
        "Enrolled patients",
        formatCount(period.enrolledAtEnd),
        `${period.enrolledAverage.toFixed(1)} on average; ${period.memberMonths} member-months`,
      ),
      kpi(
        "ED visits per 1,000",
        per1000(period.edVisitsPer1000),
        `${formatCount(period.edVisits)} ED visits`,
      ),
      kpi(
        "Admissions per 1,000",
        per1000(period.admissionsPer1000),
        `${formatCount(period.admissions)} admissions`,
      ),
      kpi(
        "30-day readmissions",
        formatRate(period.readmissionRate),
        `${formatCount(period.readmissions)} of ${formatCount(period.indexDischarges)} discharges` +
          (period.pendingDischarges > 0 ? `; ${formatCount(period.pendingDischarges)} pending` : ""),
      ),
      kpi(
        "Frequent ED patients",
        frequent ? formatCount(frequent.count) : "—",
        frequent ? `${frequent.minEdVisits}+ ED visits in 12 months` : "not available",
      ),
    );
  }

  function renderUseCharts(months, seq) {
    const steps = months.map((m, i) => ({
      label: formatMonth(m.month),
      tick:
        i === 0 || m.month.endsWith("-01")
          ? formatMonth(m.month).replace(" ", "\n")
          : formatMonth(m.month).split(" ")[0],
    }));
    drawLines(useChart, {
      steps,
      stepName: "Month",
      caption: "ED visits and admissions per 1,000 member-months by month",
      empty: "Nobody enrolled in this period.",
      series: [
        { label: "ED visits per 1,000", values: months.map((m) => m.edVisitsPer1000), format: per1000 },
        { label: "Admissions per 1,000", values: months.map((m) => m.admissionsPer1000), format: per1000 },
      ],
    }).then(keep(seq));
    drawRateByMonth(
      readmitChart,
      months
        .filter((m) => m.indexDischarges > 0)
        .map((m) => ({
          month: m.month,
          rate: m.readmissionRate,
          numerator: m.readmissions,
          denominator: m.indexDischarges,
        })),
      { from: `${settings.fromMonth}-01`, to: lastDayOf(settings.toMonth) },
    ).then(keep(seq));
  }

  function monthsTable(months, period) {
    if (months.length === 0)
      return h("p", { class: "empty" }, "No months with enrolled patients in this period.");
    const line = (r, name, isTotal) =>
      h(
        "tr",
        { class: isTotal ? "total-row" : undefined },
        h(isTotal ? "th" : "td", isTotal ? { scope: "row", class: "nowrap" } : { class: "nowrap" }, name),
        num(r.enrolledAverage.toFixed(1)),
        num(r.memberMonths.toFixed(2)),
        num(formatCount(r.edVisits)),
        num(per1000(r.edVisitsPer1000)),
        num(formatCount(r.admissions)),
        num(per1000(r.admissionsPer1000)),
        num(formatCount(r.indexDischarges)),
        num(formatCount(r.readmissions)),
        num(formatRate(r.readmissionRate)),
        num(formatCount(r.pendingDischarges)),
      );
    const daysIn = (month) => localDay(lastDayOf(month, new Date(9999, 0, 1))).getDate();
    const partial = (r) => (r.daysCovered < daysIn(r.month) ? " (part)" : "");
    const rowsTable = table({
      label: "Utilization by month",
      columns: [
        { label: "Month" },
        { label: "Enrolled (avg)", className: "num" },
        { label: "Member-months", className: "num" },
        { label: "ED visits", className: "num" },
        { label: "ED per 1,000", className: "num" },
        { label: "Admissions", className: "num" },
        { label: "Admissions per 1,000", className: "num" },
        { label: "Discharges", className: "num" },
        { label: "Readmitted", className: "num" },
        { label: "Rate", className: "num" },
        { label: "Pending", className: "num" },
      ],
      rows: [
        ...months.map((m) => line(m, `${formatMonth(m.month)}${partial(m)}`, false)),
        ...(period ? [line(period, "Period", true)] : []),
      ],
      className: "data-table numbers-table",
    });
    return [
      rowsTable,
      h(
        "p",
        { class: "muted table-note" },
        "Discharges: inpatient discharges whose 30 days have passed (deaths and transfers to another hospital left out). " +
          "Pending: discharges less than 30 days ago, outside the rate until their 30 days pass. " +
          "A part month counts only its days in the period.",
      ),
    ];
  }

  function renderFrequent(report) {
    replace(
      frequentNote,
      `Patients with ${report.minEdVisits} or more ED visits from ${formatDate(report.windowFrom)} to ${formatDate(report.windowTo)}. ` +
        "Names are shown so the team can follow up; opening this list is recorded in the access log.",
    );
    if (report.patients.length === 0) {
      replace(
        frequentBox,
        h("p", { class: "empty" }, "No patient has that many ED visits in the 12 months."),
      );
      return;
    }
    replace(
      frequentBox,
      table({
        label: "Frequent ED patients",
        columns: [
          { label: "Patient" },
          { label: "ED visits", className: "num" },
          { label: "Facilities", className: "num" },
          { label: "Last ED visit" },
          { label: "Enrollment" },
          { label: "Flagged on alerts" },
        ],
        rows: report.patients.map((p) =>
          h(
            "tr",
            {},
            h(
              "th",
              { scope: "row" },
              canOpenPatients
                ? h(
                    "a",
                    { href: `/patients/${encodeURIComponent(p.patientId)}`, "data-route": "" },
                    p.patientName ?? "Patient",
                  )
                : h("strong", {}, p.patientName ?? "Patient"),
            ),
            num(formatCount(p.edVisits)),
            num(formatCount(p.facilities)),
            h(
              "td",
              {},
              `${formatInZone(p.lastEdVisitAt, p.lastFacilityTimeZone ?? undefined)}, ${p.lastFacility}`,
            ),
            h("td", {}, p.program ? `${p.program}${p.tier ? ` · ${TIERS[p.tier]}` : ""}` : "Not enrolled"),
            h("td", {}, p.flaggedByMatcher ? "Yes" : "No"),
          ),
        ),
        className: "data-table",
      }),
    );
  }

  function renderActivity(rows, seq) {
    const weeks = weeksBetween(`${settings.fromMonth}-01`, lastDayOf(settings.toMonth));
    const byWeek = new Map(weeks.map((w) => [w, { attempts: 0, contacts: 0, completedTasks: 0 }]));
    const byPerson = new Map();
    for (const r of rows) {
      const week = byWeek.get(r.weekStart);
      const person = byPerson.get(r.careManagerKey) ?? {
        name: r.careManager,
        attempts: 0,
        contacts: 0,
        completedTasks: 0,
        weeks: 0,
      };
      for (const key of ["attempts", "contacts", "completedTasks"]) {
        if (week) week[key] += r[key];
        person[key] += r[key];
      }
      person.weeks += 1;
      byPerson.set(r.careManagerKey, person);
    }
    const totals = weeks.map((w) => byWeek.get(w));
    drawLines(activityChart, {
      steps: weeks.map((w) => ({ label: weekLabel(w), tick: shortDay.format(localDay(w)) })),
      stepName: "Week",
      caption: "Attempts, contacts and completed tasks per week, all care managers",
      empty: "No attempts, contacts or completed tasks in this period.",
      series: [
        { label: "Attempts", values: totals.map((t) => t.attempts), format: formatCount },
        { label: "Contacts", values: totals.map((t) => t.contacts), format: formatCount, dash: [6, 4] },
        { label: "Completed tasks", values: totals.map((t) => t.completedTasks), format: formatCount },
      ],
    }).then(keep(seq));
    if (rows.length === 0) {
      replace(activityBox);
      return;
    }
    const people = [...byPerson.values()].sort((a, b) => a.name.localeCompare(b.name));
    replace(
      activityBox,
      table({
        label: "Activity per care manager",
        columns: [
          { label: "Care manager" },
          { label: "Attempts", className: "num" },
          { label: "Contacts", className: "num" },
          { label: "Completed tasks", className: "num" },
          { label: "Weeks with activity", className: "num" },
        ],
        rows: people.map((p) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, p.name),
            num(formatCount(p.attempts)),
            num(formatCount(p.contacts)),
            num(formatCount(p.completedTasks)),
            num(formatCount(p.weeks)),
          ),
        ),
        className: "data-table",
      }),
      h(
        "details",
        { class: "week-detail" },
        h("summary", {}, "Week by week"),
        table({
          label: "Activity per care manager per week",
          columns: [
            { label: "Week" },
            { label: "Care manager" },
            { label: "Attempts", className: "num" },
            { label: "Contacts", className: "num" },
            { label: "Completed tasks", className: "num" },
          ],
          rows: rows.map((r) =>
            h(
              "tr",
              {},
              h("td", { class: "nowrap" }, weekLabel(r.weekStart)),
              h("td", {}, r.careManager),
              num(formatCount(r.attempts)),
              num(formatCount(r.contacts)),
              num(formatCount(r.completedTasks)),
            ),
          ),
          className: "data-table compact",
        }),
      ),
    );
  }

  function timelinessTable(report) {
    if (report.rows.length === 0)
      return h("p", { class: "empty" }, "No alerts were planned for events in this period.");
    return table({
      label: "Alert timeliness by facility",
      columns: [
        { label: "Facility" },
        { label: "Events", className: "num" },
        { label: "Alerted", className: "num" },
        { label: "Median", className: "num" },
        { label: "90th percentile", className: "num" },
        { label: `Within ${report.withinMinutes} min`, className: "num" },
      ],
      rows: report.rows.map((r) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, r.facilityName),
          num(formatCount(r.events)),
          num(formatCount(r.alerted)),
          num(minutes(r.medianMinutes)),
          num(minutes(r.p90Minutes)),
          num(`${formatRate(r.withinTargetRate)} (${formatCount(r.withinTarget)})`),
        ),
      ),
      className: "data-table",
    });
  }

  renderForm();
  return {
    element: view,
    heading,
    /** Re-reads the settings from the address bar and loads the reports. */
    show() {
      settings = settingsFromUrl();
      if (!settings.organizationId && organizations?.[0]) settings.organizationId = organizations[0].id;
      renderForm();
      load();
      return "Program reports";
    },
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
