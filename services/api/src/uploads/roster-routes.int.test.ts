import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi } from "../api.test-support.ts";

let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("adminrosters");
});
afterAll(async () => t?.close());

const upload = (path: string, query: string, body: string) =>
  t.call("adminA", {
    method: "POST",
    url: `/api/admin/${path}?${query}`,
    headers: { "content-type": "text/csv" },
    payload: body,
  });

const patient = async (mrn: string) =>
  (
    await t.pool.query(
      `SELECT p.birth_date::text, p.sex FROM patients p JOIN patient_identifiers pi ON pi.patient_id = p.id
        WHERE pi.value = $1`,
      [mrn],
    )
  ).rows;

describe("POST /api/admin/rosters: fields a file leaves empty", () => {
  const PANEL = "MRN,Last Name,First Name,patient_birth_dt,Sex\nSFM-5001,NEWCOMBE,ALMA,1970-01-02,F\n";
  const query = "kind=panel&source=sfm-panel-2&org=SFM";

  it("rejects, dry run included, a column that looks like a birth date but is not mapped; allowMissing lets it through", async () => {
    for (const dry of ["&dryRun=true", ""]) {
      const res = await upload("rosters", `${query}${dry}`, PANEL);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: "rejected", inserted: 0 });
      expect(res.json().message).toContain(
        'birthDate would be missing from every row: column "patient_birth_dt" looks like it but is not mapped',
      );
    }
    expect(await patient("SFM-5001")).toEqual([]);

    const allowed = await upload("rosters", `${query}&allowMissing=birthDate`, PANEL);
    expect(allowed.json()).toMatchObject({
      status: "completed",
      inserted: 1,
      unmappedColumns: ["patient_birth_dt"],
    });
    expect(await patient("SFM-5001")).toEqual([{ birth_date: null, sex: "F" }]);
  });

  it("reads a birth_date header; an allowMissing name that is no field is a 400", async () => {
    const res = await upload(
      "rosters",
      "kind=panel&source=sfm-panel-3&org=SFM",
      "mrn,last_name,first_name,birth_date,gender\nSFM-5002,SAMPLE,BEN,1962-03-15,M\n",
    );
    expect(res.json()).toMatchObject({ status: "completed", inserted: 1, errorCount: 0 });
    expect(await patient("SFM-5002")).toEqual([{ birth_date: "1962-03-15", sex: "M" }]);

    const unknown = await upload("rosters", `${query}&allowMissing=birthDate,shoeSize`, PANEL);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { code: "import_refused" } });
  });
});

describe("POST /api/admin/consents/import: fields a file leaves empty", () => {
  it("rejects a birth-date look-alike column unless allowMissing names the field (repeated or comma-separated)", async () => {
    const body = "MRN,ID Type,member_birth_dt,Decision\nSFM-1001,MR,1958-04-12,opt-out\n";
    const refused = await upload("consents/import", "org=SFM&source=sfm-consents-2", body);
    expect(refused.json()).toMatchObject({ status: "rejected", inserted: 0 });
    expect(refused.json().message).toContain('column "member_birth_dt" looks like it but is not mapped');
    const allowed = await upload(
      "consents/import",
      "org=SFM&source=sfm-consents-2&allowMissing=birthDate&allowMissing=note",
      body,
    );
    expect(allowed.json()).toMatchObject({ status: "completed", inserted: 1 });
  });
});
