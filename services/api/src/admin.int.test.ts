import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi } from "./api.test-support.ts";

let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("admin");
});
afterAll(async () => t?.close());

const PANEL = [
  "MRN,Last Name,First Name,DOB,Sex,Zip Code",
  "SFM-3001,NEWCOMBE,ALMA,1970-01-02,F,02139",
  "SFM-3002,BADDATE,BEN,31/31/1970,M,02139",
  "",
].join("\n");
const upload = (query: string, body = PANEL, contentType = "text/csv") =>
  t.call("adminA", {
    method: "POST",
    url: `/api/admin/rosters?${query}`,
    headers: { "content-type": contentType },
    payload: body,
  });

describe("POST /api/admin/rosters", () => {
  it("dry-runs a roster through the import and reports its row errors, writing nothing", async () => {
    const res = await upload("kind=panel&source=sfm-panel&org=SFM&dryRun=true&asOf=2026-03-10");
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({
      status: "completed",
      dryRun: true,
      read: 2,
      valid: 1,
      inserted: 1,
      errorCount: 1,
    });
    expect(report.errors).toEqual([expect.objectContaining({ line: 3, column: "DOB" })]);
    const stored = await t.pool.query(
      "SELECT count(*)::int AS n FROM patient_identifiers WHERE value = 'SFM-3001'",
    );
    expect(stored.rows[0].n).toBe(0);
  });

  it("imports for real, records the run and audits it", async () => {
    const res = await upload("kind=panel&source=sfm-panel&org=SFM&preset=practice-panel&fileName=panel.csv");
    expect(res.json()).toMatchObject({ status: "completed", dryRun: false, inserted: 1 });
    const runs = await t.call("adminA", { url: "/api/admin/import-runs" });
    expect(runs.json().items[0]).toMatchObject({
      kind: "panel",
      source: "sfm-panel",
      fileName: "panel.csv",
      inserted: 1,
    });
    const audit = await t.pool.query(
      "SELECT organization_id::text FROM audit_log WHERE action = 'roster.import'",
    );
    expect(audit.rows).toEqual([{ organization_id: t.ids.practiceA }]);
  });

  it("refuses a JSON body, an unknown preset and a preset of another kind", async () => {
    expect((await upload("kind=panel&source=x&org=SFM", "{}", "application/json")).statusCode).toBe(415);
    expect((await upload("kind=panel&source=x&org=SFM&preset=nope")).statusCode).toBe(400);
    const wrongKind = await upload("kind=enrollment&source=x&org=SFM&preset=practice-panel");
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.json()).toMatchObject({ error: { code: "import_refused" } });
  });
});

