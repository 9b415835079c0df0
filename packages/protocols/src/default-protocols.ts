import {
  COMMUNITY_DISCHARGE_DISPOSITIONS,
  TRANSFER_DISCHARGE_DISPOSITIONS,
} from "./discharge-dispositions.ts";
import type { ProtocolsFile } from "./protocol.ts";
import type { Escalation, Reminder } from "./protocol-step.ts";

/** 9 am on the last business day on or before the due day: the "due today" nudge. */
const MORNING_OF_DUE_DAY: Reminder = { type: "business-day-at", at: "09:00", businessDaysBeforeDue: 0 };
const morningBusinessDaysBefore = (days: number): Reminder => ({
  type: "business-day-at",
  at: "09:00",
  businessDaysBeforeDue: days,
});

/** Overdue: the supervisor hears of it at 9 am on the next business day (not at midnight). */
const SUPERVISOR_NEXT_MORNING: Escalation = {
  after: { type: "business-day-at", at: "09:00", businessDaysAfterDue: 1 },
  role: "supervisor",
  channel: "email",
};

/** The kinds that start an inpatient stay (observation stays included: see tracking-list-admission). */
const ADMISSION_KINDS = ["inpatient-admit", "ed-to-inpatient", "outpatient-to-inpatient"] as const;

/** An ED visit that turns into an admission on the same encounter no longer needs the ED follow-up. */
const ED_VISIT_BECAME_ADMISSION = ["ed-to-inpatient", "inpatient-admit"] as const;

const ED_TRIGGER = {
  eventKinds: ["ed-arrival", "ed-discharge"],
  includeObservationStays: false,
  // An ED discharge to another hospital, a SNF or the morgue opens no follow-up call; arrivals carry
  // no PV1-36 and match.
  dischargeDispositions: [...COMMUNITY_DISCHARGE_DISPOSITIONS],
  whenDispositionMissing: "match",
} satisfies ProtocolsFile["protocols"][number]["trigger"];

/**
 * The clinical rules of the design brief as protocols; deployments start from these and tune them
 * per program. Day counts follow the measures: "within n days" means the day after the event is day 1.
 */
