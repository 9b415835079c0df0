// The quality page's "alert to contact" card: how soon after the alert the care team tried to reach
// the patient, and reached them (median and 90th percentile), per group, for the measure's tasks of
// the period and population (GET /api/reports/contact-times). Mounted by quality.js, which hands it
// the page's settings.
import { api, download, query } from "./api.js";
import { h, notice, replace, table } from "./dom.js";
import { formatCount, formatHours, formatMonth } from "./format.js";
import { messageOf } from "./task-drawer.js";

const GROUP_LABELS = {
  practice: "Practice",
  care_manager: "Care manager",
  program: "Program",
  tier: "Risk tier",
  month: "Month",
};

/** Builds the card; `load(settings)` (the quality page's measure, period, tier and grouping) fills it. */
export function createContactTimes() {
  const box = h("div", { class: "table-box" });
  const note = h("p", { class: "muted" });
  const csv = h("a", { class: "button-link", href: "#", download: "" }, "Download CSV");
  const element = h(
    "section",
    { class: "card contact-times", "aria-labelledby": "contact-times-heading" },
    h("div", { class: "card-header" }, h("h2", { id: "contact-times-heading" }, "Alert to contact"), csv),
    h(
      "p",
      { class: "muted" },
      "From the first alert sent to the practice to the first attempt to reach the patient, and to " +
        "reaching them (the time entered by the care team, not when the task was closed).",
    ),
    box,
    note,
  );
  let seq = 0;
  let fileName = "contact-times.csv";

  csv.addEventListener("click", async (event) => {
    // The export needs the bearer token, which a plain link cannot carry.
    event.preventDefault();
    try {
      await download(csv.getAttribute("href"), fileName);
    } catch (error) {
      replace(note, notice(messageOf(error, "The CSV could not be downloaded."), "error"));
    }
  });

  async function load(settings) {
    const mine = ++seq;
    const params = {
      measure: settings.measure,
      from: settings.from,
      to: settings.to,
      tier: settings.tier,
      population: settings.population,
      groupBy: settings.groupBy,
    };
    csv.href = `/api/reports/contact-times${query({ ...params, format: "csv" })}`;
    fileName = `homeward-contact-times-${settings.from}-${settings.to}.csv`;
    replace(box, notice("Loading…"));
    replace(note);
    try {
      const report = await api(`/api/reports/contact-times${query(params)}`);
      if (mine !== seq) return;
      render(report, settings);
    } catch (error) {
      if (mine !== seq) return;
      replace(box, notice(messageOf(error, "The contact times could not be loaded."), "error"));
    }
  }

  function render(report, settings) {
    const rows = report?.rows ?? [];
    const total = report?.total;
    if (!total || total.tasks === 0) {
      replace(box, h("p", { class: "empty" }, "No tasks for this measure in this period."));
      return;
    }
    const groupBy = settings.groupBy;
    const line = (row, name, isTotal) =>
      h(
        "tr",
        { class: isTotal ? "total-row" : undefined },
        h(isTotal ? "th" : "td", isTotal ? { scope: "row" } : {}, name),
        h("td", { class: "num" }, formatCount(row.tasks)),
        h("td", { class: "num" }, formatCount(row.attempted)),
        h("td", { class: "num" }, formatHours(row.medianHoursToFirstAttempt)),
        h("td", { class: "num" }, formatHours(row.p90HoursToFirstAttempt)),
        h("td", { class: "num" }, formatCount(row.contacted)),
        h("td", { class: "num" }, formatHours(row.medianHoursToContact)),
        h("td", { class: "num" }, formatHours(row.p90HoursToContact)),
      );
    replace(
      box,
      table({
        caption: `Hours from the alert, ${report.population === "all" ? "all patients" : "high-risk patients"}, ${settings.from} to ${settings.to}`,
        columns: [
          { label: GROUP_LABELS[groupBy] ?? "Group" },
          { label: "Tasks", className: "num" },
          { label: "Attempted", className: "num" },
          { label: "Median to first attempt", className: "num" },
          { label: "90th percentile", className: "num" },
          { label: "Reached", className: "num" },
          { label: "Median to contact", className: "num" },
          { label: "90th percentile", className: "num" },
        ],
        rows: [
          ...rows.map((r) => line(r, groupBy === "month" ? formatMonth(r.group) : r.group, false)),
          line(total, "All", true),
        ],
        className: "data-table numbers-table",
      }),
    );
    replace(
      note,
      total.timedFromTaskOpening > 0
        ? `${formatCount(total.timedFromTaskOpening)} of ${formatCount(total.tasks)} tasks had no alert sent ` +
            "(held or failed): timed from when the task opened."
        : "",
    );
  }

  return { element, load };
}
