import { createPool, inTransaction, migrate, type Pool } from "@homeward/db";
import { isolation } from "@homeward/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordAuditEvent, recordAuditRows, recordPatientAccessRows } from "./audit-store.ts";

// The audit log's writers against a real PostgreSQL: the row each writes, and that a row written
// in a transaction goes with it.

let pool: Pool;
beforeEach(async () => {
  const iso = isolation("audit-store");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
});
afterEach(async () => {
  await pool?.end();
});

const rows = async () =>
  (
    await pool.query<{
      actor: string;
      action: string;
      subject_type: string;
      subject_id: string;
      organization_id: string | null;
      detail: unknown;
    }>(
      `SELECT actor, action, subject_type, subject_id, organization_id::text, detail
         FROM audit_log ORDER BY id`,
    )
  ).rows;

describe("@homeward/audit", () => {
  it("writes one event with its actor, subject, organization and detail; no organization and no detail by default", async () => {
    const { rows: org } = await pool.query<{ id: string }>(
      "INSERT INTO organizations (code, name, kind) VALUES ('AUD', 'Audit Test Practice', 'practice') RETURNING id::text",
    );
    const orgId = org[0]?.id ?? "";
    await recordAuditEvent(pool, {
      actor: "user:7",
      action: "invitation.accept",
      subjectType: "user",
      subjectId: "7",
      organizationId: orgId,
      detail: { requestId: "r-1" },
    });
    await recordAuditEvent(pool, {
      actor: "matcher",
      action: "merge-identifiers",
      subjectType: "patient",
      subjectId: "42",
    });
    expect(await rows()).toEqual([
      {
        actor: "user:7",
        action: "invitation.accept",
        subject_type: "user",
        subject_id: "7",
        organization_id: orgId,
        detail: { requestId: "r-1" },
      },
      {
        actor: "matcher",
        action: "merge-identifiers",
        subject_type: "patient",
        subject_id: "42",
        organization_id: null,
        detail: {},
      },
    ]);
  });

  it("writes a batch under one actor, patient accesses as subject patient, and nothing for no rows", async () => {
    await recordAuditRows(pool, "matcher", "event", [
      { action: "suppress", subjectId: "ev-1", organizationId: null, detail: '{"reason":"opt-out"}' },
      { action: "suppress", subjectId: "ev-2", organizationId: null, detail: '{"reason":"sensitive"}' },
    ]);
    await recordPatientAccessRows(pool, "user:3", [
      { action: "task.read", organizationId: null, patientId: "11", detail: '{"route":"GET /tasks/:id"}' },
    ]);
    await recordPatientAccessRows(pool, "user:3", []);
    expect(await rows()).toEqual([
      expect.objectContaining({
        actor: "matcher",
        subject_type: "event",
        subject_id: "ev-1",
        detail: { reason: "opt-out" },
      }),
      expect.objectContaining({
        actor: "matcher",
        subject_type: "event",
        subject_id: "ev-2",
        detail: { reason: "sensitive" },
      }),
      expect.objectContaining({
        actor: "user:3",
        action: "task.read",
        subject_type: "patient",
        subject_id: "11",
        detail: { route: "GET /tasks/:id" },
      }),
    ]);
  });

  it("rolls back with the transaction it was written in", async () => {
    await expect(
      inTransaction(pool, async (client) => {
        await recordAuditEvent(client, {
          actor: "user:1",
          action: "rule.update",
          subjectType: "rule",
          subjectId: "5",
        });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await rows()).toEqual([]);
  });
});
