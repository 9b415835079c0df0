import type { AdtEventKind } from "./adt-event.ts";

/**
 * Words for every event kind, in care-transition language rather than HL7 trigger codes: the one
 * table the alert emails (notifier) and the dashboard (services/api/public/format.js, which has no
 * build step and keeps a copy that a test holds equal to this) both speak, so the page an alert's
 * link opens names the event as the alert did. A Record over the enum: a new kind fails the build
 * here until it has its words.
 */
export const EVENT_KIND_LABELS: Readonly<Record<AdtEventKind, string>> = {
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
