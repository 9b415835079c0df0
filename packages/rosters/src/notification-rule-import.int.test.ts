import { createPool, migrate, type Pool } from "@homeward/db";
import { isolation } from "@homeward/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ImportReferenceOptions, importReferenceList } from "./reference-import.ts";
import { csv, type SeededOrgs, seedOrganizations } from "./seed.test-support.ts";

/** Some of the contracts' AdtEventKind values (the callers pass them all). */
const KINDS = ["ed-arrival", "ed-discharge", "inpatient-admit", "discharge", "transfer"];

let pool: Pool;
let orgs: SeededOrgs;
beforeEach(async () => {
  const iso = isolation("rules");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  orgs = await seedOrganizations(pool);
});
afterEach(async () => {
  await pool?.end();
});

const HEADER = "Recipient Email,Recipient Role,Event Kinds,Programs,Risk Tiers,Facilities,Channel";
const rules = (lines: string[], extra: Partial<ImportReferenceOptions> = {}) =>
  importReferenceList({
    pool,
    kind: "notification-rule",
    source: "riverside-rules",
    organization: "RIVERSIDE",
    eventKinds: KINDS,
    input: csv([HEADER, ...lines]),
    asOf: "2024-03-01",
    ...extra,
  });

/** The organization's rules as `who kinds programs tiers facilities channel active`. */
async function stored(): Promise<string[]> {
  const { rows } = await pool.query<{ line: string }>(
    `SELECT concat_ws(' ', coalesce(r.email, n.recipient_role), coalesce(array_to_string(n.event_kinds, ';'), '*'),
                      coalesce(array_to_string(n.programs, ';'), '*'), coalesce(array_to_string(n.risk_tiers, ';'), '*'),
                      coalesce(array_to_string(n.facilities, ';'), '*'), n.channel,
                      CASE WHEN n.active THEN 'active' ELSE 'inactive' END) AS line
       FROM notification_rules n LEFT JOIN recipients r ON r.id = n.recipient_id
      WHERE n.organization_id = $1 ORDER BY n.id`,
    [orgs.riverside],
  );
  return rows.map((r) => r.line);
}

const CM = "cm.riverside@example.org";

