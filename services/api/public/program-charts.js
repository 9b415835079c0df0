// A line chart of a few series over labelled steps (months, weeks) for the program reports, drawn
// with uPlot (loaded lazily, as charts.js does). The container's aria-label says every number, so a
// screen reader (and a test) reads the chart as text; the tables beside it hold the same numbers.
import { h } from "./dom.js";

let uPlotModule;
const loadUPlot = () => {
  uPlotModule ??= import("/vendor/uplot/uPlot.esm.js").then((m) => m.default);
  return uPlotModule;
};

/** Colours people can tell apart (and in greyscale): blue, orange, green. */
export const SERIES_COLOURS = ["#1f5fbf", "#c25e00", "#2e7d32"];

/**
 * Draws `series` ({ label, values: (number|null)[], format(v), dash? }) over `steps` ({ label, tick }), named
 * `stepName` in the legend ("Month"),
 * into `container`, replacing what was there. Returns a disposer. `empty` is said when no series
 * has a number.
 */
export async function drawLines(
  container,
  { steps, stepName, series, caption, empty, yFormat = (v) => String(v) },
) {
  container.replaceChildren();
  container.setAttribute("role", "img");
  const hasData = series.some((s) => s.values.some((v) => v != null));
  container.setAttribute(
    "aria-label",
    hasData
      ? `${caption}: ${series
          .map(
            (s) =>
              `${s.label} ${steps.map((step, i) => `${step.label} ${s.format(s.values[i])}`).join(", ")}`,
          )
          .join("; ")}.`
      : `${caption}: ${empty}`,
  );
  if (!hasData) {
    container.append(h("p", { class: "empty" }, empty));
    return () => {};
  }
  let uPlot;
  try {
    uPlot = await loadUPlot();
  } catch {
    container.append(h("p", { class: "muted" }, "The chart could not be loaded; the table has the numbers."));
    return () => {};
  }
  const xs = steps.map((_s, i) => i);
  // Label about eight ticks at most, so weeks do not run into each other.
  const every = Math.max(1, Math.ceil(steps.length / 8));
  const width = () => Math.max(280, container.clientWidth);
  const height = 220;
  const chart = new uPlot(
    {
      width: width(),
      height,
      padding: [12, 16, 0, 0],
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false, range: [-0.5, steps.length - 0.5] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] },
      },
      axes: [
        {
          splits: () => xs.filter((i) => i % every === 0),
          values: (_u, ticks) => ticks.map((t) => steps[t]?.tick ?? ""),
          grid: { show: false },
          size: 44,
        },
        { values: (_u, ticks) => ticks.map(yFormat), size: 56, grid: { stroke: "#e6e8eb" } },
      ],
      series: [
        { label: stepName, value: (_u, i) => (i == null ? "—" : (steps[i]?.label ?? "—")) },
        ...series.map((s, n) => ({
          label: s.label,
          stroke: SERIES_COLOURS[n % SERIES_COLOURS.length],
          width: 2,
          ...(s.dash ? { dash: s.dash } : {}),
          points: { show: true, size: 6, fill: SERIES_COLOURS[n % SERIES_COLOURS.length] },
          spanGaps: false,
          value: (_u, v) => s.format(v),
        })),
      ],
    },
    [xs, ...series.map((s) => s.values)],
    container,
  );
  const observer = new ResizeObserver(() => chart.setSize({ width: width(), height }));
  observer.observe(container);
  return () => {
    observer.disconnect();
    chart.destroy();
  };
}
