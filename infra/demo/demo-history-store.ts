/**
 * What the demo's history replay reads (demo-history-replay.ts, demo-history-work.ts) beyond the
 * owners' stores: who the care managers are (@homeward/directory), how far the pipeline has got,
 * and the access-log row each recorded entry writes as a click would. The tasks themselves, and
 * the monthly summary of them, are read and changed through @homeward/tasks.
 */
import { recordPatientAccessRows } from "@homeward/audit";
import type { Pool, PoolClient } from "@homeward/db";
import { listUserAccounts } from "@homeward/directory";
import type { TaskAccess } from "@homeward/tasks";

/** A care manager who can sign in: their user id, organizations and recipient, by email. */
export interface CareManagerUser {
  email: string;
  userId: string;
  organizationIds: readonly string[];
  recipientId?: string;
}

/** The active care-manager users with their organizations and recipient, by email. */
export async function loadCareManagers(pool: Pool, now: Date): Promise<CareManagerUser[]> {
  const accounts = await listUserAccounts(pool, null, now);
  return accounts
    .filter((a) => a.role === "care_manager" && a.active)
    .map((a) => ({
      email: a.email.toLowerCase(),
      userId: a.id,
      organizationIds: a.organizations.map((o) => o.id),
      ...(a.recipient === null ? {} : { recipientId: a.recipient.id }),
    }));
}

/**
 * The access-log rows the api writes for a care manager's click on `route` (its recordPatientAccess:
 * one per patient, actor `user:<id>`, through @homeward/audit's writer), in the change's
 * transaction; the request id says they came from the demo's history, not from a browser.
 */
export async function recordDemoAccess(
  db: PoolClient,
  user: CareManagerUser,
  route: string,
  access: TaskAccess,
): Promise<void> {
  const detail = JSON.stringify({
    role: "care_manager",
    route: `POST ${route}`,
    requestId: "demo-history",
    ...access.detail,
  });
  await recordPatientAccessRows(
    db,
    `user:${user.userId}`,
    [...new Set(access.patientIds)].map((patientId) => ({
      action: access.action,
      organizationId: access.organizationId,
      patientId,
      detail,
    })),
  );
}

/**
 * What the notifier has handled of each visit: its events (one announcement or more each) and
 * announcements (one per event and organization told). An event's tasks, cancellations and
 * exclusions commit with its announcement.
 */
export async function handledByVisit(
  pool: Pool,
  visitNumbers: readonly string[],
): Promise<Map<string, { events: number; announcements: number }>> {
  const { rows } = await pool.query<{ visit_number: string; events: number; announcements: number }>(
    `SELECT visit_number, count(DISTINCT event_id)::int AS events, count(*)::int AS announcements
       FROM matched_events WHERE visit_number = ANY($1::text[]) GROUP BY visit_number`,
    [[...visitNumbers]],
  );
  return new Map(rows.map((r) => [r.visit_number, { events: r.events, announcements: r.announcements }]));
}
