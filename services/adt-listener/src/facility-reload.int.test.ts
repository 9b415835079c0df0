import type { AdtEvent } from "@homeward/contracts";
import { createPool, type Pool } from "@homeward/db";
import { createFacility, listFacilities, updateFacility } from "@homeward/facilities";
import { ADT_A08_UPDATE } from "@homeward/hl7/fixtures";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { msaOf, startTestListener, type TestListener } from "./harness.test-support.ts";
import { controlIds, sendOne, withMshField } from "./raw-mllp-client.test-support.ts";

let t: TestListener;
let pool: Pool;
const nextId = controlIds("ONB");

beforeAll(async () => {
  // Every message is read in a parse worker (1 byte and up): the workers' copies of the mappings
  // must follow a change too, not only the main thread's.
  t = await startTestListener("facility-reload", { MLLP_PARSE_OFFTHREAD_BYTES: "1" });
  pool = createPool(t.iso.settings.postgres);
});
afterAll(async () => {
  await t?.stop();
  await pool?.end();
});

/** An A08 from Northshore's registration system with a control id of its own. */
const fromNorthshore = () =>
  withMshField(withMshField(withMshField(ADT_A08_UPDATE, 4, "NORTHSHORE"), 3, "MEDITECH"), 10, nextId());

describe("onboarding a facility while the listener runs", () => {
  it("filled an empty database from FACILITY_MAPPINGS_FILE at its first start", async () => {
    const names = (await listFacilities(pool)).map((f) => f.mapping.sendingFacility);
    expect(names.sort()).toEqual(["MERCYGEN", "RECOVERY", "STLUKES", "VALLEYGEN"]);
  });

  it("refuses an unknown facility, then accepts its first message once it is created, without a restart", async () => {
    expect(msaOf(await sendOne(t.listener.mllpPort, fromNorthshore()))).toMatchObject({ code: "AR" });

    const created = await createFacility(
      pool,
      {
        mapping: {
          sendingFacility: "NORTHSHORE",
          allowedApplications: ["MEDITECH"],
          displayName: "Northshore Community (synthetic)",
          timeZone: "America/Chicago",
        },
      },
      "user:1",
    );
    if (!created.ok) throw new Error(`facility not created: ${JSON.stringify(created)}`);

    // The NOTIFY reaches the running listener within moments (its timer would take a minute).
    await vi.waitFor(
      async () => expect(msaOf(await sendOne(t.listener.mllpPort, fromNorthshore())).code).toBe("AA"),
      { timeout: 10_000, interval: 200 },
    );
    const events = (await t.waitForRecords("adt.events.v1", 1)) as AdtEvent[];
    expect(events.at(-1)?.facility).toMatchObject({
      sendingFacility: "NORTHSHORE",
      displayName: "Northshore Community (synthetic)",
      timeZone: "America/Chicago",
    });

    // Turned off again: refused from the next reload on.
    const off = await updateFacility(
      pool,
      created.facility.id,
      { mapping: created.facility.mapping, active: false },
      1,
      "user:1",
    );
    expect(off.ok).toBe(true);
    await vi.waitFor(
      async () => expect(msaOf(await sendOne(t.listener.mllpPort, fromNorthshore())).code).toBe("AR"),
      { timeout: 10_000, interval: 200 },
    );
  });
});
