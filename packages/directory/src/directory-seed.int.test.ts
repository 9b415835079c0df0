import { createPool, migrate, type Pool } from "@homeward/db";
import { isolation } from "@homeward/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ensureOrganization,
  ensureOrganizationSettings,
  listOrganizationSummaries,
  loadAlertSettings,
  setClosure,
  updateOrganization,
} from "./organization-store.ts";
import {
  DEFAULT_PREFERENCES,
  ensurePreferences,
  loadAlertRecipients,
  savePreferences,
} from "./preference-store.ts";
import { ensureRecipient, findRecipient, listActiveRecipients, updateRecipient } from "./recipient-store.ts";
import {
  endRule,
  ensureRule,
  listRules,
  listRulesInForceSince,
  type NotificationRuleFields,
} from "./rule-store.ts";

// The directory's writes for seeds (the demo, the soak, benchmarks) and the reads routing and the
// notifier make, against a real PostgreSQL: a seed run twice changes nothing, and what an admin
// changed in between stays.

let pool: Pool;
beforeEach(async () => {
  const iso = isolation("directory-seed");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
});
afterEach(async () => {
  await pool?.end();
});

const PRACTICE = {
  kind: "practice" as const,
  code: "ELM",
  name: "Elm Street Practice",
  npi: null,
  tin: null,
  timeZone: "America/Chicago",
  parentId: null,
};
const CM = {
  role: "care_manager" as const,
  displayName: "Ada Care",
  email: "ada@elm.example",
  pagerId: "5001",
  timeZone: "America/Chicago",
  active: true,
  npi: null,
};
const PCP_RULE: NotificationRuleFields = {
  recipientId: null,
  recipientRole: "pcp",
  audience: "care_team",
  eventKinds: ["ed-arrival", "discharge"],
  programs: null,
  riskTiers: null,
  facilities: null,
  channel: "email",
};
const FROM = new Date("2025-01-01T00:00:00Z");

async function seed() {
  const org = await ensureOrganization(pool, PRACTICE);
  await ensureOrganizationSettings(pool, org, {
    alertDetailLevel: "limited",
    holidayCountry: "US",
    holidayState: "IL",
  });
  const cm = await ensureRecipient(pool, org, CM);
  await ensurePreferences(pool, cm, {
    ...DEFAULT_PREFERENCES,
    channelRules: [{ riskTiers: ["I"], channels: ["email", "pager"] }],
    quietHours: { start: "21:00", end: "07:00" },
  });
  await ensureRule(pool, org, PCP_RULE, FROM);
  return { org, cm };
}

describe("directory seeds", () => {
  it("a second run finds what the first made and adds nothing", async () => {
    const first = await seed();
    const second = await seed();
    expect(second).toEqual(first);
    expect((await listOrganizationSummaries(pool)).map((o) => o.code)).toEqual(["ELM"]);
    expect((await listActiveRecipients(pool)).map((r) => r.id)).toEqual([first.cm]);
    expect(await listRules(pool, { organizationIds: [first.org], includeEnded: true })).toHaveLength(1);
    expect(await loadAlertSettings(pool, first.org)).toEqual({
      detailLevel: "limited",
      holidays: { country: "US", state: "IL" },
      closures: [],
    });
  });

  it("leaves an admin's changes to the organization, recipient and preferences alone", async () => {
    const { org, cm } = await seed();
    const now = new Date("2025-06-01T12:00:00Z");
    await updateOrganization(
      pool,
      org,
      {
        name: "Elm Street Family Practice",
        timeZone: "America/Chicago",
        settings: { alertDetailLevel: "full", holidayCountry: "US", holidayState: null },
      },
      now,
    );
    await setClosure(pool, org, { day: "2025-07-03", reason: "staff day" });
    await updateRecipient(pool, { id: cm, organizationId: org }, { ...CM, displayName: "Ada Careful" });
    await savePreferences(pool, cm, { ...DEFAULT_PREFERENCES, emailMode: "digest", digestHour: 6 });

    await seed();

    expect((await listOrganizationSummaries(pool))[0]?.name).toBe("Elm Street Family Practice");
    expect(await loadAlertSettings(pool, org)).toEqual({
      detailLevel: "full",
      holidays: { country: "US" },
      closures: ["2025-07-03"],
    });
    const [recipient] = await loadAlertRecipients(pool, { ids: [cm] });
    expect(recipient).toMatchObject({ emailMode: "digest", digestHour: 6, channelRules: [] });
    expect(recipient?.quietHours).toBeUndefined();
    expect((await findRecipient(pool, cm))?.displayName).toBe("Ada Careful");
  });

  it("adds a rule again once the same one has ended, and routing sees both periods", async () => {
    const { org } = await seed();
    const [rule] = await listRules(pool, { organizationIds: [org], includeEnded: false });
    expect(await endRule(pool, rule?.id ?? "", new Date("2025-03-01T00:00:00Z"))).toBe(true);
    await seed();
    const inForce = await listRulesInForceSince(pool, "2025-02-01");
    expect(inForce.map((r) => [r.recipientRole, r.eventKinds, r.activeTo?.toISOString() ?? null])).toEqual([
      ["pcp", ["ed-arrival", "discharge"], "2025-03-01T00:00:00.000Z"],
      ["pcp", ["ed-arrival", "discharge"], null],
    ]);
    // An ended rule is not in force after its end.
    expect(await listRulesInForceSince(pool, "2025-04-01")).toHaveLength(1);
  });

  it("gives the notifier a recipient's addresses and preferences, defaults where none are set", async () => {
    const { org, cm } = await seed();
    const plain = await ensureRecipient(pool, org, {
      ...CM,
      displayName: "Bo Plain",
      email: "bo@elm.example",
      pagerId: null,
    });
    const profiles = await loadAlertRecipients(pool, { organizationId: org, role: "care_manager" });
    expect(profiles).toEqual([
      {
        recipientId: cm,
        organizationId: org,
        role: "care_manager",
        email: "ada@elm.example",
        pagerId: "5001",
        timeZone: "America/Chicago",
        active: true,
        channelRules: [{ riskTiers: ["I"], channels: ["email", "pager"] }],
        emailMode: "realtime",
        digestHour: 7,
        quietHours: { start: "21:00", end: "07:00" },
        pagePriorityOneInQuietHours: true,
      },
      {
        recipientId: plain,
        organizationId: org,
        role: "care_manager",
        email: "bo@elm.example",
        timeZone: "America/Chicago",
        active: true,
        channelRules: [],
        emailMode: "realtime",
        digestHour: 7,
        pagePriorityOneInQuietHours: true,
      },
    ]);
  });
});
