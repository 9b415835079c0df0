import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi } from "../api.test-support.ts";

// The review queue's answer for the screen: the message's values beside each candidate's, field by
// field, with the matcher's agreement level and weight, and what confirming does with each of the
// message's identifiers. The seed's review: the hospital sent QUILFEATHER (one L) MARISOL, born
// 1958-04-12, F, with MERCYGEN MR MG-555001, SFM MR SFM-1002 (OTIS's) and NOAUTH-1 (no authority).

let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("admin-review-queue");
});
afterAll(async () => t?.close());

const field = (fields: { field: string }[], name: string) => fields.find((f) => f.field === name);

describe("GET /api/admin/reviews for the screen", () => {
  it("puts the message beside each candidate, field by field, with level and weight", async () => {
    const res = await t.call("root", { url: "/api/admin/reviews" });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(1);
    const [marisol, henrietta] = body.items[0].candidates;
    // QUILFEATHER vs QUILLFEATHER: one letter dropped, a typo: log2(.03/.001) = 4.91.
    expect(field(marisol.fields, "family")).toEqual({
      field: "family",
      incoming: "QUILFEATHER",
      candidate: "QUILLFEATHER",
      level: "close",
      weight: 4.9,
    });
    // log2(.85/.004) = 7.73; log2(.95/.00005) = 14.21; log2(.98/.5) = 0.97.
    expect(field(marisol.fields, "given")).toMatchObject({ level: "exact", weight: 7.7 });
    expect(field(marisol.fields, "birthDate")).toMatchObject({
      incoming: "1958-04-12",
      candidate: "1958-04-12",
      level: "exact",
      weight: 14.2,
    });
    expect(field(marisol.fields, "sex")).toMatchObject({ level: "agree", weight: 1 });
    // Neither side has a postal code: missing weighs nothing.
    expect(field(marisol.fields, "postalCode")).toMatchObject({
      incoming: null,
      candidate: null,
      level: "missing",
      weight: 0,
    });
    // HENRIETTA VANTERPOOL, 1961-07-30: log2(.04/.9865) = -4.62, log2(.02/.962) = -5.59, log2(.008/.9955) = -6.96.
    expect(henrietta.fields.map((f: { weight: number }) => f.weight)).toEqual([
      -4.6, -5.6, 0, 0, -7, 1, 0, 0,
    ]);
    expect(marisol.identifiers).toEqual([{ value: "SFM-1001", typeCode: "MR", assigningAuthority: "SFM" }]);
    expect(marisol.organizations).toEqual(["BlueCare Plan", "Springvale Family Medicine"]);
    expect(
      marisol.identifierComparison.map((i: { value: string; status: string }) => [i.value, i.status]),
    ).toEqual([
      ["MG-555001", "new"],
      ["SFM-1002", "held-by-other"],
      ["NOAUTH-1", "no-authority"],
    ]);
    expect(marisol.notes).toEqual(["birth date agrees", "name is close"]);
  });

  it("says when a candidate already holds the message's identifier or another of its kind", async () => {
    await t.pool.query(
      `INSERT INTO match_reviews (event_id, facility, reason, candidates, event_patient, event_kind, event_occurred_at, created_at)
       VALUES ('evt-review-q2', 'MERCYGEN', 'between-thresholds', $1, $2, 'inpatient-admit', now(), now() + interval '1 minute')`,
      [
        JSON.stringify([{ patientId: t.ids.pA1, score: 22.5, notes: [] }]),
        JSON.stringify({
          identifiers: [
            { value: "SFM-1001", typeCode: "MR", assigningAuthority: "SFM" },
            { value: "SFM-9999", typeCode: "MR", assigningAuthority: "SFM" },
          ],
          name: { family: "QUILLFEATHER", given: "MARI" },
          birthDate: "1958-12-04",
          sex: "F",
          addresses: [{ postalCode: "45501" }],
          telecoms: [],
        }),
      ],
    );
    const res = await t.call("root", { url: "/api/admin/reviews?limit=1&offset=1" });
    const body = res.json();
    expect(body.total).toBe(2);
    expect(body.items.map((r: { eventId: string }) => r.eventId)).toEqual(["evt-review-q2"]);
    const [c] = body.items[0].candidates;
    expect(c.identifierComparison.map((i: { status: string }) => i.status)).toEqual(["same", "other-value"]);
    // 12/04 against 04/12: day and month swapped, log2(.012/.00005) = 7.91.
    expect(field(c.fields, "birthDate")).toMatchObject({ level: "transposed", weight: 7.9 });
    // The hospital's ZIP against none on file.
    expect(field(c.fields, "postalCode")).toMatchObject({
      incoming: "45501",
      candidate: null,
      level: "missing",
    });
  });

  it("lists decided reviews newest decision first, with who decided", async () => {
    const confirm = await t.call("root", {
      method: "POST",
      url: "/api/admin/reviews/evt-review-1/confirm",
      payload: { patientId: t.ids.pA1 },
    });
    expect(confirm.statusCode).toBe(200);
    const decided = (await t.call("root", { url: "/api/admin/reviews?status=confirmed" })).json();
    expect(decided.total).toBe(1);
    expect(decided.items[0]).toMatchObject({
      eventId: "evt-review-1",
      decidedByName: "root@homeward.example",
      decidedPatientId: t.ids.pA1,
    });
    // Confirmed: MG-555001 is now MARISOL's own.
    expect(
      decided.items[0].candidates[0].identifierComparison.map((i: { status: string }) => i.status),
    ).toEqual(["same", "held-by-other", "no-authority"]);
    const pending = (await t.call("root", { url: "/api/admin/reviews" })).json();
    expect(pending.total).toBe(1);
    const audit = await t.pool.query(
      "SELECT action, subject_id FROM audit_log WHERE action IN ('review.confirm', 'review.list') ORDER BY id",
    );
    expect(audit.rows).toContainEqual({ action: "review.confirm", subject_id: t.ids.pA1 });
  });

  it("is for system admins only", async () => {
    expect((await t.call("adminA", { url: "/api/admin/reviews" })).statusCode).toBe(403);
  });
});
