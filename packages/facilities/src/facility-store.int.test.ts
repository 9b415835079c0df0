import { createPool, migrate, type Pool } from "@homeward/db";
import { isolation } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  activeMappings,
  createFacility,
  deleteFacility,
  exportFacilities,
  facilityHistory,
  importFacilities,
  listFacilities,
  seedFacilitiesIfNew,
  updateFacility,
} from "./facility-store.ts";
import { listenFeedChanged } from "./feed-channel.ts";

let pool: Pool;
let schema: string;
beforeAll(async () => {
  const iso = isolation("facilities");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  schema = iso.schema;
});
afterAll(async () => pool?.end());

const harbor = {
  sendingFacility: "HARBOR",
  allowedApplications: ["EPIC"],
  displayName: "Harbor Hospital (synthetic)",
  timeZone: "America/New_York",
};

describe("facility settings in the database", () => {
  it("seeds an empty table from the file once, and never again after it was used", async () => {
    const seeded = await seedFacilitiesIfNew(pool, [{ ...parsed(harbor) }], "file:facilities.example.json");
    expect(seeded).toBe(1);
    expect(await seedFacilitiesIfNew(pool, [parsed(harbor)], "file")).toBe(0);
    const [only] = await listFacilities(pool);
    expect(only?.mapping).toMatchObject({ sendingFacility: "HARBOR", edPatientClasses: ["E"] });
    expect(only?.createdBy).toBe("file:facilities.example.json");
    const deleted = await deleteFacility(pool, only?.id ?? "", 1, "user:1");
    expect(deleted.ok).toBe(true);
    // Deleted on purpose: a restart does not bring it back.
    expect(await seedFacilitiesIfNew(pool, [parsed(harbor)], "file")).toBe(0);
    expect(await listFacilities(pool)).toEqual([]);
  });

  it("creates with the file's validation, refuses a duplicate key, and tells the listeners on commit", async () => {
    const client = await pool.connect();
    const heard: string[] = [];
    const stop = await listenFeedChanged(client, schema, (change) => heard.push(change));
    try {
      const bad = await createFacility(
        pool,
        { mapping: { sendingFacility: "BAYVIEW", timeZone: "US/Eastrn", memberIdSources: ["PID-3"] } },
        "user:1",
      );
      expect(bad).toEqual({
        ok: false,
        reason: "invalid",
        problems: [
          'mapping.timeZone: "US/Eastrn" is not an IANA time zone',
          expect.stringMatching(/^mapping\.memberIdSources\[0\]: /),
        ],
      });
      // The file's cross-field rule holds here too.
      const both = await createFacility(
        pool,
        {
          mapping: {
            sendingFacility: "BAYVIEW",
            sendingApplication: "EPIC",
            allowedApplications: ["X"],
            timeZone: "UTC",
          },
        },
        "user:1",
      );
      expect(both.ok === false && both.reason === "invalid" && both.problems[0]).toMatch(
        /^mapping\.allowedApplications: only for an entry without sendingApplication/,
      );
      const created = await createFacility(
        pool,
        {
          mapping: { sendingFacility: "BAYVIEW", timeZone: "America/Chicago" },
          watch: {
            interfaceContactEmail: "interfaces@bayview.example",
            silenceMinutes: 30,
            expectedHours: { days: [1, 2, 3, 4, 5], start: "07:00", end: "19:00" },
          },
        },
        "user:7",
      );
      expect(created).toMatchObject({
        ok: true,
        facility: { active: true, version: 1, watch: { silenceMinutes: 30 }, createdBy: "user:7" },
      });
      const again = await createFacility(
        pool,
        { mapping: { sendingFacility: "BAYVIEW", timeZone: "UTC" } },
        "u",
      );
      expect(again).toEqual({ ok: false, reason: "duplicate" });
      await expect.poll(() => heard).toEqual(["facilities"]);
    } finally {
      await stop();
      client.release();
    }
  });

  it("updates on the version it was made on, keeps the history, and leaves inactive facilities out of the listener's index", async () => {
    const [bayview] = (await listFacilities(pool)).filter((f) => f.mapping.sendingFacility === "BAYVIEW");
    if (bayview === undefined) throw new Error("BAYVIEW missing");
    const input = {
      mapping: { ...bayview.mapping, edLocations: ["ED", "PEDS-ED"] },
      active: false,
      watch: bayview.watch,
    };
    const updated = await updateFacility(pool, bayview.id, input, 1, "user:8");
    expect(updated).toMatchObject({ ok: true, facility: { version: 2, active: false, updatedBy: "user:8" } });
    const stale = await updateFacility(pool, bayview.id, input, 1, "user:9");
    expect(stale).toMatchObject({ ok: false, reason: "stale", current: { version: 2 } });

    const history = await facilityHistory(pool, bayview.id);
    expect(history.map((h) => [h.action, h.actor])).toEqual([
      ["updated", "user:8"],
      ["created", "user:7"],
    ]);
    expect(history[0]?.before?.mapping.edLocations).toEqual([]);
    expect(history[0]?.after?.mapping.edLocations).toEqual(["ED", "PEDS-ED"]);
    expect((await activeMappings(pool)).mappings.map((m) => m.sendingFacility)).not.toContain("BAYVIEW");
  });

  it("imports a mappings file all or nothing and exports the active facilities in the same format", async () => {
    const bad = await importFacilities(
      pool,
      { schemaVersion: 1, facilities: [harbor, { sendingFacility: "X", timeZone: "Mars/Olympus" }] },
      "user:1",
    );
    expect(bad).toEqual({
      ok: false,
      problems: ['facilities.1.timeZone: "Mars/Olympus" is not an IANA time zone'],
    });
    expect((await listFacilities(pool)).map((f) => f.mapping.sendingFacility)).toEqual(["BAYVIEW"]);

    const file = {
      schemaVersion: 1,
      facilities: [harbor, { sendingFacility: "BAYVIEW", timeZone: "America/Chicago" }],
    };
    expect(await importFacilities(pool, file, "user:1")).toEqual({
      ok: true,
      created: 1,
      updated: 1,
      unchanged: 0,
    });
    expect(await importFacilities(pool, file, "user:1")).toEqual({
      ok: true,
      created: 0,
      updated: 0,
      unchanged: 2,
    });
    const exported = await exportFacilities(pool);
    // BAYVIEW stays inactive (an import replaces mappings, not the state), so only HARBOR is exported.
    expect(exported.facilities.map((f) => f.sendingFacility)).toEqual(["HARBOR"]);
    expect(await importFacilities(pool, exported, "user:2")).toEqual({
      ok: true,
      created: 0,
      updated: 0,
      unchanged: 1,
    });
  });
});

/** A mapping with the defaults the schema fills in, as the listener holds it. */
function parsed(m: typeof harbor) {
  return {
    defaultCharset: "UNICODE UTF-8" as const,
    edPatientClasses: ["E"],
    edLocations: [],
    edAdmitSources: ["7"],
    observationPatientClasses: [],
    observationPatientTypes: [],
    observationLocations: [],
    mrnTypeCodes: ["MR"],
    memberIdSources: ["IN1-36" as const],
    sensitiveFacility: false,
    ...m,
  };
}
