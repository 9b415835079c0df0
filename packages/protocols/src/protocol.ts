import { AdtEventKind } from "@homeward/contracts";
import { z } from "zod";
import { DueRule } from "./due-rule.ts";
import { HighRiskDefinition, ProgramSettings } from "./high-risk.ts";
import { ProtocolId, ProtocolStep, RiskTierCondition, TaskType } from "./protocol-step.ts";
import { reportDuplicates } from "./unique.ts";

const Code = z.string().min(1);

/** Which events open a protocol's tasks. Every condition that is set must hold. */
export const ProtocolTrigger = z
  .strictObject({
    /** The event kinds that open the tasks. */
    eventKinds: z.array(AdtEventKind).min(1),
    /** PV1-2 patient classes (HL7 table 0004, as sent: `I`, `E`, `O`...); absent = any class. */
    patientClasses: z.array(Code).min(1).optional(),
    /**
     * Also match observation stays (the facility mapping's observation codes) whatever their PV1-2
     * class, since many sites send observation as `O`. CMS counts observation stays for TCM.
     */
    includeObservationStays: z.boolean().default(false),
    /** PV1-36 discharge dispositions (table 0112) that qualify, e.g. the "to the community" list. */
    dischargeDispositions: z.array(Code).min(1).optional(),
    /**
     * What an event without PV1-36 does when `dischargeDispositions` is set. Many feeds leave it empty
     * (and arrivals never have one); `match` prefers a task that can be closed as not needed over a
     * missed follow-up.
     */
    whenDispositionMissing: z.enum(["match", "skip"]).default("match"),
    /** Only for these tiers (`none` = no enrollment); absent = any. */
    riskTiers: z.array(RiskTierCondition).min(1).optional(),
  })
  .superRefine((trigger, ctx) => {
    reportDuplicates(ctx, trigger.eventKinds, String, ["eventKinds"], "event kind");
    reportDuplicates(ctx, trigger.patientClasses ?? [], String, ["patientClasses"], "patient class");
    reportDuplicates(ctx, trigger.dischargeDispositions ?? [], String, ["dischargeDispositions"], "code");
    reportDuplicates(ctx, trigger.riskTiers ?? [], String, ["riskTiers"], "risk tier");
  });
export type ProtocolTrigger = z.infer<typeof ProtocolTrigger>;

/**
 * When a protocol's task no longer applies to the quality measures: the notifier closes it as "not
 * applicable" with the reason (or, when it was already done, marks it excluded) and the reports
 * leave it out of the denominator. A retraction (A11/A12/A13) of the event that opened it always
 * excludes it, and so does the patient's death (PID-30, PV1-36 20/40/41/42): neither is configurable.
 * docs/measures.md says which HEDIS rule each one follows.
 */
export const ProtocolExclusions = z
  .strictObject({
    /**
     * An inpatient admission of the same patient (any encounter, any facility: a new visit number
     * too) from the task's event day through this many days after it (the event day is day 0, in
     * the practice's zone) excludes the task: `admitted`. Observation stays are not admissions.
     * Absent: admissions exclude nothing (beyond `cancelledBy` on the same encounter).
     */
    admittedWithinDays: z.int().min(0).max(60).optional(),
    /**
     * PV1-36 dispositions (table 0112) that, on a discharge of the task's own encounter, exclude it:
     * `transferred` (to an acute hospital, a SNF or other post-acute inpatient care). Absent: none.
     */
    transferDispositions: z.array(Code).min(1).optional(),
    /**
     * A discharge against medical advice (PV1-36 07): `count` keeps the visit in the measure, as
     * HEDIS FMC and TRC do; `exclude` closes the task as `left-against-advice`.
     */
    leftAgainstAdvice: z.enum(["count", "exclude"]).default("count"),
  })
  .superRefine((exclusions, ctx) => {
    reportDuplicates(ctx, exclusions.transferDispositions ?? [], String, ["transferDispositions"], "code");
  });
export type ProtocolExclusions = z.infer<typeof ProtocolExclusions>;

/** Care-management enrollment statuses, as on the MatchedEvent. */
export const EnrollmentStatus = z.enum(["active", "monitor", "tracking_list"]);
export type EnrollmentStatus = z.infer<typeof EnrollmentStatus>;

/**
 * A transition protocol: on a qualifying event for a matching patient, open one task per step, due
 * by the step's rule. Protocols are data so each program can tune them without a release.
 */