describe("recipients and preferences", () => {
  it("lists, adds and changes the admin's own recipients; a duplicate e-mail is a conflict", async () => {
    const listed = await t.call("adminA", { url: "/api/admin/recipients" });
    expect(listed.json().items.map((r: { organizationId: string }) => r.organizationId)).toEqual([
      t.ids.practiceA,
      t.ids.practiceA,
    ]);
    const created = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/recipients",
      payload: {
        organizationId: t.ids.practiceA,
        role: "pcp",
        displayName: "Dr Ada Park",
        email: "ada@sfm.example",
        timeZone: "America/New_York",
      },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const duplicate = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/recipients",
      payload: {
        organizationId: t.ids.practiceA,
        role: "pcp",
        displayName: "Ada",
        email: "ADA@sfm.example",
        timeZone: "America/New_York",
      },
    });
    expect(duplicate.statusCode).toBe(409);
    const changed = await t.call("adminA", {
      method: "PUT",
      url: `/api/admin/recipients/${id}`,
      payload: {
        role: "pcp",
        displayName: "Dr Ada Park",
        email: null,
        pagerId: "5551234",
        timeZone: "America/Chicago",
        active: false,
      },
    });
    expect(changed.json()).toMatchObject({
      id,
      email: null,
      pagerId: "5551234",
      timeZone: "America/Chicago",
      active: false,
    });
    const neither = await t.call("adminA", {
      method: "PUT",
      url: `/api/admin/recipients/${id}`,
      payload: { role: "pcp", displayName: "x", email: null, pagerId: null, timeZone: "America/Chicago" },
    });
    expect(neither.statusCode).toBe(400);
    const badZone = await t.call("adminA", {
      method: "PUT",
      url: `/api/admin/recipients/${id}`,
      payload: { role: "pcp", displayName: "x", email: "a@b.example", timeZone: "US/Eastrn" },
    });
    expect(badZone.statusCode).toBe(400);
  });

  it("links a PCP recipient to their NPI, so routing can find them as a patient's PCP of record", async () => {
    const pcp = (as: "adminA" | "adminB", organizationId: string, email: string, npi: string) =>
      t.call(as, {
        method: "POST",
        url: "/api/admin/recipients",
        payload: {
          organizationId,
          role: "pcp",
          displayName: "Dr Lin",
          email,
          timeZone: "America/New_York",
          npi,
        },
      });
    const created = await pcp("adminA", t.ids.practiceA, "lin@sfm.example", "1234567893");
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ npi: "1234567893" });
    const linked = await t.pool.query(
      "SELECT c.npi FROM recipients r JOIN clinicians c ON c.id = r.clinician_id WHERE r.id = $1",
      [created.json().id],
    );
    expect(linked.rows).toEqual([{ npi: "1234567893" }]);
    expect((await pcp("adminA", t.ids.practiceA, "lin2@sfm.example", "1234567890")).statusCode).toBe(400);
    // Another practice may not claim the same clinician for its own recipient.
    const claimed = await pcp("adminB", t.ids.practiceB, "lin@rvp.example", "1234567893");
    expect(claimed.statusCode).toBe(409);
    const unlinked = await t.call("adminA", {
      method: "PUT",
      url: `/api/admin/recipients/${created.json().id}`,
      payload: { role: "pcp", displayName: "Dr Lin", email: "lin@sfm.example", timeZone: "America/New_York" },
    });
    expect(unlinked.json()).toMatchObject({ npi: null });
  });

  it("reads the defaults, then sets and reads back a recipient's preferences", async () => {
    const url = `/api/admin/recipients/${t.ids.cmA}/preferences`;
    expect((await t.call("adminA", { url })).json()).toMatchObject({
      isDefault: true,
      emailMode: "realtime",
    });
    const prefs = {
      channelRules: [{ riskTiers: ["I"], channels: ["email", "pager"] }, { channels: ["email"] }],
      emailMode: "digest",
      digestHour: 8,
      quietHours: { start: "22:00", end: "07:00" },
      pagePriorityOneInQuietHours: false,
    };
    const put = await t.call("adminA", { method: "PUT", url, payload: prefs });
    expect(put.statusCode).toBe(200);
    expect((await t.call("adminA", { url })).json()).toEqual({ ...prefs, isDefault: false });
    const stored = await t.pool.query(
      "SELECT quiet_start::text FROM recipient_preferences WHERE recipient_id = $1",
      [t.ids.cmA],
    );
    expect(stored.rows[0].quiet_start).toBe("22:00:00");
    const bad = await t.call("adminA", {
      method: "PUT",
      url,
      payload: { ...prefs, quietHours: { start: "25:00", end: "07:00" } },
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe("protocols and facilities", () => {
  it("shows the protocols in force; facility settings are the system admin's (feeds/facility-routes)", async () => {
    const protocols = await t.call("adminA", { url: "/api/admin/protocols" });
    expect(protocols.json().protocols.protocols.map((p: { protocolId: string }) => p.protocolId)).toContain(
      "ed-follow-up",
    );
    const facilities = await t.call("adminA", { url: "/api/admin/facilities" });
    expect(facilities.statusCode).toBe(403);
  });
});

describe("review queue", () => {
  it("lists pending reviews with the event's and each candidate's demographics", async () => {
    const res = await t.call("root", { url: "/api/admin/reviews" });
    const [review] = res.json().items;
    expect(review).toMatchObject({
      eventId: "evt-review-1",
      status: "pending",
      eventPatient: { displayName: "MARISOL QUILFEATHER", birthDate: "1958-04-12" },
      candidates: [
        { patientId: t.ids.pA1, score: 0.82, displayName: "MARISOL QUILLFEATHER" },
        { patientId: t.ids.pB1, displayName: "HENRIETTA VANTERPOOL" },
      ],
    });
  });

  it("confirming teaches the identifier cross-reference, once; a non-candidate is refused", async () => {
    const notCandidate = await t.call("root", {
      method: "POST",
      url: "/api/admin/reviews/evt-review-1/confirm",
      payload: { patientId: t.ids.pA2 },
    });
    expect(notCandidate.statusCode).toBe(400);
    const res = await t.call("root", {
      method: "POST",
      url: "/api/admin/reviews/evt-review-1/confirm",
      payload: { patientId: t.ids.pA1 },
    });
    expect(res.statusCode).toBe(200);
    // MG-555001 is new; SFM-1002 already names another patient and stays theirs; NOAUTH-1 has no authority.
    expect(res.json()).toMatchObject({
      identifiersAdded: 1,
      identifiersHeldByOthers: 1,
      review: {
        status: "confirmed",
        decidedPatientId: t.ids.pA1,
        decidedBy: `user:${decodeJwt(t.tokens.root).sub}`,
      },
    });
    const ids = await t.pool.query(
      "SELECT patient_id::text, value FROM patient_identifiers WHERE assigning_authority IN ('MERCYGEN', 'SFM') ORDER BY value",
    );
    expect(ids.rows).toContainEqual({ patient_id: t.ids.pA1, value: "MG-555001" });
    const taught = await t.pool.query("SELECT source FROM patient_identifiers WHERE value = 'MG-555001'");
    expect(taught.rows).toEqual([{ source: "review:evt-review-1" }]);
    expect(ids.rows).toContainEqual({ patient_id: t.ids.pA2, value: "SFM-1002" });
    const again = await t.call("root", { method: "POST", url: "/api/admin/reviews/evt-review-1/reject" });
    expect(again.statusCode).toBe(409);
    expect((await t.call("root", { url: "/api/admin/reviews" })).json().items).toEqual([]);
  });

  it("rejecting records who decided and leaves identifiers alone", async () => {
    await t.pool.query(
      `INSERT INTO match_reviews (event_id, facility, reason, candidates, event_patient)
       VALUES ('evt-review-2', 'MERCYGEN', 'review', $1, '{"identifiers":[{"value":"MG-777","typeCode":"MR","assigningAuthority":"MERCYGEN"}]}')`,
      [JSON.stringify([{ patientId: t.ids.pA2, score: 0.7, notes: [] }])],
    );
    const res = await t.call("root", { method: "POST", url: "/api/admin/reviews/evt-review-2/reject" });
    expect(res.json()).toMatchObject({
      identifiersAdded: 0,
      review: { status: "rejected", decidedAt: expect.any(String) },
    });
    const held = await t.pool.query("SELECT 1 FROM patient_identifiers WHERE value = 'MG-777'");
    expect(held.rowCount).toBe(0);
    expect((await t.call("root", { method: "POST", url: "/api/admin/reviews/nope/reject" })).statusCode).toBe(
      404,
    );
  });
});

describe("GET /api/admin/access-log", () => {
  it("shows a practice admin who read their patients, and a system admin everything", async () => {
    await t.call("cmA", { url: "/api/tasks/task-a1" });
    await t.call("cmB", { url: "/api/tasks/task-b1" });
    const mine = await t.call("adminA", { url: `/api/admin/access-log?action=task.read` });
    const items = mine.json().items;
    expect(items).toEqual([
      expect.objectContaining({
        actorName: "cm@sfm.example",
        action: "task.read",
        subjectType: "patient",
        subjectId: t.ids.pA1,
        organizationId: t.ids.practiceA,
      }),
    ]);
    const byPatient = await t.call("adminA", { url: `/api/admin/access-log?patientId=${t.ids.pB1}` });
    expect(byPatient.json().items).toEqual([]);
    const all = await t.call("root", { url: `/api/admin/access-log?action=task.read` });
    expect(
      all
        .json()
        .items.map((i: { subjectId: string }) => i.subjectId)
        .sort(),
    ).toEqual([t.ids.pA1, t.ids.pB1].sort());
  });
});

const uploadAs = (as: "adminA" | "root", path: string, query: string, body: string) =>
  t.call(as, {
    method: "POST",
    url: `/api/admin/${path}/import?${query}`,
    headers: { "content-type": "text/csv" },
    payload: body,
  });

describe("POST /api/admin/consents/import", () => {
  const CONSENTS = [
    "MRN,ID Type,DOB,Decision,Organization,Effective Date",
    "SFM-1001,MR,1958-04-12,opt-out,,2026-03-01", // 2: A's patient, for A
    "SFM-1002,MR,,opt-out,RVP,2026-03-01", // 3: for another practice
    "SFM-4040,MR,,opt-out,,2026-03-01", // 4: nobody
    "SFM-1002,MR,,sometimes,,2026-03-01", // 5: not a decision
    "",
  ].join("\n");

  it("dry-runs, then records a practice's opt-outs, refusing rows with line, column, value and reason", async () => {
    const dry = await uploadAs("adminA", "consents", "org=SFM&dryRun=true", CONSENTS);
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, read: 4, valid: 1, inserted: 1, errorCount: 3 });
    expect((await t.pool.query("SELECT 1 FROM consents")).rowCount).toBe(0);

    const res = await uploadAs("adminA", "consents", "org=SFM&source=sfm-consents&fileName=c.csv", CONSENTS);
    expect(res.json()).toMatchObject({ status: "completed", dryRun: false, inserted: 1, errorCount: 3 });
    expect(res.json().errors).toEqual([
      { line: 3, column: "Organization", value: "RVP", reason: "you may record consents for SFM only" },
      {
        line: 4,
        column: "MRN",
        value: "SFM-4040",
        reason: "unknown patient (no patient of SFM has this identifier)",
      },
      { line: 5, column: "Decision", value: "sometimes", reason: "not one of opt_out, opt_in" },
    ]);
    const { rows } = await t.pool.query(
      `SELECT patient_id::text, decision, organization_id::text, to_char(effective_from, 'YYYY-MM-DD') AS from,
              recorded_by, source FROM consents`,
    );
    expect(rows).toEqual([
      {
        patient_id: t.ids.pA1,
        decision: "opt_out",
        organization_id: t.ids.practiceA,
        from: "2026-03-01",
        recorded_by: `user:${decodeJwt(t.tokens.adminA).sub}`,
        source: "sfm-consents",
      },
    ]);
    const again = await uploadAs("adminA", "consents", "org=SFM&source=sfm-consents", CONSENTS);
    expect(again.json()).toMatchObject({ inserted: 0, unchanged: 1 });
    const audit = await t.pool.query(
      "SELECT action, organization_id::text FROM audit_log WHERE action LIKE 'consent.%' ORDER BY id",
    );
    expect(audit.rows).toEqual([
      { action: "consent.dry-run", organization_id: t.ids.practiceA },
      { action: "consent.import", organization_id: t.ids.practiceA },
      { action: "consent.import", organization_id: t.ids.practiceA },
    ]);
    const runs = await t.call("adminA", { url: "/api/admin/import-runs" });
    expect(runs.json().items[0]).toMatchObject({ kind: "consent", source: "sfm-consents", inserted: 0 });
  });

  it("a system admin records an opt-out for every organization; a JSON body or a preset of another kind is refused", async () => {
    const res = await uploadAs(
      "root",
      "consents",
      "org=RVP",
      "MRN,ID Type,Decision,Organization\nRVP-2001,MR,opt_out,ALL\n",
    );
    expect(res.json()).toMatchObject({ inserted: 1, errorCount: 0 });
    const scope = await t.pool.query("SELECT organization_id FROM consents WHERE patient_id = $1", [
      t.ids.pB1,
    ]);
    expect(scope.rows).toEqual([{ organization_id: null }]);
    const json = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/consents/import?org=SFM",
      payload: { rows: [] },
    });
    expect(json.statusCode).toBe(415);
    expect(
      (await uploadAs("adminA", "consents", "org=SFM&preset=notification-rules", "x\n")).statusCode,
    ).toBe(400);
  });
});

