import { recordAuditEvent, recordPatientAccessRows } from "@homeward/audit";
import type { Pool, PoolClient } from "@homeward/db";
import type { FastifyRequest } from "fastify";
import type { Principal } from "./auth/principal.ts";

/** What one request did to which patients of one organization. */
export interface PatientAccess {
  /** `task.list`, `task.read`, `task.attempt`, `care-management.list`... */
  action: string;
  /** null when the read is not on behalf of one organization (a system admin's review queue). */
  organizationId: string | null;
  patientIds: readonly string[];
  /** Ids of what was touched (task id, enrollment id); never demographics. */
  detail?: Record<string, unknown>;
}

/**
 * One access per organization for rows that each show a patient of an organization (a list, a
 * report): the organizations in the order their first row came.
 */
export function accessesByOrganization<T>(
  rows: readonly T[],
  of: (row: T) => { organizationId: string; patientId: string },
  access: { action: string; detail?: Record<string, unknown> },
): PatientAccess[] {
  const patients = new Map<string, string[]>();
  for (const row of rows) {
    const { organizationId, patientId } = of(row);
    const ids = patients.get(organizationId);
    if (ids === undefined) patients.set(organizationId, [patientId]);
    else ids.push(patientId);
  }
  return [...patients].map(([organizationId, patientIds]) => ({ ...access, organizationId, patientIds }));
}

/** How a principal appears in audit rows and task history: `user:<id>`, or `fhir-client:<client_id>`. */
export const actorOf = (principal: Principal) =>
  principal.role === "fhir_client" ? `fhir-client:${principal.subject}` : `user:${principal.subject}`;

/**
 * Writes the access audit rows of one request in one statement: a row per (organization, patient)
 * with the principal, the action and the route, so "who read which patient's data" can be answered
 * per patient. Pass the transaction's client for writes, so the audit row commits with the change.
 * A read whose audit cannot be written fails (the caller gets a 500, not the data).
 */
export async function recordPatientAccess(
  db: Pool | PoolClient,
  request: FastifyRequest,
  accesses: readonly PatientAccess[],
): Promise<void> {
  const rows = accesses.flatMap((a) =>
    [...new Set(a.patientIds)].map((patientId) => ({
      action: a.action,
      organizationId: a.organizationId,
      patientId,
      detail: JSON.stringify({
        role: request.principal.role,
        route: `${request.method} ${request.routeOptions.url ?? ""}`,
        requestId: request.id,
        ...a.detail,
      }),
    })),
  );
  await recordPatientAccessRows(db, actorOf(request.principal), rows);
}

/** An audit row for an administrative change that touches no patient (a recipient, a roster run). */
export async function recordAdminAction(
  db: Pool | PoolClient,
  request: FastifyRequest,
  entry: { action: string; subjectType: string; subjectId: string; organizationId?: string; detail?: object },
): Promise<void> {
  await recordAuditEvent(db, {
    actor: actorOf(request.principal),
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    organizationId: entry.organizationId ?? null,
    detail: { role: request.principal.role, requestId: request.id, ...entry.detail },
  });
}