export const DEFAULT_PROTOCOLS: ProtocolsFile = {
  schemaVersion: 1,
  protocols: [
    {
      protocolId: "ed-follow-up",
      title: "ED visit: follow-up call",
      enabled: true,
      programs: "all",
      population: "enrolled",
      // Tracking-list patients declined care management: the plan follows their claims instead.
      enrollmentStatuses: ["active", "monitor"],
      trigger: ED_TRIGGER,
      steps: [
        {
          stepId: "follow-up-call",
          taskType: "follow-up-call",
          title: "Follow-up call after ED visit",
          due: { type: "business-days", days: 2, indexDayCounts: false },
          reminders: [MORNING_OF_DUE_DAY],
          escalation: SUPERVISOR_NEXT_MORNING,
        },
      ],
      cancelledBy: [...ED_VISIT_BECAME_ADMISSION],
      // HEDIS excludes "ED visits that result in an inpatient stay": admitted the day of the visit or
      // the next (any visit number), transferred on, or died; a visit that ended against advice counts.
      exclusions: {
        admittedWithinDays: 1,
        transferDispositions: [...TRANSFER_DISCHARGE_DISPOSITIONS],
        leftAgainstAdvice: "count",
      },
    },
    {
      // HEDIS FMC (Follow-Up After ED Visit for People With Multiple High-Risk Chronic Conditions):
      // "a follow-up service within 7 days after the ED visit (8 total days)". A follow-up on the day
      // of the visit counts, and the window runs to visit date + 7: so the visit day is day 0, not day
      // 1 (indexDayCounts: false). Off by default: a program that reports FMC turns it on, usually
      // instead of ed-follow-up, so one ED visit does not open two calls. NCQA also excludes ED visits
      // followed by an admission, hence the same cancelledBy.
      protocolId: "ed-follow-up-fmc",
      title: "ED visit: follow-up within 7 days (HEDIS FMC)",
      enabled: false,
      programs: "all",
      population: "enrolled",
      enrollmentStatuses: ["active", "monitor"],
      trigger: ED_TRIGGER,
      steps: [
        {
          stepId: "follow-up-7-days",
          taskType: "follow-up-call",
          title: "Follow-up within 7 days of ED visit",
          due: { type: "calendar-days", days: 7, indexDayCounts: false },
          reminders: [morningBusinessDaysBefore(2), MORNING_OF_DUE_DAY],
          escalation: SUPERVISOR_NEXT_MORNING,
        },
      ],
      cancelledBy: [...ED_VISIT_BECAME_ADMISSION],
      // FMC: "ED visits followed by an admission to an acute or nonacute inpatient care setting on the
      // date of the ED visit or within the 7 days after" are excluded; AMA is not an exclusion.
      exclusions: {
        admittedWithinDays: 7,
        transferDispositions: [...TRANSFER_DISCHARGE_DISPOSITIONS],
        leftAgainstAdvice: "count",
      },
    },
    {
      // CMS transitional care management (CPT 99495/99496): interactive contact "within 2 business
      // days following discharge"; face-to-face within 7 calendar days for high-complexity medical
      // decision making (tier I here), 14 for moderate (tiers II/III and patients with no tier).
      // Medication reconciliation: HEDIS MRP counts the discharge date through 30 days after.
      // Any attributed patient: TCM is for every patient of the practice, not only the enrolled.
      protocolId: "inpatient-discharge",
      title: "Inpatient discharge to the community: transitional care",
      enabled: true,
      programs: "all",
      population: "attributed",
      trigger: {
        eventKinds: ["discharge"],
        patientClasses: ["I"],
        // CMS counts discharges from observation stays for TCM.
        includeObservationStays: true,
        dischargeDispositions: [...COMMUNITY_DISCHARGE_DISPOSITIONS],
        whenDispositionMissing: "match",
      },
      steps: [
        {
          stepId: "interactive-contact",
          taskType: "interactive-contact",
          title: "Interactive contact within 2 business days of discharge",
          due: { type: "business-days", days: 2, indexDayCounts: false },
          reminders: [MORNING_OF_DUE_DAY],
          escalation: SUPERVISOR_NEXT_MORNING,
        },
        {
          stepId: "face-to-face-7-days",
          taskType: "face-to-face-visit",
          title: "Face-to-face visit within 7 days of discharge",
          due: { type: "calendar-days", days: 7, indexDayCounts: false },
          riskTiers: ["I"],
          reminders: [morningBusinessDaysBefore(2), MORNING_OF_DUE_DAY],
          escalation: SUPERVISOR_NEXT_MORNING,
        },
        {
          stepId: "face-to-face-14-days",
          taskType: "face-to-face-visit",
          title: "Face-to-face visit within 14 days of discharge",
          due: { type: "calendar-days", days: 14, indexDayCounts: false },
          riskTiers: ["II", "III", "none"],
          reminders: [morningBusinessDaysBefore(3), MORNING_OF_DUE_DAY],
          escalation: SUPERVISOR_NEXT_MORNING,
        },
        {
          stepId: "medication-reconciliation",
          taskType: "medication-reconciliation",
          title: "Medication reconciliation within 30 days of discharge",
          due: { type: "calendar-days", days: 30, indexDayCounts: false },
          reminders: [morningBusinessDaysBefore(5), MORNING_OF_DUE_DAY],
          escalation: SUPERVISOR_NEXT_MORNING,
        },
      ],
      cancelledBy: [],
      // HEDIS TRC: a discharge followed by a readmission or direct transfer on the discharge day through
      // 30 days after counts only as the last discharge, whose own tasks take over. The trigger already
      // opens nothing for a discharge to another facility; AMA (07) discharges count.
      exclusions: { admittedWithinDays: 30, leftAgainstAdvice: "count" },
    },
    {
      // Priority I: "immediate danger, active hospitalisation without adequate follow-up". The alert
      // to the PCP and care manager is the notifier's; the task is the in-hospital touch.
      protocolId: "inpatient-admission-priority-i",
      title: "Inpatient admission, Priority I: in-hospital touch",
      enabled: true,
      programs: "all",
      population: "enrolled",
      enrollmentStatuses: ["active", "monitor"],
      trigger: {
        eventKinds: [...ADMISSION_KINDS],
        includeObservationStays: false,
        whenDispositionMissing: "match",
        riskTiers: ["I"],
      },
      steps: [
        {
          stepId: "in-hospital-touch",
          taskType: "in-hospital-touch",
          title: "In-hospital touch by the next business day",
          due: { type: "next-business-day" },
          reminders: [MORNING_OF_DUE_DAY],
          // Priority I: the supervisor is paged, at a working hour.
          escalation: { ...SUPERVISOR_NEXT_MORNING, channel: "pager" },
        },
      ],
      // Discharged before anyone visited: the discharge protocol's tasks take over.
      cancelledBy: ["discharge"],
      exclusions: { leftAgainstAdvice: "count" },
    },
    {
      // The coordination guideline: a patient who declined engagement goes on the tracking list after
      // "one more" face-to-face attempt, which may be in the hospital, and the plan tells the practice
      // when the member is admitted so it can make it. Any tier (a tracking-list patient has no Priority
      // I in-hospital touch: that protocol is for active and monitor enrollments). Due the next business
      // day, as the Priority I touch: half of inpatient stays are over in 3-4 days, and a visit can
      // only be made while the patient is there. No patient class is required, so an observation stay
      // admitted with A01/A06 counts too: the patient is in a bed, which is the chance this task is
      // for, and a short stay costs nothing since the discharge closes the task.
      protocolId: "tracking-list-admission",
      title: "Tracking-list patient admitted: in-hospital face-to-face visit",
      enabled: true,
      programs: "all",
      population: "enrolled",
      enrollmentStatuses: ["tracking_list"],
      trigger: {
        eventKinds: [...ADMISSION_KINDS],
        includeObservationStays: false,
        whenDispositionMissing: "match",
      },
      steps: [
        {
          stepId: "in-hospital-visit",
          taskType: "in-hospital-visit",
          title: "In-hospital face-to-face visit attempt",
          due: { type: "next-business-day" },
          reminders: [MORNING_OF_DUE_DAY],
          escalation: SUPERVISOR_NEXT_MORNING,
        },
      ],
      // A visit in hospital cannot be made once the patient has gone home: left open it would become
      // a miss nobody could have avoided. The discharge opens the transitional-care tasks, whose
      // face-to-face visit (7 or 14 days) is the next chance to meet the patient.
      cancelledBy: ["discharge"],
      cancelReason: "discharged before the visit",
      exclusions: { leftAgainstAdvice: "count" },
    },
  ],
  reviews: [
    {
      // The coordination guideline: the tracking list is reported on every six months. Each review
      // decides "engage or remove"; a completed review starts the next six months, and a patient who
      // leaves the tracking list takes their open review with them (cancelled, not deleted).
      protocolId: "tracking-list-review",
      title: "Tracking list: six-month review",
      enabled: true,
      programs: "all",
      enrollmentStatuses: ["tracking_list"],
      step: {
        stepId: "six-month-review",
        taskType: "tracking-list-review",
        title: "Tracking-list review: engage or remove",
        due: { type: "calendar-months", months: 6 },
        // Two weeks ahead: time to look at six months of claims and events before the plan-practice call.
        opensDaysBeforeDue: 14,
      },
    },
  ],
  // The care-management report's rule, now everybody's: Priority I or II, or the practice's flag. A
  // plan that ranks by risk score sets planRiskScoreAtLeast for its program in `programs`.
  highRisk: { riskTiers: ["I", "II"], practiceFlag: true, listStatuses: [] },
  programs: [],
};
