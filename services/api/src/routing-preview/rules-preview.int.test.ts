import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, startTestApi } from "../api.test-support.ts";

// Notification rules and the "who would be alerted" preview, through the API the recipients screen
// uses. The seed's MARISOL (pA1) is attributed to practice A (SFM) and on two lists: the plan's
// (BCP, lead: plan) and A's own (lead: practice, Priority I), so both organizations lead for her.
// Neither list names a care manager, so only rules bring people in.

let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("admin-rules-preview");
});
afterAll(async () => t?.close());

const addRule = (body: Record<string, unknown>) =>
  t.call("adminA", { method: "POST", url: "/api/admin/notification-rules", payload: body });
const preview = (as: "adminA" | "root", body: Record<string, unknown>) =>
  t.call(as, { method: "POST", url: "/api/admin/routing-preview", payload: body });
const MARISOL_ED = {
  identifier: "SFM-1001",
  assigningAuthority: "SFM",
  eventKind: "ed-arrival",
  facility: "MERCYGEN",
};

describe("notification rules", () => {
  it("adds rules in force from now, changes one by ending it and starting its replacement, ends one", async () => {
    const named = await addRule({
      organizationId: t.ids.practiceA,
      recipientId: t.ids.cmA,
      eventKinds: ["ed-arrival", "ed-discharge"],
    });
    expect(named.statusCode).toBe(201);
    expect(named.json()).toMatchObject({
      recipientName: "Casey Morgan",
      recipientRole: null,
      eventKinds: ["ed-arrival", "ed-discharge"],
      source: null,
      activeFrom: NOW.toISOString(),
      active: true,
    });
    const everyone = await addRule({
      organizationId: t.ids.practiceA,
      recipientRole: "care_manager",
      audience: "everyone_in_role",
      riskTiers: ["I"],
    });
    expect(everyone.statusCode).toBe(201);

    const replaced = await t.call("adminA", {
      method: "PUT",
      url: `/api/admin/notification-rules/${named.json().id}`,
      payload: { recipientId: t.ids.cmA, eventKinds: ["ed-arrival"] },
    });
    expect(replaced.json()).toMatchObject({ eventKinds: ["ed-arrival"], active: true });
    const all = (await t.call("adminA", { url: "/api/admin/notification-rules?includeEnded=true" })).json()
      .items;
    expect(
      all.map((r: { id: string; active: boolean; activeTo: string | null }) => [r.id, r.active, r.activeTo]),
    ).toEqual(
      expect.arrayContaining([
        [named.json().id, false, NOW.toISOString()],
        [replaced.json().id, true, null],
        [everyone.json().id, true, null],
      ]),
    );
    expect((await t.call("adminA", { url: "/api/admin/notification-rules" })).json().items).toHaveLength(2);
    const audit = await t.pool.query(
      "SELECT action, organization_id::text FROM audit_log WHERE subject_type = 'notification_rule' ORDER BY id",
    );
    expect(audit.rows).toEqual([
      { action: "notification-rule.create", organization_id: t.ids.practiceA },
      { action: "notification-rule.create", organization_id: t.ids.practiceA },
      { action: "notification-rule.replace", organization_id: t.ids.practiceA },
    ]);
  });

  it("refuses another organization's recipient, another organization, and a rule naming both or neither", async () => {
    expect(
      (await addRule({ organizationId: t.ids.practiceA, recipientId: t.ids.cmB })).json().error.code,
    ).toBe("recipient_not_theirs");
    expect((await addRule({ organizationId: t.ids.practiceB, recipientRole: "pcp" })).statusCode).toBe(404);
    expect((await addRule({ organizationId: t.ids.practiceA })).statusCode).toBe(400);
    expect(
      (await addRule({ organizationId: t.ids.practiceA, recipientId: t.ids.cmA, recipientRole: "pcp" }))
        .statusCode,
    ).toBe(400);
  });
});

