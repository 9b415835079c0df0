import { describe, expect, it } from "vitest";
import { DEFAULT_PROTOCOLS } from "./default-protocols.ts";
import { TRANSFER_DISCHARGE_DISPOSITIONS } from "./discharge-dispositions.ts";
import { exclusionsFor } from "./exclusions.ts";
import { planTasks } from "./plan-tasks.ts";
import { ProtocolsFile } from "./protocol.ts";
import { CHICAGO_PRACTICE, matchedEvent } from "./test-fixtures.ts";

const edDischarge = (disposition: string, controlId = "2") =>
  matchedEvent({
    kind: "ed-discharge",
    controlId,
    visit: { visitNumber: "V1", patientClass: "E", dischargeDisposition: disposition },
  });

describe("exclusionsFor: admitted", () => {
  it("an inpatient admission under a new visit number excludes the ED protocols' tasks of the patient, by day", () => {
    const admitted = matchedEvent({
      kind: "inpatient-admit",
      controlId: "3",
      visitNumber: "V2",
      occurredAt: "2026-09-05T23:30:00-05:00",
    });
    expect(exclusionsFor(admitted, DEFAULT_PROTOCOLS)).toEqual([
      expect.objectContaining({
        scope: "admitted",
        protocolId: "ed-follow-up",
        admittedOn: "2026-09-05",
        withinDays: 1,
      }),
      expect.objectContaining({ scope: "admitted", protocolId: "ed-follow-up-fmc", withinDays: 7 }),
      expect.objectContaining({ scope: "admitted", protocolId: "inpatient-discharge", withinDays: 30 }),
    ]);
  });

  it("reads the admission day in the practice's zone, not UTC", () => {
    // 23:30 in Chicago on the 5th is the 6th in UTC.
    const admitted = matchedEvent({ kind: "ed-to-inpatient", occurredAt: "2026-09-06T04:30:00Z" });
    expect(exclusionsFor(admitted, DEFAULT_PROTOCOLS)[0]).toMatchObject({ admittedOn: "2026-09-05" });
  });

  it("an observation stay is not an admission", () => {
    const observation = matchedEvent({ kind: "inpatient-admit", isObservation: true });
    expect(exclusionsFor(observation, DEFAULT_PROTOCOLS)).toEqual([]);
  });
});

describe("exclusionsFor: discharge dispositions", () => {
  it("a transfer to an acute hospital or a SNF excludes the ED visit's own tasks and opens none", () => {
    for (const code of ["02", "03", "05", "61", "62", "63", "65", "66", "43", "82", "95"]) {
      expect(TRANSFER_DISCHARGE_DISPOSITIONS, code).toContain(code);
      const matched = edDischarge(code);
      expect(
        exclusionsFor(matched, DEFAULT_PROTOCOLS).map((e) => [e.scope, e.reason]),
        code,
      ).toEqual([
        ["encounter", "transferred"],
        ["encounter", "transferred"],
      ]);
      expect(planTasks(matched, DEFAULT_PROTOCOLS, CHICAGO_PRACTICE), code).toEqual([]);
    }
  });

  it("PV1-36 09 (admitted to this hospital) is an admission of the visit", () => {
    expect(exclusionsFor(edDischarge("09"), DEFAULT_PROTOCOLS)[0]).toMatchObject({
      scope: "encounter",
      protocolId: "ed-follow-up",
      reason: "admitted",
    });
  });

  it("left against advice counts by default, as HEDIS FMC and TRC do; a program can exclude it", () => {
    const ama = edDischarge("07");
    expect(exclusionsFor(ama, DEFAULT_PROTOCOLS)).toEqual([]);
    expect(planTasks(ama, DEFAULT_PROTOCOLS, CHICAGO_PRACTICE).map((t) => t.stepId)).toEqual([
      "follow-up-call",
    ]);
    const strict = ProtocolsFile.parse({
      ...DEFAULT_PROTOCOLS,
      protocols: DEFAULT_PROTOCOLS.protocols.map((p) =>
        p.protocolId === "ed-follow-up"
          ? { ...p, exclusions: { ...p.exclusions, leftAgainstAdvice: "exclude" } }
          : p,
      ),
    });
    expect(exclusionsFor(ama, strict)).toEqual([
      expect.objectContaining({
        scope: "encounter",
        protocolId: "ed-follow-up",
        reason: "left-against-advice",
      }),
    ]);
    expect(planTasks(ama, strict, CHICAGO_PRACTICE)).toEqual([]);
  });

  it("a discharge home excludes nothing", () => {
    expect(exclusionsFor(edDischarge("01"), DEFAULT_PROTOCOLS)).toEqual([]);
  });
});

describe("exclusionsFor: died", () => {
  it("PID-30 or an expired disposition closes every open task of the patient, and nothing else is planned", () => {
    for (const matched of [
      matchedEvent({ kind: "ed-discharge", deceased: true }),
      ...["20", "40", "41", "42"].map((code) => edDischarge(code)),
    ]) {
      expect(exclusionsFor(matched, DEFAULT_PROTOCOLS)).toEqual([
        { scope: "patient", reason: "died", text: expect.stringMatching(/^the patient died/) },
      ]);
      expect(planTasks(matched, DEFAULT_PROTOCOLS, CHICAGO_PRACTICE)).toEqual([]);
    }
  });

  it("retractions exclude nothing here (the notifier closes what the retracted event opened)", () => {
    expect(
      exclusionsFor(matchedEvent({ kind: "inpatient-admit", matchKind: "retraction" }), DEFAULT_PROTOCOLS),
    ).toEqual([]);
  });
});
