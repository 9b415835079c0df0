import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_PROTOCOLS } from "@homeward/protocols";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi } from "../api.test-support.ts";

// The combined high-risk list marks who is high-risk by the protocols file's one definition, the one
// the quality reports count (docs/measures.md). Practice A's shared seed: QUILLFEATHER (tier I on both
// lists) and ABERNATHY (tier II, practice flag); this test adds a tier III patient on A's list with no
// flag, high-risk only where the program counts list membership.

const apis: ApiTest[] = [];
afterAll(async () => {
  for (const api of apis) await api.close();
});

async function withTierThree(env: Record<string, string> = {}): Promise<{ t: ApiTest; tierThree: string }> {
  const t = await startTestApi(`hrdef${apis.length}`, env);
  apis.push(t);
  const patient = await t.pool.query<{ id: string }>(
    "INSERT INTO patients (family_name, given_name) VALUES ('TERTIUS', 'TEST') RETURNING id::text",
  );
  const tierThree = patient.rows[0]?.id ?? "";
  await t.pool.query(
    `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, status, source,
            effective_from, risk_tier)
     VALUES ($1, 'complex-care', $2, $2, 'active', 'sfm-tier3', '2025-06-01', 'III')`,
    [tierThree, t.ids.practiceA],
  );
  return { t, tierThree };
}

const flags = async (t: ApiTest) => {
  const res = await t.call("adminA", {
    url: `/api/care-management/high-risk-list?organizationId=${t.ids.practiceA}`,
  });
  expect(res.statusCode).toBe(200);
  return Object.fromEntries(
    res
      .json<{ entries: { patient: { id: string }; highRisk: boolean }[] }>()
      .entries.map((e) => [e.patient.id, e.highRisk]),
  );
};

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "homeward-hr-"));
});

describe("the combined list's high-risk mark", () => {
  it("by default: tier I or II, or the practice flag; tier III is on the list but not high-risk", async () => {
    const { t, tierThree } = await withTierThree();
    expect(await flags(t)).toEqual({ [t.ids.pA1]: true, [t.ids.pA2]: true, [tierThree]: false });
  });

  it("follows the protocols file: a program whose list membership is enough marks everyone on it", async () => {
    const file = join(dir, "protocols.json");
    await writeFile(
      file,
      JSON.stringify({
        ...DEFAULT_PROTOCOLS,
        programs: [{ program: "complex-care", highRisk: { listStatuses: ["active"] } }],
      }),
    );
    const { t, tierThree } = await withTierThree({ PROTOCOLS_FILE: file });
    expect(await flags(t)).toEqual({ [t.ids.pA1]: true, [t.ids.pA2]: true, [tierThree]: true });
  });
});
