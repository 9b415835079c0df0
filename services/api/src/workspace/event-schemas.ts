import { AdtEventKind, MatchedRecipient } from "@homeward/contracts";
import { z } from "zod";
import { DbId, IsoDateTimeString, OrganizationRef, RiskTier } from "../schemas.ts";
import { AlertSent, TaskSummary } from "../tasks/task-schemas.ts";

/** A match id as alert links carry it (`/events/<matchId>`). */
export const EventParams = z.object({ id: z.string().min(1).max(200) });

const PersonNamed = z.object({
  /** The name as the hospital sent it (prefix, given, middle, family, suffix, degree). */
  name: z.string().nullable(),
  npi: z.string().nullable(),
});

/** Who the care team is, as Homeward routes to them: of record now, and who was alerted for this event. */
export const EventCareTeam = z.object({
  /** The enrollment's named care manager (this organization's open enrollment), else the one alerted as of record. */
  careManager: z.object({ id: DbId, displayName: z.string() }).nullable(),
  /** The PCP of record: the open attribution's PCP (by NPI), with their recipient when they have one. */
  pcp: z
    .object({
      name: z.string().nullable(),
      npi: z.string().nullable(),
      recipient: z.object({ id: DbId, displayName: z.string() }).nullable(),
    })
    .nullable(),
  /** The enrollment the event was routed by (at the event's time). */
  enrollment: z
    .object({
      program: z.string(),
      /** Null when the list gave no tier ("unassigned"). */
      riskTier: RiskTier.nullable(),
      status: z.enum(["active", "monitor", "tracking_list"]),
      leadOrganization: z.enum(["practice", "plan", "joint"]),
    })
    .nullable(),
  /** Who was told of this event and why (`basis`, with words). */
  alerted: z.array(
    z.object({
      recipient: z.object({ id: DbId, displayName: z.string() }),
      role: MatchedRecipient.shape.role,
      copy: z.enum(["lead", "monitor"]),
      basis: MatchedRecipient.shape.basis,
      /** `basis` in words; "Alerted" when the record predates the basis. */
      why: z.string(),
    }),
  ),
});

/**
 * One matched event as the organization it was routed to reads it: who (the patient), where (the
 * facility, its zone, the unit, room and bed), why (admit reason, diagnoses, disposition, flags),
 * the care team, and what was done (tasks opened, or why none; the alerts sent).
 */
