import { AdtEventKind } from "@homeward/contracts";
import { z } from "zod";
import { DbId, IsoDateTimeString, OrganizationRef, RiskTier } from "../schemas.ts";

/** Where a patient is: the hospital settings the census shows (outpatient visits and pre-admits are not "in"). */
export const CensusSetting = z.enum(["ed", "inpatient", "observation"]);
export type CensusSetting = z.infer<typeof CensusSetting>;

/** How the two lists are ordered. */
export const CensusSort = z.enum([
  /** Priority I first, then the most recent arrival or discharge. */
  "tier",
  /** Longest in the hospital / longest since discharge first: who has waited most. */
  "days",
  /** Family name, then given name. */
  "name",
]);
export type CensusSort = z.infer<typeof CensusSort>;

export const CensusQuery = z.object({
  /**
   * `mine`: patients whose enrollment names the signed-in care manager, or who have a task of
   * theirs, or whose alert went to them. `practice`: every patient of the user's organizations.
   * Default: `mine` for a care manager linked to a recipient, `practice` otherwise.
   */
  scope: z.enum(["mine", "practice"]).optional(),
  /** One of the user's organizations (a system admin: any); default all of theirs. */
  organizationId: DbId.optional(),
  setting: CensusSetting.optional(),
  tier: RiskTier.optional(),
  /** The enrollment's care manager (a recipient id). */
  careManager: DbId.optional(),
  /** The facility's code (the sending facility, MSH-4). */
  facility: z.string().min(1).max(100).optional(),
  /** "Recently discharged" looks back this many days (default 30). */
  dischargedDays: z.coerce.number().int().min(1).max(90).default(30),
  sort: CensusSort.default("tier"),
  /** Most rows per list; `total` counts them all. */
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type CensusQuery = z.infer<typeof CensusQuery>;

const CensusEntry = z.object({
  /** Unique per list: organization, facility and visit number. */
  key: z.string(),
  /** With the practice's IANA zone: due dates are read on its calendar. */
  organization: OrganizationRef.extend({ timeZone: z.string() }),
  patient: z.object({
    id: DbId,
    displayName: z.string(),
    birthDate: z.string().nullable(),
    /** The organization's own identifier for the patient (its MRN), when it has one. */
    practiceIdentifier: z.string().nullable(),
  }),
  /** `timeZone`: the facility's IANA zone (event times are read there); the practice's when unknown. */
  facility: z.object({ code: z.string(), name: z.string().nullable(), timeZone: z.string() }),
  visitNumber: z.string(),
  setting: CensusSetting,
  /** PV1-3 as the last announcement gave it: nursing unit (or ED), room, bed. */
  location: z.object({
    unit: z.string().nullable(),
    room: z.string().nullable(),
    bed: z.string().nullable(),
  }),
  /** The encounter's latest announcement to this organization: what `/events/<matchId>` shows. */
  event: z.object({ matchId: z.string(), kind: AdtEventKind, occurredAt: IsoDateTimeString }),
  /** `monitor`: the other side of the enrollment leads; this organization has a copy. */
  copy: z.enum(["lead", "monitor"]),
  /** The enrollment in force now (else as the announcement gave it). */
  riskTier: RiskTier.nullable(),
  program: z.string().nullable(),
  enrollmentStatus: z.enum(["active", "monitor", "tracking_list"]).nullable(),
  careManager: z.object({ id: DbId, displayName: z.string() }).nullable(),
  /** The signed-in care manager's own patient (see `scope=mine`). */
  mine: z.boolean(),
  /** The patient's open tasks in this organization (any encounter). */
  tasks: z.object({
    open: z.number().int(),
    overdue: z.number().int(),
    nextDueAt: IsoDateTimeString.nullable(),
  }),
});

export const CensusStay = CensusEntry.extend({
  status: z.enum(["active", "on-leave"]),
  /** When the encounter began (ED arrival or admission). */
  since: IsoDateTimeString,
  hoursSince: z.number().int(),
});
export type CensusStay = z.infer<typeof CensusStay>;

export const CensusDischarge = CensusEntry.extend({
  dischargedAt: IsoDateTimeString,
  /** Calendar days in the practice's zone: discharged yesterday evening is 1. */
  daysSinceDischarge: z.number().int(),
  /**
   * Contact about this encounter so far: `none` ("no contact yet") or `attempted` (attempts
   * recorded, or a task closed without reaching the patient). Reached patients are not listed.
   */
  contact: z.object({
    status: z.enum(["none", "attempted"]),
    attempts: z.number().int(),
    lastAttemptAt: IsoDateTimeString.nullable(),
  }),
});
export type CensusDischarge = z.infer<typeof CensusDischarge>;

export const Census = z
  .object({
    scope: z.enum(["mine", "practice"]),
    asOf: IsoDateTimeString,
    dischargedDays: z.number().int(),
    sort: CensusSort,
    inHospital: z.object({ items: z.array(CensusStay), total: z.number().int() }),
    recentlyDischarged: z.object({ items: z.array(CensusDischarge), total: z.number().int() }),
    /** What the filters can choose from in this scope (before filtering). */
    options: z.object({
      facilities: z.array(z.object({ code: z.string(), name: z.string().nullable() })),
      careManagers: z.array(z.object({ id: DbId, displayName: z.string() })),
    }),
  })
  .meta({ id: "Census" });
export type Census = z.infer<typeof Census>;
