import type { AlertContent } from "@homeward/contracts";
import { facilityName, PAGER_LABELS, zoned } from "./event-labels.ts";

export interface PagerTextOptions {
  /** The recipient's IANA time zone: the event time and due days are shown in it. */
  timeZone: string;
  /** The carrier's limit in characters (default 160, one SMS or alphanumeric page); never exceeded. */
  maxLength?: number | undefined;
  /**
   * Put `patient.displayName` into the page. Off by default: a page shows on a lock screen and passes
   * through the carrier. The caller sets it only when the organization allows names on pages, and it
   * has effect only if the content carries a display name at all (the detail level decided that).
   */
  includeName?: boolean | undefined;
}

const DEFAULT_MAX_LENGTH = 160;
/** A facility name longer than this is cut even when the page has room: the rest of the page matters more. */
const FACILITY_MAX = 24;

/**
 * The page for one delivery, e.g. `ED ARRIVAL Mercy General Tue 14:32 Tier I. Follow-up call due Wed 11/25.
 * homeward.example/t/abc`. Short, ASCII only (pagers and SMS gateways mangle anything else), never
 * longer than `maxLength`, no patient name unless asked for, and never a birth date or an identifier.
 * When the page does not fit, the least useful parts go first: the extra task count, the monitor note,
 * the task, the risk tier, the name, the time; the event and the link stay, and the facility is
 * shortened before it goes. Only a limit too small for even that cuts the page itself.
 */
export function renderPagerText(content: AlertContent, options: PagerTextOptions): string {
  const max = Math.max(1, Math.floor(options.maxLength ?? DEFAULT_MAX_LENGTH));
  const tz = options.timeZone;
  const link = ascii(content.url.replace(/^https:\/\//i, ""));
  const head = headOf(content);
  const facility = cut(ascii(facilityName(content.facility)), FACILITY_MAX);
  const name = options.includeName === true ? ascii(content.patient?.displayName ?? "") : "";

  // Optional parts in the order they are given up, least useful first.
  const task = taskPart(content, tz);
  const optional: Part[] = [
    { key: "more", text: task.more },
    {
      key: "note",
      text: content.copy === "monitor" && content.purpose === "alert" ? "Lead org following up" : "",
    },
    { key: "task", text: task.text },
    {
      key: "tier",
      text: content.riskTier === undefined || content.purpose === "digest" ? "" : `Tier ${content.riskTier}`,
    },
    { key: "name", text: name },
    {
      key: "time",
      text: content.purpose === "digest" ? "" : zoned(content.occurredAt, tz).toFormat("ccc HH:mm"),
    },
  ].filter((p) => p.text !== "");

  const compose = (kept: ReadonlySet<string>, fac: string) => {
    const has = (key: string) => optional.find((p) => p.key === key && kept.has(key))?.text ?? "";
    const first = [head, has("name"), content.purpose === "digest" ? "" : fac, has("time"), has("tier")];
    const sentences = [
      first.filter((s) => s !== "").join(" "),
      has("note"),
      [has("task"), has("more")].filter(Boolean).join(" "),
    ];
    const ended = sentences.filter((s) => s !== "").map((s) => (s.endsWith(".") ? s : `${s}.`));
    return [...ended, link].filter((s) => s !== "").join(" ");
  };

  const kept = new Set(optional.map((p) => p.key));
  let text = compose(kept, facility);
  for (const part of optional) {
    if (text.length <= max) break;
    kept.delete(part.key);
    text = compose(kept, facility);
  }
  for (let length = facility.length - 1; text.length > max && length >= 0; length--) {
    text = compose(kept, cut(facility, length));
  }
  return text.length <= max ? text : cut(text, max);
}

interface Part {
  key: string;
  text: string;
}

function headOf(content: AlertContent): string {
  const label = PAGER_LABELS[content.eventKind];
  switch (content.purpose) {
    case "alert":
      return content.copy === "monitor" ? `FYI ${label}` : label;
    case "retraction":
      return `CORRECTION: ${content.eventKind.startsWith("cancel-") ? label : `${label} CANCELLED`}`;
    case "reminder":
      return `REMINDER ${label}`;
    case "escalation":
      return `OVERDUE ${label}`;
    case "digest": {
      const n = content.items?.length ?? 0;
      return `DIGEST ${n} ${n === 1 ? "event" : "events"}`;
    }
  }
}

/** The task due first, e.g. "Follow-up call due Wed 11/25", and how many more there are. */
function taskPart(content: AlertContent, tz: string): { text: string; more: string } {
  if (content.purpose === "retraction" || content.purpose === "digest") return { text: "", more: "" };
  const tasks = [...content.tasks].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  const first = tasks[0];
  if (first === undefined) return { text: "", more: "" };
  const verb = content.purpose === "escalation" ? "was due" : "due";
  const text = `${cut(ascii(first.title), 32)} ${verb} ${zoned(first.dueAt, tz).toFormat("ccc M/d")}`;
  return { text, more: tasks.length > 1 ? `+${tasks.length - 1} more` : "" };
}

/** Folds accents (é -> e), drops what is left outside printable ASCII, collapses white space. */
export function ascii(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, "-")
    .replace(/[^\x20-\x7e]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** At most `length` characters, marking a cut with "..." when there is room for it. */
function cut(value: string, length: number): string {
  if (value.length <= length) return value;
  if (length <= 3) return value.slice(0, length).trimEnd();
  return `${value.slice(0, length - 3).trimEnd()}...`;
}
