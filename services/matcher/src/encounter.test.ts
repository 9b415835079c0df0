import type { AdtEvent, AdtEventKind } from "@homeward/contracts";
import { describe, expect, it } from "vitest";
import { applyEvent, type Encounter } from "./encounter.ts";

let seq = 0;
/** The fields of an AdtEvent the encounter logic reads; the rest is irrelevant here. */
function event(kind: AdtEventKind, visitNumber = "V1", isEdVisit = false): AdtEvent {
  seq++;
  return {
    eventId: `00000000-0000-8000-8000-${String(seq).padStart(12, "0")}`,
    kind,
    occurredAt: `2026-11-${String(1 + (seq % 27)).padStart(2, "0")}T10:00:00-06:00`,
    facility: { sendingApplication: "EPIC", sendingFacility: "MERCYGEN", timeZone: "America/Chicago" },
    visit: { visitNumber },
    flags: { isEdVisit },
  } as unknown as AdtEvent;
}

function run(events: AdtEvent[]) {
  let encounter: Encounter | undefined;
  const outputs = events.map((e) => {
    const u = applyEvent(encounter, e);
    encounter = u.encounter;
    return u;
  });
  return { encounter: encounter as Encounter, outputs };
}

describe("encounters", () => {
  it("an ED arrival and its discharge are one encounter, both announced", () => {
    const { encounter, outputs } = run([event("ed-arrival", "V1", true), event("ed-discharge", "V1", true)]);
    expect(encounter).toMatchObject({
      facility: "MERCYGEN",
      visitNumber: "V1",
      setting: "ed",
      status: "discharged",
    });
    expect(encounter.entries).toHaveLength(2);
    expect(outputs.map((o) => o.announce)).toEqual([true, true]);
  });

  it("A06 turns an ED encounter inpatient, and its discharge ends it", () => {
    const { encounter } = run([
      event("ed-arrival", "V2", true),
      event("ed-to-inpatient", "V2"),
      event("discharge", "V2"),
    ]);
    expect(encounter).toMatchObject({ setting: "inpatient", status: "discharged" });
  });

  it("A11 cancels the admission and retracts what was announced; nothing is deleted", () => {
    const admit = event("inpatient-admit", "V3");
    const { encounter, outputs } = run([admit, event("update", "V3"), event("cancel-admit", "V3")]);
    expect(outputs[2]).toMatchObject({ announce: false, retract: [admit.eventId] });
    expect(encounter.status).toBe("cancelled");
    expect(encounter.entries).toHaveLength(3);
    expect(encounter.entries[0]).toMatchObject({ eventId: admit.eventId, retracted: true });
  });

  it("A13 cancels the discharge only, and the patient is back in hospital", () => {
    const admit = event("inpatient-admit", "V4");
    const discharge = event("discharge", "V4");
    const { encounter, outputs } = run([admit, discharge, event("cancel-discharge", "V4")]);
    expect(outputs[2]?.retract).toEqual([discharge.eventId]);
    expect(encounter.status).toBe("active");
  });

  it("a cancel with nothing announced to take back retracts nothing", () => {
    const { outputs } = run([event("pre-admit", "V5"), event("cancel-pre-admit", "V5")]);
    expect(outputs.map((o) => o.retract)).toEqual([[], []]);
  });

  it("a redelivered event is a replay: same encounter, nothing to announce or retract", () => {
    const arrival = event("ed-arrival", "V6", true);
    const first = applyEvent(undefined, arrival);
    const again = applyEvent(first.encounter, arrival);
    expect(again).toEqual({ encounter: first.encounter, announce: false, retract: [], replay: true });
  });

  it("updates and merges are recorded but not announced", () => {
    const { outputs } = run([event("ed-arrival", "V7", true), event("update", "V7"), event("merge", "V7")]);
    expect(outputs.map((o) => o.announce)).toEqual([true, false, false]);
  });
});
