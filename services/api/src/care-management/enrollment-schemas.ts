import { EnrollmentStatus, LeadOrganization } from "@homeward/rosters";
import { z } from "zod";
import { DbId, OrganizationRef, RiskTier } from "../schemas.ts";

/** One open enrollment row: what one side's list (plan or practice) says about the patient. */
export const Enrollment = z
  .object({
    id: DbId,
    patientId: DbId,
    program: z.string(),
    /** Whose list: the plan's or the practice's. */
    side: z.enum(["plan", "practice"]),
    listedBy: OrganizationRef,
    practiceOrganizationId: DbId.nullable(),
    riskTier: RiskTier.nullable(),
    careManager: z.object({ id: DbId, displayName: z.string() }).nullable(),
    leadOrganization: LeadOrganization.nullable(),
    status: EnrollmentStatus,
    /** The patient-centered goal, and whether it is met. */
    goal: z.string().nullable(),
    goalMet: z.boolean().nullable(),
    planRiskScore: z.number().nullable(),
    practiceFlag: z.boolean().nullable(),
    effectiveFrom: z.string(),
  })
  .meta({ id: "Enrollment" });
export type Enrollment = z.infer<typeof Enrollment>;

export const HighRiskEntry = z.object({
  /** 1 = discuss first: on both lists, then by plan risk score, then the practice's flag. */
  rank: z.number().int(),
  patient: z.object({ id: DbId, displayName: z.string(), birthDate: z.string().nullable() }),
  listedBy: z.enum(["both", "plan", "practice"]),
  onPlanList: z.boolean(),
  onPracticeList: z.boolean(),
  planRiskScore: z.number().nullable(),
  practiceFlag: z.boolean(),
  planRiskTier: z.string().nullable(),
  practiceRiskTier: z.string().nullable(),
  planLead: LeadOrganization.nullable(),
  practiceLead: LeadOrganization.nullable(),
  leadAgreed: z.boolean(),
  planStatus: EnrollmentStatus.nullable(),
  practiceStatus: EnrollmentStatus.nullable(),
  /** The open enrollments behind the row, both sides: PATCH them by id. */
  enrollments: z.array(Enrollment),
});

export const HighRiskList = z
  .object({
    practice: OrganizationRef,
    /** The plan whose list is combined with the practice's (null: the practice has none). */
    plan: OrganizationRef.nullable(),
    /** Plans that list patients of this practice: pass one as planOrganizationId to switch. */
    plans: z.array(OrganizationRef.extend({ patients: z.number().int() })),
    /** `plan`: the caller reads the plan only, so only the plan's patients are shown. */
    view: z.enum(["full", "plan"]),
    entries: z.array(HighRiskEntry),
  })
  .meta({ id: "HighRiskList" });

export const HighRiskListQuery = z.object({ organizationId: DbId, planOrganizationId: DbId.optional() });

export const EnrollmentPatch = z
  .object({
    leadOrganization: LeadOrganization.optional(),
    status: EnrollmentStatus.optional(),
    goal: z.string().trim().min(1).max(2000).nullable().optional(),
    goalMet: z.boolean().nullable().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: "change at least one field" });
export type EnrollmentPatch = z.infer<typeof EnrollmentPatch>;
