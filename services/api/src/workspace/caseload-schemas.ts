import { z } from "zod";
import { DbId, OrganizationRef, RiskTier } from "../schemas.ts";

/** The defaults of the coordination guideline: about 75 Priority I and 180–220 patients in all. */
export const DEFAULT_CASELOAD_TARGETS = { priorityOne: 75, totalMin: 180, totalMax: 220 } as const;

/** What one care manager's caseload is held against, per organization (organization_settings). */
export const CaseloadTargets = z
  .object({
    /** Most Priority I patients (active enrollments) per care manager. */
    priorityOne: z.number().int().min(1).max(1000),
    /** Fewest patients in all (active, monitor, tracking list). */
    totalMin: z.number().int().min(0).max(5000),
    /** Most patients in all. */
    totalMax: z.number().int().min(1).max(5000),
  })
  .refine((t) => t.totalMin <= t.totalMax, {
    message: "totalMin must not be more than totalMax",
    path: ["totalMin"],
  });
export type CaseloadTargets = z.infer<typeof CaseloadTargets>;

export const CaseloadQuery = z.object({
  /** One of the user's organizations (a system admin: any); default all of theirs. */
  organizationId: DbId.optional(),
});

export const CaseloadTargetsBody = z.object({
  organizationId: DbId,
  targets: CaseloadTargets,
});

/** Patients of one tier by enrollment status (a patient listed twice in a cell counts once). */
const TierCounts = z.object({
  /** null: enrollments without a tier. */
  tier: RiskTier.nullable(),
  active: z.number().int(),
  monitor: z.number().int(),
  trackingList: z.number().int(),
});

const TaskCounts = z.object({ open: z.number().int(), overdue: z.number().int() });

export const CaseloadRow = z.object({
  careManager: z.object({ id: DbId, displayName: z.string(), active: z.boolean() }),
  byTier: z.array(TierCounts),
  /** Active Priority I patients: held against `targets.priorityOne`. */
  priorityOne: z.number().int(),
  /** Patients in all (any open status), each once: held against `targets.totalMin`–`totalMax`. */
  total: z.number().int(),
  tasks: TaskCounts,
  /** Where the row stands against the targets. */
  priorityOneStatus: z.enum(["within", "over"]),
  totalStatus: z.enum(["under", "within", "over"]),
});
export type CaseloadRow = z.infer<typeof CaseloadRow>;

export const OrganizationCaseload = z.object({
  organization: OrganizationRef,
  targets: CaseloadTargets,
  careManagers: z.array(CaseloadRow),
  /**
   * What no care manager holds: patients on the organization's own lists without a care manager,
   * open tasks without an assignee. Null for a care manager, who sees their own row only.
   */
  unassigned: z
    .object({ patients: z.number().int(), byTier: z.array(TierCounts), tasks: TaskCounts })
    .nullable(),
});

export const Caseload = z
  .object({ asOf: z.string(), organizations: z.array(OrganizationCaseload) })
  .meta({ id: "Caseload" });
export type Caseload = z.infer<typeof Caseload>;
