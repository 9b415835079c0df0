/**
 * The tasks family's one owner: tasks, their history, timers, contact times, exclusions and periodic
 * reviews. Everything that reads or writes those tables for the api, the notifier and the demo calls
 * these stores; nobody else writes SQL for them.
 */

export {
  CONTACT_METHODS,
  type ContactMethod,
  type ContactTimeLimits,
  checkContactTime,
} from "./contact-time.ts";
export { cancelTasks, type EventTask, excludeTasks, openTasks } from "./event-task-store.ts";
export { type HandOpenedTask, insertHandOpenedTask } from "./hand-opened-task-store.ts";
export {
  cancelReviewsOffList,
  insertReviewTask,
  loadReviewCandidates,
  type StoredReviewCandidate,
  takeReviewPass,
} from "./review-task-store.ts";
export { TaskChangeRefused } from "./task-change-refused.ts";
export { changeTask, type LockedTask, type TaskAccess, type TaskChange } from "./task-change-store.ts";
export {
  type EncounterEntry,
  loadTaskRecord,
  type TaskAlertRow,
  type TaskEncounterRow,
  type TaskEnrollmentRow,
  type TaskHistoryRow,
  type TaskRecord,
} from "./task-detail-store.ts";
export { listTasks, loadTask, type TaskFilter, type TaskRow } from "./task-query-store.ts";
export {
  type DueTimer,
  markTimerFired,
  recordTimerFired,
  takeDueTimers,
} from "./task-timer-store.ts";
export {
  careTeamEntries,
  followUpByMonth,
  type MonthLine,
  tasksOfVisits,
  type VisitTask,
} from "./visit-task-store.ts";
