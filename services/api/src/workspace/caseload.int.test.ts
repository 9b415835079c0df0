import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi, type UserKey } from "../api.test-support.ts";
import type { Caseload } from "./caseload-schemas.ts";

let t: ApiTest;

beforeAll(async () => {
  t = await startTestApi("caseload");
  const patient = async (family: string) =>
    String(
      (
        await t.pool.query<{ id: string }>(
          "INSERT INTO patients (family_name, given_name, birth_date, sex) VALUES ($1, 'TEST', '1950-01-01', 'F') RETURNING id",
          [family],
        )
      ).rows[0]?.id,
    );
  const enroll = (patientId: string, program: string, tier: string, status: string, careManager: string) =>
    t.pool.query(
      `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, status, source,
              effective_from, risk_tier, care_manager_recipient_id)
       VALUES ($1, $2, $3, $3, $4, 'sfm-cm-extra', '2025-06-01', $5, $6)`,
      [patientId, program, t.ids.practiceA, status, tier, careManager],
    );
  // Casey Morgan: MARISOL (Priority I, on two programmes), OTIS (II) and a third Priority I patient.
  await t.pool.query(
    "UPDATE care_management_enrollments SET care_manager_recipient_id = $1 WHERE id = ANY($2)",
    [t.ids.cmA, [t.ids.enrollA1, t.ids.enrollA2]],
  );
  await enroll(t.ids.pA1, "diabetes", "I", "active", t.ids.cmA);
  await enroll(await patient("CASELOADTHREE"), "complex-care", "I", "active", t.ids.cmA);
  // Robin Lee: one tracking-list patient, and one whose enrollment has ended (not counted).
  await enroll(await patient("CASELOADFOUR"), "complex-care", "III", "tracking_list", t.ids.cmA2);
  await t.pool.query(
    `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, status, source,
            effective_from, effective_to, risk_tier, care_manager_recipient_id)
     VALUES ($1, 'complex-care', $2, $2, 'active', 'sfm-old', '2024-01-01', '2025-01-01', 'I', $3)`,
    [await patient("CASELOADGONE"), t.ids.practiceA, t.ids.cmA2],
  );
});
afterAll(async () => t?.close());

