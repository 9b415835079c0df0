import type { Pool, PoolClient } from "@homeward/db";

/**
 * The writers of the audit log (`audit_log`): who read or changed what, kept for the access-log
 * screen and for audits. Every row is an actor (`user:<id>`, `matcher`…), an action, a subject
 * (a patient, an event, a user…), the organization it concerns when there is one, and a JSON
 * detail that never carries demographics. Pass a transaction's client so the rows commit with the
 * change they record.
 */

/** One audit row. */
export interface AuditEntry {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  organizationId?: string | null;
  detail?: object;
}

/** Writes one audit row: something done outside a batch (an invitation accepted, a password changed). */
export async function recordAuditEvent(db: Pool | PoolClient, entry: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (actor, action, subject_type, subject_id, organization_id, detail)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      entry.actor,
      entry.action,
      entry.subjectType,
      entry.subjectId,
      entry.organizationId ?? null,
      JSON.stringify(entry.detail ?? {}),
    ],
  );
}

/** One row of a batch under one actor; `detail` is JSON text. */
export interface AuditRow {
  action: string;
  subjectId: string;
  organizationId: string | null;
  detail: string;
}

/**
 * Writes a batch of rows about subjects of one type, all under one actor, in one statement: a
 * request's patient accesses, the matcher's suppressed events. Nothing is written for no rows.
 */
export async function recordAuditRows(
  db: Pool | PoolClient,
  actor: string,
  subjectType: string,
  rows: readonly AuditRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO audit_log (actor, action, subject_type, subject_id, organization_id, detail)
     SELECT $1, action, $2, subject_id, organization_id, detail
       FROM unnest($3::text[], $4::text[], $5::bigint[], $6::jsonb[]) AS r(action, subject_id, organization_id, detail)`,
    [
      actor,
      subjectType,
      rows.map((r) => r.action),
      rows.map((r) => r.subjectId),
      rows.map((r) => r.organizationId),
      rows.map((r) => r.detail),
    ],
  );
}

/** One patient-access row as the request that read or changed the patient's data writes it. */
export interface PatientAccessRow {
  action: string;
  organizationId: string | null;
  patientId: string;
  /** JSON text: role, route, request id and the caller's detail (never demographics). */
  detail: string;
}

/**
 * Writes one request's patient-access rows (subject `patient`) in one statement, all under one
 * actor: the api's recordPatientAccess, and the demo's history as a click would.
 */
export async function recordPatientAccessRows(
  db: Pool | PoolClient,
  actor: string,
  rows: readonly PatientAccessRow[],
): Promise<void> {
  await recordAuditRows(
    db,
    actor,
    "patient",
    rows.map((r) => ({
      action: r.action,
      subjectId: r.patientId,
      organizationId: r.organizationId,
      detail: r.detail,
    })),
  );
}