describe("POST /api/admin/notification-rules/import", () => {
  const RULES = [
    "Recipient Email,Recipient Role,Event Kinds,Risk Tiers,Channel",
    "cm@sfm.example,,ed-arrival;ed-discharge,I,pager", // 2
    ",pcp,inpatient-admit,,email", // 3
    "cm@rvp.example,,ed-arrival,,email", // 4: another practice's care manager
    ",pcp,er-visit,,email", // 5: not an event kind
    "",
  ].join("\n");

  it("imports the practice's rules with their row errors; the same file twice adds nothing", async () => {
    const res = await uploadAs("adminA", "notification-rules", "org=SFM", RULES);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "completed", read: 4, valid: 2, inserted: 2, errorCount: 2 });
    expect(res.json().errors.map((e: { line: number; column: string }) => [e.line, e.column])).toEqual([
      [4, "Recipient Email"],
      [5, "Event Kinds"],
    ]);
    expect(res.json().errors[0].reason).toBe(
      "unknown recipient (no active recipient of SFM has this e-mail)",
    );
    const again = await uploadAs("adminA", "notification-rules", "org=SFM", RULES);
    expect(again.json()).toMatchObject({ inserted: 0, unchanged: 2, ended: 0 });
    const { rows } = await t.pool.query(
      `SELECT recipient_id::text, recipient_role, event_kinds, risk_tiers, channel, active
         FROM notification_rules WHERE organization_id = $1 ORDER BY id`,
      [t.ids.practiceA],
    );
    expect(rows).toEqual([
      {
        recipient_id: t.ids.cmA,
        recipient_role: null,
        event_kinds: ["ed-arrival", "ed-discharge"],
        risk_tiers: ["I"],
        channel: "pager",
        active: true,
      },
      {
        recipient_id: null,
        recipient_role: "pcp",
        event_kinds: ["inpatient-admit"],
        risk_tiers: null,
        channel: "email",
        active: true,
      },
    ]);
    const replaced = await uploadAs("adminA", "notification-rules", "org=SFM", "Role\npcp\n");
    expect(replaced.json()).toMatchObject({ inserted: 1, ended: 2 });
  });
});