describe("who would be alerted", () => {
  it("runs the matcher's routing and the notifier's delivery plan for the admin's own organization", async () => {
    // Robin (cmA2) asked for a daily digest; a Priority I alert goes out at once all the same.
    await t.call("adminA", {
      method: "PUT",
      url: `/api/admin/recipients/${t.ids.cmA2}/preferences`,
      payload: {
        channelRules: [],
        emailMode: "digest",
        digestHour: 7,
        quietHours: null,
        pagePriorityOneInQuietHours: true,
      },
    });
    const res = await preview("adminA", MARISOL_ED);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.patient).toEqual({ id: t.ids.pA1, displayName: "MARISOL QUILLFEATHER" });
    expect(body.event).toMatchObject({
      kind: "ed-arrival",
      occurredAt: NOW.toISOString(),
      sensitiveFacility: false,
    });
    // The plan's side (BlueCare) is not practice A's to see.
    expect(body.organizations).toEqual([
      {
        organizationId: t.ids.practiceA,
        name: "Springvale Family Medicine",
        copy: "lead",
        enrollment: {
          program: "complex-care",
          riskTier: "I",
          status: "active",
          leadOrganization: "practice",
        },
        attribution: { source: "bcp-attribution" },
        recipients: [
          // Named by the ED rule; everyone-in-role adds Robin.
          {
            recipientId: t.ids.cmA,
            displayName: "Casey Morgan",
            role: "care-manager",
            basis: "named-by-rule",
            sends: [{ channel: "email", status: "queued", sendAfter: null }],
          },
          {
            recipientId: t.ids.cmA2,
            displayName: "Robin Lee",
            role: "care-manager",
            basis: "role-in-organization",
            sends: [{ channel: "email", status: "queued", sendAfter: null }],
          },
        ],
      },
    ]);
    expect(body.suppressed).toEqual([]);
    const audit = await t.pool.query(
      "SELECT subject_id, organization_id::text FROM audit_log WHERE action = 'routing.preview'",
    );
    expect(audit.rows).toEqual([{ subject_id: t.ids.pA1, organization_id: t.ids.practiceA }]);
  });

  it("follows the rules in force: an admission is not an ED rule's; a system admin sees the plan's side too", async () => {
    const admit = (await preview("root", { ...MARISOL_ED, eventKind: "inpatient-admit" })).json();
    expect(admit.organizations.map((o: { name: string; copy: string }) => [o.name, o.copy])).toEqual([
      ["BlueCare Plan", "lead"],
      ["Springvale Family Medicine", "lead"],
    ]);
    const practice = admit.organizations.find(
      (o: { name: string }) => o.name === "Springvale Family Medicine",
    );
    expect(
      practice.recipients.map((r: { displayName: string; basis: string }) => [r.displayName, r.basis]),
    ).toEqual([
      ["Casey Morgan", "role-in-organization"],
      ["Robin Lee", "role-in-organization"],
    ]);
    // Before the rules existed (they are in force from NOW), nobody in the practice.
    const before = (
      await preview("root", { ...MARISOL_ED, occurredAt: new Date(NOW.getTime() - 3_600_000).toISOString() })
    ).json();
    expect(
      before.organizations.find((o: { name: string }) => o.name === "Springvale Family Medicine").recipients,
    ).toEqual([]);
  });

  it("says who is not told and why: a sensitive place, an opt-out", async () => {
    await t.pool.query(
      "INSERT INTO sensitive_facilities (sending_facility, reason) VALUES ('HOPEHOUSE', '42 CFR Part 2')",
    );
    const sensitive = (await preview("adminA", { ...MARISOL_ED, facility: "HOPEHOUSE" })).json();
    expect(sensitive.organizations).toEqual([]);
    expect(sensitive.suppressed).toEqual([
      {
        organizationId: t.ids.practiceA,
        name: "Springvale Family Medicine",
        reason: "sensitive facility (42 CFR Part 2)",
      },
    ]);
    await t.pool.query(
      `INSERT INTO consents (patient_id, decision, organization_id, effective_from, recorded_by)
       VALUES ($1, 'opt_out', $2, '2026-01-01', 'test')`,
      [t.ids.pA1, t.ids.practiceA],
    );
    const optedOut = (await preview("adminA", MARISOL_ED)).json();
    expect(optedOut.suppressed).toEqual([
      { organizationId: t.ids.practiceA, name: "Springvale Family Medicine", reason: "patient opted out" },
    ]);
  });

  it("is not for another practice's patient, by id or identifier", async () => {
    const byId = await preview("adminA", { patientId: t.ids.pB1, eventKind: "ed-arrival" });
    expect(byId.statusCode).toBe(404);
    const byIdentifier = await preview("adminA", { identifier: "RVP-2001", eventKind: "ed-arrival" });
    expect(byIdentifier.statusCode).toBe(404);
    expect(byIdentifier.body).not.toContain("VANTERPOOL");
  });
});
