import type { AdtEvent } from "@homeward/contracts";
import { runSimulation, type SimPatient } from "@homeward/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestListener, type TestListener } from "../harness.test-support.ts";

let t: TestListener;
beforeAll(async () => {
  t = await startTestListener("simulate");
});
afterAll(async () => {
  await t?.stop();
});

const patients: SimPatient[] = Array.from({ length: 5 }, (_, i) => ({
  family: `Synthfield${i}`,
  given: "Liora",
  sex: "F",
  birthDate: `198${i}-02-0${i + 1}`,
  memberId: `HPL2000000${i}`,
  memberIdAuthority: "HPLAN",
  mrns: { MERCYGEN: `MG90000${i}`, STLUKES: `SL90000${i}`, VALLEYGEN: `V90000${i}` },
}));

describe("feed simulator against the real listener", () => {
  it("sends its feed over MLLP with node-hl7-client, one ACK per message, every message an event", async () => {
    const lines: string[] = [];
    const totals = await runSimulation(
      {
        host: "127.0.0.1",
        port: t.listener.mllpPort,
        ratePerMinute: 60_000,
        count: 25,
        seed: 3,
        runTag: `IT${Date.now().toString(36).slice(-5).toUpperCase()}`,
        patients,
        strangerShare: 0.3,
        ackTimeoutMs: 10_000,
        connectTimeoutMs: 10_000,
      },
      { print: (line) => lines.push(line) },
    );
    expect(totals.sent).toBe(25);
    expect(totals.byAck).toEqual({ AA: 25 });
    expect(lines).toHaveLength(25);
    // One line per message, no patient data: no name or birth date of anyone.
    for (const p of patients)
      expect(lines.join("\n")).not.toMatch(new RegExp(`${p.family}|${p.birthDate}`, "i"));

    const events = (await t.waitForRecords("adt.events.v1", 25)) as AdtEvent[];
    expect(new Set(events.map((e) => e.controlId)).size).toBe(25);
    const kinds = new Map(lines.map((l) => l.trim().split(/\s+/)).map((f) => [f[1], f[3]]));
    for (const e of events) expect(e.kind).toBe(kinds.get(e.controlId));
  });
});
