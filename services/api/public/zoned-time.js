// A wall-clock time in a named zone (the practice's) ⇄ an instant, for datetime-local inputs: the
// browser's own zone is never used, so a care manager working from another zone (or a laptop set
// to UTC) still enters the practice's 9:15 AM. Intl only; no hand-made offsets.

const partsFormat = new Map();
function formatFor(timeZone) {
  let format = partsFormat.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsFormat.set(timeZone, format);
  }
  return format;
}

/** The wall clock at `timeZone` for an instant: { year, month, day, hour, minute, second }. */
function wallClock(date, timeZone) {
  const parts = {};
  for (const p of formatFor(timeZone).formatToParts(date))
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  return parts;
}

/** How far `timeZone`'s wall clock is ahead of UTC at an instant, in ms (−4 h in New York in summer). */
function offsetAt(date, timeZone) {
  const w = wallClock(date, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

const pad = (n) => String(n).padStart(2, "0");

/** "YYYY-MM-DDTHH:mm" (a datetime-local value) of an instant, on `timeZone`'s wall clock. */
export function toLocalInput(value, timeZone) {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  const w = wallClock(date, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/**
 * The instant a datetime-local value means on `timeZone`'s wall clock; null when the value is not a
 * time, or names a wall-clock time that does not exist there (skipped when clocks moved forward).
 * A time that happens twice (clocks moved back) is read as the first of the two.
 */
export function fromLocalInput(value, timeZone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(String(value ?? ""));
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((s) => Number(s ?? 0));
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // The offset just before and just after the guess: around a change they differ; try both, earlier first.
  const candidates = [
    asUtc - offsetAt(new Date(asUtc - offsetAt(new Date(asUtc), timeZone)), timeZone),
    asUtc - offsetAt(new Date(asUtc - 86_400_000), timeZone),
    asUtc - offsetAt(new Date(asUtc + 86_400_000), timeZone),
  ].sort((a, b) => a - b);
  for (const t of candidates) {
    const date = new Date(t);
    if (toLocalInput(date, timeZone) === `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`) return date;
  }
  return null;
}
