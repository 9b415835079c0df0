import { createHash } from "node:crypto";

/** What makes a task the same task: one per (encounter, organization, protocol step). */
export interface TaskKey {
  /** The encounter's facility (MSH-4) and visit number (PV1-19), as on the MatchedEvent. */
  facility: string;
  visitNumber: string;
  /** The practice the task belongs to. */
  organizationId: string;
  protocolId: string;
  stepId: string;
}

/**
 * A deterministic task id: `task_` + 24 hex digits (96 bits) of the SHA-256 of the key. A redelivered
 * or replayed event, or the ED discharge after the ED arrival, yields the same id, so the store's
 * primary key makes opening a task idempotent. JSON encoding keeps `["a|b","c"]` apart from `["a","b|c"]`.
 */
export function taskIdFor(key: TaskKey): string {
  const parts = [key.facility, key.visitNumber, key.organizationId, key.protocolId, key.stepId];
  return `task_${createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 24)}`;
}

/** What makes a review task the same task: one per patient, list program, organization, step and due day. */
export interface ReviewTaskKey {
  organizationId: string;
  protocolId: string;
  stepId: string;
  patientId: string;
  /** The enrollment's program: a patient on two lists has a review on each. */
  program: string;
  /** The local due day, `YYYY-MM-DD`: the next period's review is another task. */
  dueDay: string;
}

/**
 * A review task's deterministic id, as `taskIdFor` (same shape, a separate key space): every sweeper
 * that finds the same review due computes the same id, so opening it is idempotent.
 */
export function reviewTaskIdFor(key: ReviewTaskKey): string {
  const parts = [
    "review",
    key.organizationId,
    key.protocolId,
    key.stepId,
    key.patientId,
    key.program,
    key.dueDay,
  ];
  return `task_${createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 24)}`;
}