export const Protocol = z
  .strictObject({
    /** Stable id, part of every task id and of the quality reports. */
    protocolId: ProtocolId,
    title: z.string().min(1).max(120),
    /** A disabled protocol opens nothing (its `cancelledBy` still applies to tasks it opened before). */
    enabled: z.boolean().default(true),
    /** The care-management programs it applies to (by enrollment program), or `all`. */
    programs: z.union([z.literal("all"), z.array(z.string().min(1)).min(1)]),
    /**
     * `enrolled`: the MatchedEvent must carry an enrollment (care-management patients);
     * `attributed`: any patient matched to the practice, enrolled or not.
     */
    population: z.enum(["enrolled", "attributed"]),
    /** For `enrolled`: only enrollments with these statuses; absent = any status. */
    enrollmentStatuses: z.array(EnrollmentStatus).min(1).optional(),
    trigger: ProtocolTrigger,
    steps: z.array(ProtocolStep).min(1),
    /**
     * Event kinds that, arriving later on the same encounter, cancel the protocol's open tasks (an ED
     * visit that becomes an admission no longer needs the ED follow-up call).
     */
    cancelledBy: z.array(AdtEventKind).default([]),
    /**
     * What a task closed by a `cancelledBy` event says, e.g. "discharged before the visit"; absent:
     * the event kind and trigger ("discharge (A03) on the same encounter").
     */
    cancelReason: z.string().min(1).max(200).optional(),
    /** What takes the protocol's tasks out of the measures' denominators (see ProtocolExclusions). */
    exclusions: ProtocolExclusions.default({ leftAgainstAdvice: "count" }),
  })
  .superRefine((protocol, ctx) => {
    reportDuplicates(ctx, protocol.steps, (s) => s.stepId, ["steps"], "stepId");
    reportDuplicates(ctx, protocol.cancelledBy, String, ["cancelledBy"], "event kind");
    reportDuplicates(ctx, protocol.enrollmentStatuses ?? [], String, ["enrollmentStatuses"], "status");
    if (protocol.programs !== "all") {
      reportDuplicates(ctx, protocol.programs, String, ["programs"], "program");
    }
    protocol.cancelledBy.forEach((kind, index) => {
      if (protocol.trigger.eventKinds.includes(kind)) {
        ctx.addIssue({
          code: "custom",
          path: ["cancelledBy", index],
          message: `${kind} both triggers and cancels this protocol`,
        });
      }
    });
    if (protocol.population === "attributed" && protocol.programs !== "all") {
      ctx.addIssue({
        code: "custom",
        path: ["programs"],
        message: 'a program list needs population "enrolled" (programs come from enrollments)',
      });
    }
    if (protocol.population === "attributed" && protocol.enrollmentStatuses !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["enrollmentStatuses"],
        message: 'enrollment statuses need population "enrolled"',
      });
    }
  });
export type Protocol = z.infer<typeof Protocol>;

/**
 * The task a review protocol opens. Its deadline counts from when the patient went on the list,
 * then from each completed review; it opens `opensDaysBeforeDue` days ahead, which is its reminder:
 * reviews have no event to put in an alert, so they carry no email reminders or escalations and an
 * overdue review shows as overdue in the task list and the caseload.
 */
export const ReviewStep = z.strictObject({
  /** Part of the task id, so never rename a step in use. */
  stepId: ProtocolId,
  taskType: TaskType,
  title: z.string().min(1).max(120),
  due: DueRule,
  /** The task appears in the assignee's list this many days (in the practice's zone) before it is due. */
  opensDaysBeforeDue: z.int().min(0).max(90),
});
export type ReviewStep = z.infer<typeof ReviewStep>;

/**
 * A periodic review of every patient on a list with one of `enrollmentStatuses` (the tracking list):
 * opened by the calendar, not by an ADT event. The organization whose list it is does the review.
 */
export const ReviewProtocol = z
  .strictObject({
    /** Stable id, part of every task id; unique across event and review protocols. */
    protocolId: ProtocolId,
    title: z.string().min(1).max(120),
    /** A disabled review opens nothing more; the reviews it opened stay as they are. */
    enabled: z.boolean().default(true),
    /** The care-management programs it applies to (by enrollment program), or `all`. */
    programs: z.union([z.literal("all"), z.array(z.string().min(1)).min(1)]),
    /** The enrollment statuses whose patients are reviewed; leaving them closes the open review. */
    enrollmentStatuses: z.array(EnrollmentStatus).min(1),
    step: ReviewStep,
  })
  .superRefine((protocol, ctx) => {
    reportDuplicates(ctx, protocol.enrollmentStatuses, String, ["enrollmentStatuses"], "status");
    if (protocol.programs !== "all") {
      reportDuplicates(ctx, protocol.programs, String, ["programs"], "program");
    }
  });
export type ReviewProtocol = z.infer<typeof ReviewProtocol>;

/** The protocols configuration file (JSON). */
export const ProtocolsFile = z
  .strictObject({
    /** Lets editors validate the file against its JSON Schema. */
    $schema: z.string().optional(),
    schemaVersion: z.literal(1),
    protocols: z.array(Protocol),
    /** Periodic reviews (the six-month tracking-list review); a file without them has none. */
    reviews: z.array(ReviewProtocol).default([]),
    /**
     * Who is "high-risk", for every program without its own definition in `programs`: the one
     * definition every report (the ED measure's denominator, the care-management report) and the
     * combined list use.
     */
    highRisk: HighRiskDefinition.default({ riskTiers: ["I", "II"], practiceFlag: true, listStatuses: [] }),
    /** Per care-management program settings (by enrollment program): its own high-risk definition. */
    programs: z.array(ProgramSettings).default([]),
  })
  .superRefine((file, ctx) => {
    reportDuplicates(ctx, file.protocols, (p) => p.protocolId, ["protocols"], "protocolId");
    reportDuplicates(ctx, file.programs, (p) => p.program, ["programs"], "program");
    reportDuplicates(ctx, file.reviews, (p) => p.protocolId, ["reviews"], "protocolId");
    const eventIds = new Set(file.protocols.map((p) => p.protocolId));
    file.reviews.forEach((review, index) => {
      if (eventIds.has(review.protocolId)) {
        ctx.addIssue({
          code: "custom",
          path: ["reviews", index, "protocolId"],
          message: `protocolId ${JSON.stringify(review.protocolId)} is also an event protocol's`,
        });
      }
    });
  })
  .meta({
    title: "Transition protocols v1",
    description:
      "Which ADT events open which follow-up tasks, due when, reminded and escalated how; and which periodic reviews open by the calendar.",
  });
export type ProtocolsFile = z.infer<typeof ProtocolsFile>;
/** The file as written, before defaults. */
export type ProtocolsFileInput = z.input<typeof ProtocolsFile>;