describe("POST /api/admin/sensitive-facilities/import", () => {
  const PLACES = "Sending Facility,Location,Reason\nHARBORRECOVERY,,42 CFR Part 2\nMERCYGEN,DETOX-4,\n";

  it("is for system admins only; their import is system-wide and shows in their import runs", async () => {
    expect((await uploadAs("adminA", "sensitive-facilities", "", PLACES)).statusCode).toBe(403);
    const res = await uploadAs("root", "sensitive-facilities", "source=state-list", PLACES);
    expect(res.json()).toMatchObject({ status: "completed", inserted: 2, errorCount: 0 });
    const { rows } = await t.pool.query(
      "SELECT sending_facility, location, reason, active, source FROM sensitive_facilities ORDER BY id",
    );
    expect(rows).toEqual([
      {
        sending_facility: "HARBORRECOVERY",
        location: "",
        reason: "42 CFR Part 2",
        active: true,
        source: "state-list",
      },
      {
        sending_facility: "MERCYGEN",
        location: "DETOX-4",
        reason: "42 CFR Part 2",
        active: true,
        source: "state-list",
      },
    ]);
    const rootRuns = await t.call("root", { url: "/api/admin/import-runs" });
    expect(rootRuns.json().items[0]).toMatchObject({ kind: "sensitive-facility", organizationId: null });
    const adminRuns = await t.call("adminA", { url: "/api/admin/import-runs" });
    expect(adminRuns.json().items.map((r: { kind: string }) => r.kind)).not.toContain("sensitive-facility");
    const audit = await t.pool.query(
      "SELECT organization_id FROM audit_log WHERE action = 'sensitive-facility.import'",
    );
    expect(audit.rows).toEqual([{ organization_id: null }]);
  });
});
