// Words and numbers as care managers and quality staff say them.

// The contracts' EVENT_KIND_LABELS (packages/contracts/src/event-kind-labels.ts), which the alert
// emails use: copied here because the dashboard has no build step; a test holds the two equal.
export const EVENT_KINDS = {
  "ed-arrival": "ED arrival",
  "ed-discharge": "ED discharge",
  "inpatient-admit": "Inpatient admission",
  "ed-to-inpatient": "Admission from the ED",
  "outpatient-to-inpatient": "Admission from outpatient or observation",
  "inpatient-to-outpatient": "Change from inpatient to outpatient",
  transfer: "Transfer",
  discharge: "Inpatient discharge",
  update: "Visit or patient update",
  registration: "Outpatient registration",
  "pre-admit": "Pre-admission",
  "cancel-admit": "Cancelled admission or visit",
  "cancel-transfer": "Cancelled transfer",
  "cancel-discharge": "Cancelled discharge",
  "cancel-pre-admit": "Cancelled pre-admission",
  "leave-of-absence-out": "Leave of absence",
  "leave-of-absence-return": "Return from leave of absence",
  merge: "Patient records merged",
};

export const OUTCOMES = {
  reached_patient: "Reached patient",
  left_message: "Left message",
  unable_to_reach: "Unable to reach",
  declined: "Declined",
  not_needed: "Not needed",
};

export const STATUSES = {
  open: "Open",
  in_progress: "In progress",
  completed: "Completed",
  cancelled: "Cancelled",
};

export const ROLES = {
  care_manager: "Care manager",
  practice_admin: "Practice admin",
  quality: "Quality",
  system_admin: "System admin",
  interface_analyst: "Interface analyst",
};

export const label = (table, value) => (value == null ? "" : (table[value] ?? String(value)));

const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

const toDate = (value) => {
  if (value == null || value === "") return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
};

/** A calendar date (YYYY-MM-DD from the API, e.g. a birth date) without shifting it by the time zone. */
export const formatDate = (value) => {
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split("-").map(Number);
    return dateOnly.format(new Date(y, m - 1, d));
  }
  const date = toDate(value);
  return date ? dateOnly.format(date) : "—";
};

/** "2 days overdue", "5 hours overdue"; empty when not overdue. */
export function overdueBy(value, now = new Date()) {
  const date = toDate(value);
  if (!date || date >= now) return "";
  const hours = (now.getTime() - date.getTime()) / 3_600_000;
  if (hours < 1) return "Overdue";
  if (hours < 48) {
    const n = Math.floor(hours);
    return `${n} hour${n === 1 ? "" : "s"} overdue`;
  }
  const days = Math.floor(hours / 24);
  return `${days} days overdue`;
}

export const isOpen = (task) => task.status === "open" || task.status === "in_progress";
export const isOverdue = (task, now = new Date()) => isOpen(task) && toDate(task.dueAt) < now;

/** A rate as a percentage with one decimal, "—" when there is no denominator. */
export function formatRate(rate) {
  if (rate == null || Number.isNaN(rate)) return "—";
  return `${(rate * 100).toFixed(1)}%`;
}

export function formatHours(hours) {
  if (hours == null || Number.isNaN(Number(hours))) return "—";
  const n = Number(hours);
  return n >= 48 ? `${(n / 24).toFixed(1)} d` : `${n.toFixed(1)} h`;
}

export const formatCount = (n) => (n == null ? "—" : new Intl.NumberFormat().format(n));

/** YYYY-MM-DD of a local date. */
export function isoDate(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "2025-03" → "Mar 2025". */
export function formatMonth(value) {
  const match = /^(\d{4})-(\d{2})/.exec(String(value));
  if (!match) return String(value);
  return new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric" }).format(
    new Date(Number(match[1]), Number(match[2]) - 1, 1),
  );
}

const zoned = new Map();
/** An Intl formatter per (zone, options), kept: pages format hundreds of rows. */
function zonedFormat(timeZone, options) {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let format = zoned.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat("en-US", { ...options, timeZone });
    } catch {
      // An unknown zone name: the viewer's own zone, still named by the short zone name.
      format = new Intl.DateTimeFormat("en-US", options);
    }
    zoned.set(key, format);
  }
  return format;
}

const DAY = { weekday: "short", month: "short", day: "numeric" };
const CLOCK = { hour: "numeric", minute: "2-digit", timeZoneName: "short" };

/** "Tue Dec 8" in `timeZone` (the year only when it is not this year). */
export function formatDayIn(value, timeZone, now = new Date()) {
  const date = toDate(value);
  if (!date) return "—";
  const year = zonedFormat(timeZone, { year: "numeric" });
  const options = year.format(date) === year.format(now) ? DAY : { ...DAY, year: "numeric" };
  return zonedFormat(timeZone, options).format(date).replace(",", "");
}

/**
 * A moment as people at `timeZone` read it, with the zone named: "Sat Dec 5, 7:30 PM CST". Event
 * times use the facility's zone, due times the practice's; never a bare UTC clock time.
 */
export function formatInZone(value, timeZone, now = new Date()) {
  const date = toDate(value);
  if (!date) return "—";
  return `${formatDayIn(date, timeZone, now)}, ${zonedFormat(timeZone, CLOCK).format(date)}`;
}

/**
 * A due moment in the practice's zone: "due Tue Dec 8 (end of day)" when it is the end of that day
 * there (how protocols set deadlines), else "due Tue Dec 8, 5:00 PM EST".
 */
export function formatDueIn(value, timeZone, now = new Date()) {
  const date = toDate(value);
  if (!date) return "—";
  const clock = zonedFormat(timeZone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(date);
  if (clock === "23:59") return `due ${formatDayIn(date, timeZone, now)} (end of day)`;
  return `due ${formatInZone(date, timeZone, now)}`;
}

const updatedClock = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });
const updatedZone = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" });

/** "Updated 7:12 AM EST": when a list was loaded, on the viewer's own clock, the zone named. */
export function updatedAt(now = new Date()) {
  const zone = updatedZone.formatToParts(now).find((p) => p.type === "timeZoneName")?.value;
  return `Updated ${updatedClock.format(now)}${zone ? ` ${zone}` : ""}`;
}
