import type { Pool, PoolClient } from "@homeward/db";
import {
  changeTask as changeStoredTask,
  type TaskAccess,
  type TaskChange,
  TaskChangeRefused,
} from "@homeward/tasks";
import type { PatientAccess } from "../audit.ts";
import { canReadOrganization, type Principal } from "../auth/principal.ts";
import { ApiError } from "../errors.ts";

export type { TaskChange } from "@homeward/tasks";

/** The status each refusal of the tasks family answers with. */
const STATUS: Record<TaskChangeRefused["reason"], number> = { not_found: 404, conflict: 409, invalid: 400 };

/**
 * One change to a task on behalf of a signed-in principal (@homeward/tasks `changeTask`: the row
 * lock, history, contact times and workspace notification): a task of an organization the principal
 * may not read is "not found" (404); a closed task or a task never reached 409; an unusable time or
 * recipient 400. The access-log row is the api's, written in the change's transaction.
 */
export async function changeTask(
  pool: Pool,
  input: {
    principal: Principal;
    actor: string;
    taskId: string;
    change: TaskChange;
    now: Date;
    /** How many days back a contact or attempt time may be entered (CONTACT_TIME_MAX_AGE_DAYS). */
    contactTimeMaxAgeDays: number;
    audit: (db: PoolClient, access: PatientAccess) => Promise<void>;
  },
): Promise<void> {
  const { principal, audit, ...change } = input;
  try {
    await changeStoredTask(pool, {
      ...change,
      mayChange: (organizationId) => canReadOrganization(principal, organizationId),
      audit: (db, access: TaskAccess) => audit(db, access),
    });
  } catch (err) {
    if (!(err instanceof TaskChangeRefused)) throw err;
    throw new ApiError(STATUS[err.reason], err.code, err.message, err.details);
  }
}
