// Charts: a uPlot line of the rate by month, and side-by-side bars of groups (plain HTML, so they
// read as text to screen readers and print). uPlot is loaded lazily: without it the numbers table
// still tells the whole story.
import { h } from "./dom.js";
import { formatCount, formatMonth, formatRate } from "./format.js";

let uPlotModule;
const loadUPlot = () => {
  uPlotModule ??= import("/vendor/uplot/uPlot.esm.js").then((m) => m.default);
  return uPlotModule;
};

/** Every month from `from` to `to` (YYYY-MM-DD), as YYYY-MM: months without events are gaps, not skipped. */
function monthsBetween(from, to) {
  const months = [];
  let [y, m] = from.split("-").map(Number);
  const [endY, endM] = to.split("-").map(Number);
  while (y < endY || (y === endY && m <= endM)) {
    months.push(`${y}-${String(m).padStart(2, "0")}`);
    m += 1;
    if (m === 13) {
      m = 1;
      y += 1;
    }
  }
  return months;
}

const shortMonth = new Intl.DateTimeFormat(undefined, { month: "short" });

/** "Jan" under the ticks, with the year on the first month and on every January. */
function tickLabel(month, index) {
  const [y, m] = month.split("-").map(Number);
  const name = shortMonth.format(new Date(y, m - 1, 1));
  return index === 0 || m === 1 ? `${name}\n${y}` : name;
}

/**
 * Draws the rate by month of the period `from`..`to` into `container` (replacing what was there);
 * `points` are `{ month: "YYYY-MM", rate (0..1 or null), numerator, denominator }`. Returns a disposer.
 */
export async function drawRateByMonth(container, points, { from, to }) {
  const byMonth = new Map(points.map((p) => [String(p.month).slice(0, 7), p]));
  const months = monthsBetween(from, to);
  const withData = months.filter((m) => byMonth.has(m));
  container.replaceChildren();
  container.setAttribute("role", "img");
  container.setAttribute(
    "aria-label",
    withData.length === 0
      ? "Rate by month: no events in this period."
      : `Rate by month: ${withData.map((m) => `${formatMonth(m)} ${formatRate(byMonth.get(m).rate)}`).join(", ")}.`,
  );
  if (withData.length === 0) {
    container.append(h("p", { class: "empty" }, "No events in this period."));
    return () => {};
  }
  let uPlot;
  try {
    uPlot = await loadUPlot();
  } catch {
    container.append(
      h("p", { class: "muted" }, "The chart could not be loaded; the table below has the numbers."),
    );
    return () => {};
  }
  const xs = months.map((_m, i) => i);
  const rates = months.map((m) => {
    const rate = byMonth.get(m)?.rate;
    return rate == null ? null : rate * 100;
  });
  const width = () => Math.max(280, container.clientWidth);
  const height = 220;
  const chart = new uPlot(
    {
      width: width(),
      height,
      padding: [12, 16, 0, 0],
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false, range: [-0.5, months.length - 0.5] }, y: { range: [0, 100] } },
      axes: [
        {
          splits: () => xs,
          values: (_u, ticks) => ticks.map((t) => (months[t] === undefined ? "" : tickLabel(months[t], t))),
          grid: { show: false },
          size: 44,
        },
        { values: (_u, ticks) => ticks.map((t) => `${t}%`), size: 50, grid: { stroke: "#e6e8eb" } },
      ],
      series: [
        {
          label: "Month",
          value: (_u, i) => (i == null || months[i] === undefined ? "—" : formatMonth(months[i])),
        },
        {
          label: "Rate",
          stroke: "#1f5fbf",
          width: 2,
          fill: "rgba(31, 95, 191, 0.08)",
          points: { show: true, size: 7, fill: "#1f5fbf" },
          spanGaps: false,
          value: (_u, v, _s, i) => {
            const p = i == null ? undefined : byMonth.get(months[i]);
            if (v == null || p === undefined) return "—";
            return `${v.toFixed(1)}% (${formatCount(p.numerator)} of ${formatCount(p.denominator)})`;
          },
        },
      ],
    },
    [xs, rates],
    container,
  );
  const observer = new ResizeObserver(() => chart.setSize({ width: width(), height }));
  observer.observe(container);
  return () => {
    observer.disconnect();
    chart.destroy();
  };
}

/** Horizontal bars, one per group, best first; each says its rate and n in words. */
export function rateBars(groups, { caption }) {
  const sorted = [...groups].sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1));
  if (sorted.length === 0) return h("p", { class: "empty" }, "No groups in this period.");
  return h(
    "ul",
    { class: "bars", "aria-label": caption },
    sorted.map((g) => {
      const pct = g.rate == null ? 0 : Math.max(0, Math.min(100, g.rate * 100));
      const fill = h("span", { class: "bar-fill" });
      fill.style.width = `${pct}%`;
      return h(
        "li",
        { class: "bar-row" },
        h("span", { class: "bar-label", title: g.label }, g.label),
        h("span", { class: "bar-track", "aria-hidden": "true" }, fill),
        h(
          "span",
          { class: "bar-value" },
          formatRate(g.rate),
          h("span", { class: "muted" }, ` ${formatCount(g.numerator)}/${formatCount(g.denominator)}`),
        ),
      );
    }),
  );
}