export const EventDetail = z
  .object({
    matchId: z.string(),
    /** The organization the event was routed to; due times are read in its zone. */
    organization: OrganizationRef.extend({ timeZone: z.string() }),
    /** Lead (the alert and the tasks) or monitor (for information). */
    copy: z.enum(["lead", "monitor"]),
    event: z.object({
      id: z.string(),
      kind: AdtEventKind,
      /** MSH-9.2 trigger, e.g. A01. */
      trigger: z.string(),
      occurredAt: IsoDateTimeString,
    }),
    patient: z.object({
      id: DbId,
      displayName: z.string(),
      birthDate: z.string().nullable(),
      /** HL7 table 0001 code (F, M, O, U, X). */
      sex: z.string().nullable(),
      /** The organization's own identifiers for the patient, and the hospital's MRN from the message. */
      identifiers: z.array(
        z.object({
          value: z.string(),
          typeCode: z.string().nullable(),
          assigningAuthority: z.string().nullable(),
          /** `organization`: issued or supplied by the viewer's organization; `hospital`: in the message. */
          source: z.enum(["organization", "hospital"]),
        }),
      ),
    }),
    facility: z.object({ code: z.string(), name: z.string().nullable(), timeZone: z.string() }),
    /** PV1-3: unit (point of care), room, bed and the rest, as sent. */
    location: z
      .object({
        pointOfCare: z.string().nullable(),
        room: z.string().nullable(),
        bed: z.string().nullable(),
        building: z.string().nullable(),
        floor: z.string().nullable(),
        description: z.string().nullable(),
      })
      .nullable(),
    encounter: z.object({ setting: z.string(), status: z.string() }),
    visit: z.object({
      visitNumber: z.string(),
      patientClass: z.string().nullable(),
      hospitalService: z.string().nullable(),
      admittedAt: IsoDateTimeString.nullable(),
      dischargedAt: IsoDateTimeString.nullable(),
    }),
    /** PV2-3. */
    admitReason: z
      .object({ code: z.string().nullable(), text: z.string().nullable(), system: z.string().nullable() })
      .nullable(),
    /** DG1, principal first as sent. */
    diagnoses: z.array(
      z.object({
        code: z.string().nullable(),
        system: z.string().nullable(),
        description: z.string().nullable(),
        /** DG1-6 in words (Admitting, Working, Final). */
        type: z.string().nullable(),
      }),
    ),
    /** PV1-36 with its table 0112 words, and PV1-37. */
    discharge: z
      .object({
        disposition: z.object({ code: z.string(), label: z.string(), community: z.boolean() }).nullable(),
        dischargedTo: z.string().nullable(),
      })
      .nullable(),
    /** PV1-7. */
    attendingProvider: PersonNamed.nullable(),
    /** The PCP the hospital named (ROL or PD1-4): may differ from the PCP of record. */
    primaryCareProvider: PersonNamed.extend({ source: z.string() }).nullable(),
    flags: z.object({
      frequentEd: z.object({ visits: z.number().int(), windowDays: z.number().int() }).nullable(),
      readmission: z
        .object({ priorDischargeAt: IsoDateTimeString, daysSinceDischarge: z.number().int() })
        .nullable(),
    }),
    careTeam: EventCareTeam,
    retraction: z.object({ at: IsoDateTimeString, reason: z.string().nullable() }).nullable(),
    /** Tasks this event opened, and the organization's other tasks on the same encounter. */
    tasks: z.array(TaskSummary),
    /** Why the event opened no task (protocols NoTaskReason, with its words), when it opened none. */
    noTask: z.object({ reason: z.string(), text: z.string() }).nullable(),
    /** Alerts sent to this organization for this event. */
    alerts: z.array(AlertSent),
    /**
     * What went to the organization's systems for this event and its cancel: its FHIR, webhook and
     * HL7 v2 endpoints, and its FHIR Subscriptions' event notifications.
     */
    systems: z.array(
      z.object({
        /** The endpoint's name, or "FHIR Subscription <start of its id> (<topic>)". */
        endpointName: z.string(),
        kind: z.enum(["davinci_fhir", "webhook", "hl7v2_mllp", "fhir_subscription"]),
        purpose: z.enum(["notification", "retraction"]),
        status: z.string(),
        attempts: z.number().int(),
        /** The receiver's answer: HTTP status and FHIR response code, or the HL7 ACK code. */
        responseStatus: z.string().nullable(),
        createdAt: IsoDateTimeString,
        sentAt: IsoDateTimeString.nullable(),
      }),
    ),
  })
  .meta({ id: "EventDetail" });
export type EventDetail = z.infer<typeof EventDetail>;

/** The answer of "create follow-up task": the task, whether this call opened it, and how its due date was set. */
export const FollowUpTaskCreated = z
  .object({
    task: TaskSummary,
    /** False when the event's encounter already had a follow-up task opened by hand: that one is answered. */
    created: z.boolean(),
    /** How the due date was set, in words, e.g. "2 business days from today on the practice's calendar". */
    due: z.object({ rule: z.string(), dueAt: IsoDateTimeString, timeZone: z.string() }),
    /**
     * Who it went to and why: the care manager of record, else the caller, else nobody (unassigned);
     * null when the task was there already.
     */
    assignedBecause: z.enum(["care-manager-of-record", "caller", "unassigned"]).nullable(),
  })
  .meta({ id: "FollowUpTaskCreated" });
export type FollowUpTaskCreated = z.infer<typeof FollowUpTaskCreated>;
