import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AdtEvent } from "@homeward/contracts";
import { indexFacilityMappings } from "@homeward/contracts";
import { ADT_A01_ADMIT, ADT_A08_UPDATE, ADT_A11_CANCEL } from "@homeward/hl7/fixtures";
import { createEventLog } from "@homeward/kafka";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIngestPipeline, type IngestPipeline, readFacilityMappings } from "./app.ts";
import { FACILITIES_FILE, startTestListener, type TestListener } from "./harness.test-support.ts";
import { loadBatch } from "./load-batch.ts";
import { replayRaw } from "./replay.ts";

let t: TestListener;
let pipeline: IngestPipeline;
beforeAll(async () => {
  t = await startTestListener("commands");
  pipeline = await createIngestPipeline(t.config, t.logger);
});
afterAll(async () => {
  await pipeline?.close();
  await t?.stop();
});

const batchFile = [
  "FHS|^~\\&|FEEDS|MERCYGEN|HOMEWARD|HOMEWARD|20240401000000",
  "BHS|^~\\&|FEEDS|MERCYGEN|HOMEWARD|HOMEWARD|20240401000000||||BATCH-7",
  ADT_A01_ADMIT,
  ADT_A08_UPDATE,
  ADT_A11_CANCEL,
  "BTS|3",
  "FTS|1",
].join("\r");

describe("load-batch", () => {
  it("takes each message of a batch file as if it came alone, and a second load writes nothing new", async () => {
    const path = join(tmpdir(), `${t.iso.id}.hl7`);
    writeFileSync(path, batchFile);
    const first = await loadBatch(pipeline.ingest, path, Buffer.from(batchFile), new Date());
    expect(first).toMatchObject({ messages: 3, byOutcome: { accepted: 3, duplicate: 0 }, refused: [] });
    const again = await loadBatch(pipeline.ingest, path, Buffer.from(batchFile), new Date());
    expect(again.byOutcome).toMatchObject({ accepted: 0, duplicate: 3 });
    const events = (await t.waitForRecords("adt.events.v1", 3)) as AdtEvent[];
    expect(events.map((e) => e.kind).sort()).toEqual(["cancel-admit", "inpatient-admit", "update"]);
  });

  it("reports refused messages with position, control id and reason", async () => {
    const bad = ADT_A08_UPDATE.replace("|P|2.4", "|P|2.1");
    const report = await loadBatch(pipeline.ingest, "bad.hl7", Buffer.from(bad), new Date());
    expect(report.byOutcome.rejected).toBe(1);
    expect(report.refused[0]).toMatch(/^#1 SL000981223: AR .*version 2\.1/);
  });
});

describe("replay", () => {
  it("re-normalizes adt.raw.v1 with the current mappings and republishes the events", async () => {
    await t.waitForRecords("adt.raw.v1", 3);
    // The mapping fix: Mercy General's clocks were set to the wrong zone.
    const fixed = readFacilityMappings(FACILITIES_FILE).map((m) =>
      m.sendingFacility === "MERCYGEN" ? { ...m, timeZone: "America/New_York" } : m,
    );
    const eventLog = await createEventLog(pipeline.kafka);
    const report = await replayRaw({
      kafka: pipeline.kafka,
      eventLog,
      topics: pipeline.topics,
      lookupMapping: indexFacilityMappings(fixed),
      logger: t.logger,
      groupId: t.iso.groupId("replay"),
    });
    await eventLog.close();
    expect(report).toMatchObject({ read: 3, republished: 3, skipped: 0, failed: [] });
    const events = (await t.waitForRecords("adt.events.v1", 6)) as AdtEvent[];
    const copies = new Map<string, number>();
    for (const e of events) copies.set(e.eventId, (copies.get(e.eventId) ?? 0) + 1);
    expect([...copies.values()]).toEqual([2, 2, 2]);
  });
});
