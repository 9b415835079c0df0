import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi } from "../api.test-support.ts";

/**
 * Agreements and source conflicts through the API: a system admin grants an organization the
 * use of another authority's identifiers, after which its upload may name that authority's
 * patients; what the upload says is kept as its own and the disagreement is listed, never applied.
 */

let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("ownership");
});
afterAll(async () => t?.close());

/** Springvale's care-management list naming Riverside's patient RVP-2001 by Riverside's MRN. */
const listRvpPatient = () =>
  t.call("adminA", {
    method: "POST",
    url: "/api/admin/rosters?kind=enrollment&source=sfm-shared&org=SFM&asOf=2026-03-01",
    headers: { "content-type": "text/csv" },
    payload:
      "MRN,ID Type,ID Authority,Last Name,First Name,DOB,Sex,Program,Status\n" +
      "RVP-2001,MR,RVP,VANTERPOOL-SMITH,HENRIETTA,1950-05-05,F,shared-care,Active\n",
  });

describe("identifier agreements and source conflicts", () => {
  it("an upload refused for want of an agreement is taken once a system admin grants one, and refused again once it is ended", async () => {
    expect((await listRvpPatient()).json()).toMatchObject({ inserted: 0, errorCount: 1 });

    const granted = await t.call("root", {
      method: "POST",
      url: "/api/admin/identifier-agreements",
      payload: {
        organizationCode: "SFM",
        assigningAuthority: "RVP",
        typeCode: "mr",
        note: "shared care pilot",
      },
    });
    expect(granted.statusCode).toBe(200);
    expect(granted.json()).toMatchObject({
      organizationCode: "SFM",
      assigningAuthority: "RVP",
      typeCode: "MR",
    });
    const again = await t.call("root", {
      method: "POST",
      url: "/api/admin/identifier-agreements",
      payload: { organizationCode: "SFM", assigningAuthority: "RVP", typeCode: "MR" },
    });
    expect(again.json().id).toBe(granted.json().id);
    const unknown = await t.call("root", {
      method: "POST",
      url: "/api/admin/identifier-agreements",
      payload: { organizationCode: "NOSUCH", assigningAuthority: "RVP" },
    });
    expect(unknown.statusCode).toBe(404);
    expect((await t.call("root", { url: "/api/admin/identifier-agreements" })).json().items).toHaveLength(1);

    const taken = (await listRvpPatient()).json();
    expect(taken).toMatchObject({ status: "completed", inserted: 1, errorCount: 0 });
    expect(taken.message).toMatch(/disagree with another source/);

    // The patient's record still says what it said; the list's values are Springvale's own.
    const record = await t.pool.query(
      "SELECT family_name, birth_date::text AS dob FROM patients WHERE id = $1",
      [t.ids.pB1],
    );
    expect(record.rows).toEqual([{ family_name: "VANTERPOOL", dob: expect.any(String) }]);

    const conflicts = await t.call("root", { url: "/api/admin/demographic-conflicts" });
    expect(conflicts.statusCode).toBe(200);
    const [c] = conflicts.json().items;
    expect(c).toMatchObject({
      patientId: t.ids.pB1,
      status: "pending",
      sources: [
        { organizationCode: "SFM", source: "sfm-shared", familyName: "VANTERPOOL-SMITH" },
        { organizationCode: null, source: "patient record", familyName: "VANTERPOOL" },
      ],
    });
    expect(c.fields).toContain("family_name");
    const audit = await t.pool.query(
      "SELECT subject_id FROM audit_log WHERE action = 'demographic-conflict.list' AND subject_type = 'patient'",
    );
    expect(audit.rows).toEqual([{ subject_id: t.ids.pB1 }]);

    const resolved = await t.call("root", {
      method: "POST",
      url: `/api/admin/demographic-conflicts/${c.id}/resolve`,
    });
    expect(resolved.json()).toEqual({ id: c.id, status: "resolved" });
    const twice = await t.call("root", {
      method: "POST",
      url: `/api/admin/demographic-conflicts/${c.id}/resolve`,
    });
    expect(twice.statusCode).toBe(409);
    expect((await t.call("root", { url: "/api/admin/demographic-conflicts" })).json().items).toEqual([]);

    const ended = await t.call("root", {
      method: "DELETE",
      url: `/api/admin/identifier-agreements/${granted.json().id}`,
    });
    expect(ended.statusCode).toBe(204);
    const gone = await t.call("root", {
      method: "DELETE",
      url: `/api/admin/identifier-agreements/${granted.json().id}`,
    });
    expect(gone.statusCode).toBe(404);
    // Springvale now has the patient on an open list, so its own list may still name her; a new
    // Riverside patient it has no relationship with is refused again.
    const other = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/rosters?kind=enrollment&source=sfm-shared-2&org=SFM&asOf=2026-03-02",
      headers: { "content-type": "text/csv" },
      payload:
        "MRN,ID Type,ID Authority,Last Name,First Name,DOB,Sex,Program,Status\n" +
        "RVP-2999,MR,RVP,NEWPERSON,ALEX,1970-01-01,M,shared-care,Active\n",
    });
    expect(other.json()).toMatchObject({ inserted: 0, errorCount: 1 });
  });
});
