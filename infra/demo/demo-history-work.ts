/**
 * Records the care team's planned work (demo-history-care.ts) on the history's tasks through the
 * api's own task commands (`changeTask`: the same row lock, history rows, contact times, access-log
 * rows and workspace notifications as a click in the dashboard), each entry dated at its planned
 * past instant, as the care manager who works the task. Idempotent: an entry already in a task's
 * history (same kind, same instant, by a user) is not recorded again; a task closed meanwhile (a
 * later event cancelled or excluded it) keeps what it has and is left alone.
 */
import type { Pool, PoolClient } from "@homeward/db";
import type { FastifyRequest } from "fastify";
import { type PatientAccess, recordPatientAccess } from "../../services/api/src/audit.ts";
import type { Principal } from "../../services/api/src/auth/principal.ts";
import { ApiError } from "../../services/api/src/errors.ts";
import { changeTask, type TaskChange } from "../../services/api/src/tasks/task-commands.ts";
import { DEMO_RECIPIENTS } from "./demo-directory.ts";
import type { CareManagerKey, PlannedAction } from "./demo-history-care.ts";
import {
  type CareManagerUser,
  type HistoryTask,
  historyTasks,
  loadCareManagers,
  recordedActions,
} from "./demo-history-store.ts";

/** What the recorder did with the planned entries. */
export interface WorkTally {
  recorded: number;
  /** Already in the task's history (an earlier run). */
  alreadyThere: number;
  /** Not recorded: the task was closed by then (cancelled, or excluded by a later event). */
  refused: number;
  /** Planned for a step that opened no task (the face-to-face step of the other length, say). */
  noTask: number;
}

export const emptyTally = (): WorkTally => ({ recorded: 0, alreadyThere: 0, refused: 0, noTask: 0 });

/** Records planned entries on the tasks of (visit, step); see the file comment. */
export interface TaskRecorder {
  record(
    visitNumber: string,
    stepId: string,
    careManager: CareManagerKey,
    action: PlannedAction,
    tally: WorkTally,
  ): Promise<void>;
}

const emailOf = (key: CareManagerKey) => DEMO_RECIPIENTS.find((r) => r.key === key)?.email ?? "";

export async function createTaskRecorder(pool: Pool): Promise<TaskRecorder> {
  const users = await loadCareManagers(pool);
  const tasks = new Map<string, HistoryTask[]>();
  const recorded = new Map<string, Set<string>>();
  const closed = new Set<string>();
  const tasksOf = async (visitNumber: string, stepId: string) => {
    const key = `${visitNumber}|${stepId}`;
    let found = tasks.get(key);
    if (found === undefined || found.length === 0) {
      found = (await historyTasks(pool, [visitNumber], new Set())).filter((t) => t.stepId === stepId);
      tasks.set(key, found);
    }
    return found;
  };
  return {
    async record(visitNumber, stepId, careManager, action, tally) {
      const found = await tasksOf(visitNumber, stepId);
      if (found.length === 0) tally.noTask++;
      for (const task of found) {
        if (closed.has(task.id)) {
          tally.refused++;
          continue;
        }
        let done = recorded.get(task.id);
        if (done === undefined) {
          done = await recordedActions(pool, task.id);
          recorded.set(task.id, done);
        }
        const key = `${action.kind}|${new Date(action.at).toISOString()}`;
        if (done.has(key)) {
          tally.alreadyThere++;
          continue;
        }
        const worker = workerOf(task, careManager, users);
        if (worker === undefined) continue;
        try {
          await changeTask(pool, {
            principal: worker.principal,
            actor: `user:${worker.principal.subject}`,
            taskId: task.id,
            change: changeOf(action),
            now: new Date(action.at),
            // The history enters nothing later than a few days after the fact.
            contactTimeMaxAgeDays: 30,
            audit: (db, access) => auditAs(db, worker.principal, action, access),
          });
          done.add(key);
          tally.recorded++;
        } catch (err) {
          if (!(err instanceof ApiError && err.statusCode === 409)) throw err;
          closed.add(task.id);
          tally.refused++;
        }
      }
    },
  };
}

/**
 * Who records the work: the care manager the task is assigned to when they sign in, else the one
 * the plan names, else the first care manager of the task's organization (a PCP's patients' calls
 * are made by the practice's care manager).
 */
function workerOf(
  task: HistoryTask,
  careManager: CareManagerKey,
  users: readonly CareManagerUser[],
): CareManagerUser | undefined {
  const mine = users.filter((u) => u.principal.organizationIds.includes(task.organizationId));
  return (
    mine.find((u) => u.principal.recipientId === task.assigneeRecipientId) ??
    mine.find((u) => u.email === emailOf(careManager)) ??
    mine[0]
  );
}

/** The task command for a planned entry. */
function changeOf(action: PlannedAction): TaskChange {
  const happenedAt = action.happenedAt === undefined ? undefined : new Date(action.happenedAt);
  if (action.kind === "attempt")
    return {
      kind: "attempt",
      method: action.method ?? "phone",
      outcome: action.outcome,
      note: action.note,
      ...(happenedAt === undefined ? {} : { at: happenedAt }),
    };
  return {
    kind: "complete",
    outcome: action.outcome,
    note: action.note,
    ...(happenedAt === undefined ? {} : { contactedAt: happenedAt }),
    ...(action.method === undefined ? {} : { contactMethod: action.method }),
  };
}

/**
 * The access-log row a click would write (`recordPatientAccess`), for the route it stands for; its
 * request id says it came from the demo's history, not from a browser.
 */
function auditAs(db: PoolClient, principal: Principal, action: PlannedAction, access: PatientAccess) {
  const route = action.kind === "attempt" ? "/api/tasks/:id/attempts" : "/api/tasks/:id/complete";
  const request = { principal, method: "POST", routeOptions: { url: route }, id: "demo-history" };
  return recordPatientAccess(db, request as unknown as FastifyRequest, [access]);
}
