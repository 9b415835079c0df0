import { AdtEventKind } from "@homeward/contracts";
import { z } from "zod";
import { DbId, IsoDateString, IsoDateTimeString, OrganizationRef, RiskTier } from "../schemas.ts";
import { AlertSent, HistoryEntry, TaskSummary } from "../tasks/task-schemas.ts";

export const PatientParams = z.object({ id: DbId });

/** Who said it: one of the viewer's organizations (and which file), a hospital's message, or Homeward's record. */
export const DataSource = z.object({
  kind: z.enum(["organization", "hospital", "record"]),
  /** The organization, for `organization`. */
  organization: OrganizationRef.nullable(),
  /** In words: "Springvale Family Medicine (sfm-panel)", "Hospital message: Mercy General (MERCYGEN)". */
  label: z.string(),
});

const Person = z.object({ id: DbId, displayName: z.string() });

/** One row of an enrollment's history: what held from `effectiveFrom` until `effectiveTo` (exclusive). */
export const EnrollmentPeriod = z.object({
  id: DbId,
  riskTier: RiskTier.nullable(),
  status: z.enum(["active", "monitor", "tracking_list", "ended"]),
  leadOrganization: z.enum(["practice", "plan", "joint"]).nullable(),
  careManager: Person.nullable(),
  goal: z.string().nullable(),
  goalMet: z.boolean().nullable(),
  effectiveFrom: IsoDateString,
  effectiveTo: IsoDateString.nullable(),
});

/**
 * A patient as the viewer's organizations may see them: only what those organizations supplied or
 * were told (their identifiers and demographics, their attributions and lists, the encounters routed
 * to them, the alerts they were sent, their tasks); another organization's data never appears.
 */
export const PatientDetail = z
  .object({
    patient: z.object({
      id: DbId,
      displayName: z.string(),
      birthDate: z.string().nullable(),
      sex: z.string().nullable(),
    }),
    /** The viewer's organizations this patient belongs to (whose view this is), with their zones. */
    organizations: z.array(OrganizationRef.extend({ timeZone: z.string() })),
    identifiers: z.array(
      z.object({
        value: z.string(),
        typeCode: z.string().nullable(),
        assigningAuthority: z.string().nullable(),
        sources: z.array(DataSource),
      }),
    ),
    demographics: z.array(
      z.object({
        source: DataSource,
        familyName: z.string().nullable(),
        givenName: z.string().nullable(),
        middleName: z.string().nullable(),
        birthDate: z.string().nullable(),
        sex: z.string().nullable(),
        postalCode: z.string().nullable(),
        phone: z.string().nullable(),
        /** When this source last said it (for a hospital: the event time). */
        asOf: IsoDateTimeString.nullable(),
      }),
    ),
    attributions: z.array(
      z.object({
        id: DbId,
        organization: OrganizationRef,
        kind: z.enum(["attribution", "panel"]),
        source: z.string(),
        pcp: z.object({ name: z.string().nullable(), npi: z.string() }).nullable(),
        effectiveFrom: IsoDateString,
        effectiveTo: IsoDateString.nullable(),
      }),
    ),
    /** One entry per list (organization, program, list source), the row in force first, then its history. */
    enrollments: z.array(
      z.object({
        program: z.string(),
        listedBy: OrganizationRef,
        side: z.enum(["practice", "plan"]),
        source: z.string(),
        /** The row in force now (open), or null when the enrollment has ended. */
        current: EnrollmentPeriod.nullable(),
        /** Every row, newest first: what the lead, status, tier, care manager and goal were, and when. */
        periods: z.array(EnrollmentPeriod),
      }),
    ),
    /** Encounters with an event routed to one of the viewer's organizations, newest first. */
    encounters: z.array(
      z.object({
        facility: z.object({ code: z.string(), name: z.string().nullable(), timeZone: z.string() }),
        visitNumber: z.string(),
        setting: z.string().nullable(),
        status: z.string().nullable(),
        startedAt: IsoDateTimeString.nullable(),
        dischargedAt: IsoDateTimeString.nullable(),
        events: z.array(
          z.object({
            matchId: z.string(),
            kind: AdtEventKind,
            occurredAt: IsoDateTimeString,
            organization: OrganizationRef,
            copy: z.enum(["lead", "monitor"]),
            retracted: z.boolean(),
            /** Words of why the event opened no task, when it opened none. */
            noTask: z.string().nullable(),
          }),
        ),
      }),
    ),
    /** Every alert, reminder, escalation and correction sent about the patient to the viewer's organizations. */
    alerts: z.array(
      AlertSent.extend({
        organization: OrganizationRef,
        matchId: z.string().nullable(),
        taskId: z.string().nullable(),
      }),
    ),
    tasks: z.array(z.object({ task: TaskSummary, history: z.array(HistoryEntry) })),
  })
  .meta({ id: "PatientDetail" });
export type PatientDetail = z.infer<typeof PatientDetail>;
