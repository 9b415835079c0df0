/**
 * The tasks family's one owner: tasks, their history, timers, contact times, exclusions and periodic
 * reviews. Everything that reads or writes those tables for the api, the notifier and the demo calls
 * these stores; nobody else writes SQL for them.
 */
export { cancelTasks, type EventTask, excludeTasks, openTasks } from "./event-task-store.ts";
export {
  cancelReviewsOffList,
  insertReviewTask,
  loadReviewCandidates,
  type StoredReviewCandidate,
  takeReviewPass,
} from "./review-task-store.ts";
export {
  type DueTimer,
  markTimerFired,
  recordTimerFired,
  takeDueTimers,
} from "./task-timer-store.ts";
