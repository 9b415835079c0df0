/**
 * A task change the tasks family refuses, as a value the caller maps to its own answer (the api to
 * 404, 409 or 400; the demo counts a closed task as refused). Messages carry no patient data.
 * - not_found: no such task, or one of an organization the caller may not touch (existence is not revealed);
 * - conflict: the task is not in a state that allows the change (closed, never reached);
 * - invalid: the change names something unusable (`code` says what: invalid_contact_time, invalid_recipient).
 */
export class TaskChangeRefused extends Error {
  override name = "TaskChangeRefused";
  constructor(
    readonly reason: "not_found" | "conflict" | "invalid",
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