describe("notification-rule import", () => {
  it("imports rules by e-mail or role, with kinds, programmes, tiers and facilities as sorted lists", async () => {
    const report = await rules([
      `${CM},,"ed-arrival; ED discharge",complex-care,"Priority I, 2",MERCYGEN,pager`,
      ",PCP,inpatient_admit|discharge,,,,",
      ",care manager,*,,,,e-mail",
    ]);
    expect(report).toMatchObject({
      status: "completed",
      read: 3,
      valid: 3,
      inserted: 3,
      ended: 0,
      unchanged: 0,
      errorCount: 0,
    });
    expect(await stored()).toEqual([
      `${CM} ed-arrival;ed-discharge complex-care I;II MERCYGEN pager active`,
      "pcp discharge;inpatient-admit * * * email active",
      "care_manager * * * * email active",
    ]);
    const { rows } = await pool.query(
      "SELECT source, import_run_id::text AS run FROM notification_rules ORDER BY id LIMIT 1",
    );
    expect(rows[0]).toEqual({ source: "riverside-rules", run: report.runId });
  });

  it("refuses bad rows with line, column, value and reason; the good rows are imported", async () => {
    const report = await rules([
      `${CM},,ed-arrival,,,,`, // 2: good
      "nobody@example.org,,ed-arrival,,,,", // 3: not a recipient of Riverside
      "cm.bluecare@example.org,,ed-arrival,,,,", // 4: BlueCare's care manager, not Riverside's
      ",pcp,ed-arival,,,,", // 5: misspelled kind
      ",pcp,,,IV,,", // 6: no such tier
      `${CM},pcp,,,,,`, // 7: both
      ",,discharge,,,,", // 8: neither
      ",pcp,,,,,fax", // 9: no such channel
      `${CM},,ed-arrival,,,,`, // 10: line 2 again
      ",janitor,,,,,", // 11: no such role
    ]);
    expect(report).toMatchObject({ read: 10, valid: 1, inserted: 1, rejectedRows: 9 });
    expect(report.errors).toEqual([
      {
        line: 3,
        column: "Recipient Email",
        value: "nobody@example.org",
        reason: "unknown recipient (no active recipient of RIVERSIDE has this e-mail)",
      },
      {
        line: 4,
        column: "Recipient Email",
        value: "cm.bluecare@example.org",
        reason: "unknown recipient (no active recipient of RIVERSIDE has this e-mail)",
      },
      {
        line: 5,
        column: "Event Kinds",
        value: "ed-arival",
        reason: `not an event kind: ed-arival (one of ${KINDS.join(", ")})`,
      },
      { line: 6, column: "Risk Tiers", value: "IV", reason: "not a risk tier: IV (I, II or III)" },
      {
        line: 7,
        column: "Recipient Role",
        value: "pcp",
        reason: "name the recipient by e-mail or by role, not both",
      },
      {
        line: 8,
        column: "Recipient Email",
        value: null,
        reason: "a rule needs a recipient: an e-mail or a role",
      },
      { line: 9, column: "Channel", value: "fax", reason: "not one of email, pager" },
      { line: 10, column: null, value: null, reason: "the same rule as line 2" },
      {
        line: 11,
        column: "Recipient Role",
        value: "janitor",
        reason: "not one of care_manager, pcp, supervisor",
      },
    ]);
    expect(await stored()).toEqual([`${CM} ed-arrival * * * email active`]);
  });

  it("the same file twice makes no second rule; a new file replaces the imported rules, not the hand-made", async () => {
    await pool.query(
      "INSERT INTO notification_rules (organization_id, recipient_role, channel) VALUES ($1, 'supervisor', 'email')",
      [orgs.riverside],
    );
    const file = [`${CM},,ed-arrival,,I,,pager`, ",pcp,,,,,"];
    await rules(file);
    const again = await rules(file);
    expect(again).toMatchObject({ valid: 2, inserted: 0, updated: 0, ended: 0, unchanged: 2 });
    // The same rules written differently (order, case, spelling) are the same rules.
    const respelled = await rules([",PCP,*,,,,Email", `${CM.toUpperCase()},,ED Arrival,,1,,page`]);
    expect(respelled).toMatchObject({ inserted: 0, unchanged: 2 });
    const count = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM notification_rules");
    expect(count.rows[0]?.n).toBe(3);

    const next = await rules([",pcp,,,,,", ",care_manager,ed-discharge,,,,"], {
      source: "riverside-rules-v2",
    });
    expect(next).toMatchObject({ inserted: 1, ended: 1, unchanged: 1 });
    expect(await stored()).toEqual([
      "supervisor * * * * email active",
      `${CM} ed-arrival * I * pager inactive`,
      "pcp * * * * email active",
      "care_manager ed-discharge * * * email active",
    ]);
    const ended = await pool.query(
      "SELECT ended_by_run_id::text AS run FROM notification_rules WHERE NOT active",
    );
    expect(ended.rows).toEqual([{ run: next.runId }]);
  });

  it("keeps the rules a file with refused rows leaves out, and says so; other organizations are untouched", async () => {
    await rules([",pcp,,,,,", ",care_manager,,,,,"]);
    const partly = await rules([",pcp,,,,,", ",care_manager,,,V,,"]);
    expect(partly).toMatchObject({ ended: 0, unchanged: 1, errorCount: 1 });
    expect(partly.message).toBe(
      "1 rule(s) of RIVERSIDE missing from the file were left active, because rows were refused; " +
        "correct the file and import it again to deactivate them",
    );
    const bluecare = await rules(["cm.bluecare@example.org,,,,,,"], { organization: "BLUECARE" });
    expect(bluecare).toMatchObject({ inserted: 1, ended: 0 });
    expect((await stored()).every((l) => l.endsWith(" active"))).toBe(true);
  });

  it("a row naming another organization is refused; a file without a recipient column is refused whole", async () => {
    const report = await importReferenceList({
      pool,
      kind: "notification-rule",
      organization: "RIVERSIDE",
      eventKinds: KINDS,
      input: csv(["Organization,Role", "RIVERSIDE,pcp", "HILLTOP,pcp"]),
      asOf: "2024-03-01",
    });
    expect(report.errors).toEqual([
      {
        line: 3,
        column: "Organization",
        value: "HILLTOP",
        reason: "the rules imported here are RIVERSIDE's; this row names another organization",
      },
    ]);
    const noRecipient = await importReferenceList({
      pool,
      kind: "notification-rule",
      organization: "RIVERSIDE",
      eventKinds: KINDS,
      input: csv(["Event Kinds", "ed-arrival"]),
      asOf: "2024-03-01",
    });
    expect(noRecipient).toMatchObject({ status: "rejected", read: 0 });
    expect(noRecipient.message).toMatch(/recipientEmail or recipientRole/);
    await expect(rules([], { eventKinds: undefined })).rejects.toThrow(/event kinds/);
  });

  it("a dry run counts and writes nothing", async () => {
    const report = await rules([",pcp,,,,,"], { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, inserted: 1 });
    expect(await stored()).toEqual([]);
  });

  it("a role rule means the patient's care team unless the file says everyone with the role; in force from the file's date", async () => {
    const report = await importReferenceList({
      pool,
      kind: "notification-rule",
      source: "riverside-rules",
      organization: "RIVERSIDE",
      eventKinds: KINDS,
      input: csv([
        "Recipient Email,Recipient Role,Audience,Event Kinds",
        ",care manager,,ed-arrival",
        ",care manager,everyone,discharge",
        `${CM},,everyone,discharge`,
      ]),
      asOf: "2024-03-01",
    });
    expect(report).toMatchObject({ inserted: 2, errorCount: 1 });
    expect(report.errors[0]).toMatchObject({
      line: 4,
      column: "Audience",
      reason: "an audience is for a role; a rule that names a person by e-mail has none",
    });
    const { rows } = await pool.query(
      `SELECT recipient_role, audience, event_kinds, active_from::date::text AS from
         FROM notification_rules WHERE organization_id = $1 ORDER BY id`,
      [orgs.riverside],
    );
    expect(rows).toEqual([
      {
        recipient_role: "care_manager",
        audience: "care_team",
        event_kinds: ["ed-arrival"],
        from: "2024-03-01",
      },
      {
        recipient_role: "care_manager",
        audience: "everyone_in_role",
        event_kinds: ["discharge"],
        from: "2024-03-01",
      },
    ]);
    // A later file without the broadcast rule deactivates it as of that file's date.
    await importReferenceList({
      pool,
      kind: "notification-rule",
      source: "riverside-rules",
      organization: "RIVERSIDE",
      eventKinds: KINDS,
      input: csv(["Recipient Role,Event Kinds", "care manager,ed-arrival"]),
      asOf: "2024-05-01",
    });
    const ended = await pool.query(
      "SELECT audience, active, active_to::date::text AS to FROM notification_rules WHERE organization_id = $1 ORDER BY id",
      [orgs.riverside],
    );
    expect(ended.rows).toEqual([
      { audience: "care_team", active: true, to: null },
      { audience: "everyone_in_role", active: false, to: "2024-05-01" },
    ]);
  });
});
