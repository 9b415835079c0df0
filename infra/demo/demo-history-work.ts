/**
 * Records the care team's planned work (demo-history-care.ts) on the history's tasks through the
 * tasks family's own command (@homeward/tasks `changeTask`, which the api's routes call: the same
 * row lock, history rows, contact times and workspace notifications as a click in the dashboard,
 * with the access-log rows the api writes), each entry dated at its planned past instant, as the
 * care manager who works the task. Idempotent: an entry already in a task's
 * history (same kind, same instant, by a user) is not recorded again; a task closed meanwhile (a
 * later event cancelled or excluded it) keeps what it has and is left alone.
 */
import type { Pool } from "@homeward/db";
import {
  careTeamEntries,
  changeTask,
  type TaskChange,
  TaskChangeRefused,
  tasksOfVisits,
  type VisitTask,
} from "@homeward/tasks";
import { DEMO_RECIPIENTS } from "./demo-directory.ts";
import type { CareManagerKey, PlannedAction } from "./demo-history-care.ts";
import { type CareManagerUser, loadCareManagers, recordDemoAccess } from "./demo-history-store.ts";

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
  const users = await loadCareManagers(pool, new Date());
  const tasks = new Map<string, VisitTask[]>();
  const recorded = new Map<string, Set<string>>();
  const closed = new Set<string>();
  const tasksOf = async (visitNumber: string, stepId: string) => {
    const key = `${visitNumber}|${stepId}`;
    let found = tasks.get(key);
    if (found === undefined || found.length === 0) {
      found = (await tasksOfVisits(pool, [visitNumber], new Set())).filter((t) => t.stepId === stepId);
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
          done = await recordedEntries(pool, task.id);
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
            mayChange: (organizationId) => worker.organizationIds.includes(organizationId),
            actor: `user:${worker.userId}`,
            taskId: task.id,
            change: changeOf(action),
            now: new Date(action.at),
            // The history enters nothing later than a few days after the fact.
            contactTimeMaxAgeDays: 30,
            audit: (db, access) => recordDemoAccess(db, worker, routeOf(action), access),
          });
          done.add(key);
          tally.recorded++;
        } catch (err) {
          if (!(err instanceof TaskChangeRefused && err.reason === "conflict")) throw err;
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
  task: VisitTask,
  careManager: CareManagerKey,
  users: readonly CareManagerUser[],
): CareManagerUser | undefined {
  const mine = users.filter((u) => u.organizationIds.includes(task.organizationId));
  return (
    mine.find((u) => u.recipientId === task.assigneeRecipientId) ??
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

/** The api route a planned entry stands for (what its access-log row names). */
const routeOf = (action: PlannedAction) =>
  action.kind === "attempt" ? "/api/tasks/:id/attempts" : "/api/tasks/:id/complete";

/** The care team's entries already on a task, as `kind|instant` keys: what a rerun skips. */
async function recordedEntries(pool: Pool, taskId: string): Promise<Set<string>> {
  const entries = await careTeamEntries(pool, taskId);
  return new Set(
    entries.map((e) => `${e.action === "completed" ? "complete" : e.action}|${e.at.toISOString()}`),
  );
}
