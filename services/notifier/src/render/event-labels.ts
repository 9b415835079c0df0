import { type AdtEventKind, type AlertContent, EVENT_KIND_LABELS } from "@homeward/contracts";
import { DateTime, IANAZone } from "luxon";

/**
 * Words for every event kind: the contracts' one table, which the dashboard's event page also shows
 * (its copy in services/api/public/format.js is held equal to it by a test), so an alert and the
 * page its link opens name the event alike.
 */
export const EVENT_LABELS: Readonly<Record<AdtEventKind, string>> = EVENT_KIND_LABELS;

/** Pager words: capitals, ASCII, short, so the page keeps room for the facility, time and link. */
export const PAGER_LABELS: Readonly<Record<AdtEventKind, string>> = {
  "ed-arrival": "ED ARRIVAL",
  "ed-discharge": "ED DISCHARGE",
  "inpatient-admit": "ADMIT",
  "ed-to-inpatient": "ADMIT FROM ED",
  "outpatient-to-inpatient": "ADMIT FROM OBS/OP",
  "inpatient-to-outpatient": "INPT TO OUTPT",
  transfer: "TRANSFER",
  discharge: "DISCHARGE",
  update: "UPDATE",
  registration: "REGISTRATION",
  "pre-admit": "PRE-ADMIT",
  "cancel-admit": "ADMIT/VISIT CANCELLED",
  "cancel-transfer": "TRANSFER CANCELLED",
  "cancel-discharge": "DISCHARGE CANCELLED",
  "cancel-pre-admit": "PRE-ADMIT CANCELLED",
  "leave-of-absence-out": "LEAVE OF ABSENCE",
  "leave-of-absence-return": "LOA RETURN",
  merge: "RECORDS MERGED",
};

/**
 * What a retraction takes back, in words. A retraction may carry the cancel event's own kind (A11
 * "cancel-admit") or the kind of the event it retracts (ed-arrival); either way the recipient reads
 * what they were told before.
 */
export function retractedLabel(kind: AdtEventKind): string {
  switch (kind) {
    case "cancel-admit":
      return "admission or visit";
    case "cancel-transfer":
      return "transfer";
    case "cancel-discharge":
      return "discharge";
    case "cancel-pre-admit":
      return "pre-admission";
    default:
      return lowerFirst(EVENT_LABELS[kind]);
  }
}

/** A label inside a sentence: "ED arrival" stays, "Inpatient admission" becomes "inpatient admission". */
export function lowerFirst(label: string): string {
  return /^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

export const RISK_TIER_LABELS: Readonly<Record<NonNullable<AlertContent["riskTier"]>, string>> = {
  I: "Priority I",
  II: "Priority II",
  III: "Priority III",
};

export const FLAG_LABELS: Readonly<Record<AlertContent["flags"][number], string>> = {
  "frequent-ed": "Frequent ED use",
  readmission: "Readmission",
};

/** The facility as the recipient knows it: its display name, else its code. */
export const facilityName = (facility: AlertContent["facility"]) => facility.name ?? facility.code;

/**
 * An instant in the recipient's time zone, in US English. Throws on a zone luxon does not know: a
 * wrong zone would print wrong times into a clinical alert, which is worse than not sending it.
 */
export function zoned(iso: string, timeZone: string): DateTime {
  if (!IANAZone.isValidZone(timeZone)) throw new RangeError(`unknown time zone ${JSON.stringify(timeZone)}`);
  const time = DateTime.fromISO(iso, { setZone: true }).setZone(timeZone).setLocale("en-US");
  if (!time.isValid) throw new RangeError(`not an ISO date-time: ${JSON.stringify(iso)}`);
  return time;
}

/** "Tue Nov 24, 2:32 PM EST": the day, the time and the zone, so no reader has to guess. */
export const formatWhen = (iso: string, timeZone: string) =>
  zoned(iso, timeZone).toFormat("ccc LLL d, h:mm a ZZZZ");
