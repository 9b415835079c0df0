export {
  BusinessCalendar,
  isBusinessDay,
  type LocalDay,
  localDayOf,
  stepBusinessDays,
} from "./business-calendar.ts";
export { cancellationsFor, type TaskCancellation } from "./cancellations.ts";
export { DEFAULT_PROTOCOLS } from "./default-protocols.ts";
export {
  ADMITTED_DISCHARGE_DISPOSITIONS,
  AGAINST_MEDICAL_ADVICE_DISPOSITION,
  COMMUNITY_DISCHARGE_DISPOSITIONS,
  EXPIRED_DISCHARGE_DISPOSITIONS,
  TRANSFER_DISCHARGE_DISPOSITIONS,
} from "./discharge-dispositions.ts";
export { computeDueAt, dueDay, endOfLocalDay } from "./due-date.ts";
export { DueRule } from "./due-rule.ts";
export {
  ADMISSION_KINDS,
  ExclusionReason,
  encounterExclusionOf,
  exclusionsFor,
  type PlannedExclusion,
  patientDied,
} from "./exclusions.ts";
export {
  HighRiskDefinition,
  type HighRiskFacts,
  type HighRiskSettings,
  highRiskDefinitionOf,
  isHighRisk,
  ProgramSettings,
} from "./high-risk.ts";
export { type HolidaySet, isKnownHolidaySet, publicHolidayDates } from "./holiday-dates.ts";
export { type LoadProtocolsResult, loadProtocols, type ProtocolsFileError } from "./load-protocols.ts";
export { NO_TASK_REASON_TEXT, type NoTaskReason, noTaskReason } from "./no-task-reason.ts";
export {
  nextReview,
  type PlannedReviewTask,
  planReviewTask,
  type ReviewCandidate,
  reviewApplies,
} from "./plan-review.ts";
export { type PlannedTask, planTasks } from "./plan-tasks.ts";
export {
  EnrollmentStatus,
  Protocol,
  ProtocolExclusions,
  ProtocolsFile,
  type ProtocolsFileInput,
  ProtocolTrigger,
  ReviewProtocol,
  ReviewStep,
} from "./protocol.ts";
export { protocolApplies, riskTierOf, stepApplies } from "./protocol-match.ts";
export {
  Escalation,
  EscalationRole,
  EscalationTiming,
  LocalTime,
  ProtocolId,
  ProtocolStep,
  Reminder,
  RiskTierCondition,
  TaskType,
} from "./protocol-step.ts";
export { type ReviewTaskKey, reviewTaskIdFor, type TaskKey, taskIdFor } from "./task-id.ts";
export { escalationAt, reminderTimes } from "./task-timing.ts";