const caseload = async (as: UserKey, query = "") => {
  const res = await t.call(as, { url: `/api/caseload${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Caseload>();
};
const setTargets = (as: UserKey, organizationId: string, targets: Record<string, number>) =>
  t.call(as, { method: "PUT", url: "/api/caseload/targets", payload: { organizationId, targets } });

describe("GET /api/caseload", () => {
  it("gives a supervisor a row per care manager: patients by tier and status, tasks, against the default targets", async () => {
    const body = await caseload("adminA");
    expect(body.organizations).toHaveLength(1);
    const [sfm] = body.organizations;
    expect(sfm?.organization).toEqual({
      id: t.ids.practiceA,
      code: "SFM",
      name: "Springvale Family Medicine",
    });
    expect(sfm?.targets).toEqual({ priorityOne: 75, totalMin: 180, totalMax: 220 });
    expect(sfm?.careManagers).toEqual([
      {
        careManager: { id: t.ids.cmA, displayName: "Casey Morgan", active: true },
        byTier: [
          { tier: "I", active: 2, monitor: 0, trackingList: 0 },
          { tier: "II", active: 1, monitor: 0, trackingList: 0 },
        ],
        priorityOne: 2,
        total: 3,
        tasks: { open: 2, overdue: 1 },
        priorityOneStatus: "within",
        totalStatus: "under",
      },
      {
        careManager: { id: t.ids.cmA2, displayName: "Robin Lee", active: true },
        byTier: [{ tier: "III", active: 0, monitor: 0, trackingList: 1 }],
        priorityOne: 0,
        total: 1,
        tasks: { open: 0, overdue: 0 },
        priorityOneStatus: "within",
        totalStatus: "under",
      },
    ]);
    // task-a2 has no assignee; every enrollment on SFM's own list names a care manager.
    expect(sfm?.unassigned).toEqual({ patients: 0, byTier: [], tasks: { open: 1, overdue: 0 } });
  });

  it("holds rows against the organization's own targets once a supervisor sets them (validated)", async () => {
    const bad = await setTargets("adminA", t.ids.practiceA, { priorityOne: 10, totalMin: 50, totalMax: 40 });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, "validation_failed"]);
    expect(
      (await setTargets("adminA", t.ids.practiceA, { priorityOne: 0, totalMin: 1, totalMax: 2 })).statusCode,
    ).toBe(400);
    expect(
      (await setTargets("cmA", t.ids.practiceA, { priorityOne: 1, totalMin: 1, totalMax: 2 })).statusCode,
    ).toBe(403);
    const ok = await setTargets("adminA", t.ids.practiceA, { priorityOne: 1, totalMin: 1, totalMax: 2 });
    expect([ok.statusCode, ok.json()]).toEqual([200, { priorityOne: 1, totalMin: 1, totalMax: 2 }]);
    const [sfm] = (await caseload("adminA")).organizations;
    expect(sfm?.targets).toEqual({ priorityOne: 1, totalMin: 1, totalMax: 2 });
    expect(
      sfm?.careManagers.map((r) => [r.careManager.displayName, r.priorityOneStatus, r.totalStatus]),
    ).toEqual([
      ["Casey Morgan", "over", "over"],
      ["Robin Lee", "within", "within"],
    ]);
    const audit = await t.pool.query(
      "SELECT subject_type, subject_id, detail FROM audit_log WHERE action = 'caseload.targets' AND actor = $1",
      [`user:${decodeJwt(t.tokens.adminA).sub}`],
    );
    expect(audit.rows).toEqual([
      {
        subject_type: "organization",
        subject_id: t.ids.practiceA,
        detail: expect.objectContaining({ priorityOne: 1, totalMin: 1, totalMax: 2 }),
      },
    ]);
  });

  it("shows a care manager their own row only", async () => {
    const [sfm] = (await caseload("cmA")).organizations;
    expect(sfm?.careManagers.map((r) => r.careManager.id)).toEqual([t.ids.cmA]);
    expect(sfm?.unassigned).toBeNull();
    expect((await t.call("qualityA", { url: "/api/caseload" })).statusCode).toBe(403);
  });

  it("never shows another practice's people or counts, nor lets its targets be set", async () => {
    const other = await t.call("adminA", { url: `/api/caseload?organizationId=${t.ids.practiceB}` });
    expect(other.statusCode).toBe(404);
    const all = await t.call("adminA", { url: "/api/caseload" });
    for (const marker of ["Jordan Price", "Riverside", "RVP"]) expect(all.body).not.toContain(marker);
    expect(
      (await setTargets("adminA", t.ids.practiceB, { priorityOne: 1, totalMin: 1, totalMax: 2 })).statusCode,
    ).toBe(404);
    expect((await caseload("adminB")).organizations[0]?.targets).toEqual({
      priorityOne: 75,
      totalMin: 180,
      totalMax: 220,
    });
    expect((await caseload("adminB")).organizations.map((o) => o.organization.code)).toEqual(["RVP"]);
    expect((await caseload("root")).organizations.map((o) => o.organization.code)).toEqual([
      "BCP",
      "RVP",
      "SFM",
    ]);
  });

  it("records each organization read in the access log (counts only, no patient named)", async () => {
    const actor = `user:${decodeJwt(t.tokens.adminB).sub}`;
    await t.pool.query("DELETE FROM audit_log WHERE actor = $1", [actor]);
    await caseload("adminB");
    const { rows } = await t.pool.query(
      "SELECT action, subject_type, subject_id, organization_id::text FROM audit_log WHERE actor = $1",
      [actor],
    );
    expect(rows).toEqual([
      {
        action: "caseload.read",
        subject_type: "organization",
        subject_id: t.ids.practiceB,
        organization_id: t.ids.practiceB,
      },
    ]);
  });
});
