import { ADT_EVENT_KINDS, type AdtEventKind, FacilityMapping } from "@homeward/contracts";
import { describe, expect, it } from "vitest";
import { eventKindOf, SUPPORTED_TRIGGERS, type VisitSetting, visitSetting } from "./event-kind.ts";

const settings: VisitSetting[] = [false, true].flatMap((isEd) =>
  [false, true].flatMap((isObservation) =>
    [false, true].map((cameFromEd) => ({ isEd, isObservation, cameFromEd })),
  ),
);

describe("eventKindOf", () => {
  it("gives a kind for every supported trigger in every setting, and none for others", () => {
    for (const trigger of Object.keys(SUPPORTED_TRIGGERS)) {
      for (const setting of settings) expect(eventKindOf(trigger, setting)).toBeDefined();
    }
    for (const trigger of ["A09", "A10", "A14", "A17", "A29", "A41", "A52", "R01", "", "a01"]) {
      expect(eventKindOf(trigger, settings[0] as VisitSetting)).toBeUndefined();
    }
  });

  it("reaches every AdtEventKind from some trigger", () => {
    const reached = new Set<AdtEventKind | undefined>();
    for (const trigger of Object.keys(SUPPORTED_TRIGGERS)) {
      for (const setting of settings) reached.add(eventKindOf(trigger, setting));
    }
    expect([...ADT_EVENT_KINDS].filter((kind) => !reached.has(kind))).toEqual([]);
  });

  it("uses the observation flag for no kind (observation is a flag, not a kind)", () => {
    for (const trigger of Object.keys(SUPPORTED_TRIGGERS)) {
      for (const setting of settings) {
        expect(eventKindOf(trigger, { ...setting, isObservation: true })).toBe(
          eventKindOf(trigger, { ...setting, isObservation: false }),
        );
      }
    }
  });
});

describe("visitSetting", () => {
  const mapping = FacilityMapping.parse({
    sendingFacility: "X",
    timeZone: "UTC",
    edLocations: ["ER"],
    observationPatientClasses: ["B"],
  });

  it("reads ED from class or location, case-sensitively", () => {
    expect(visitSetting({ patientClass: "E" }, mapping).isEd).toBe(true);
    expect(visitSetting({ patientClass: "O", location: { pointOfCare: "ER" } }, mapping).isEd).toBe(true);
    expect(visitSetting({ patientClass: "e", location: { pointOfCare: "er" } }, mapping).isEd).toBe(false);
    expect(visitSetting(undefined, mapping)).toEqual({
      isEd: false,
      isObservation: false,
      cameFromEd: false,
    });
  });

  it("reads an ED origin from PV1-6 or the default ED admit source 7", () => {
    expect(visitSetting({ priorLocation: { pointOfCare: "ER" } }, mapping).cameFromEd).toBe(true);
    expect(visitSetting({ admitSource: "7" }, mapping).cameFromEd).toBe(true);
    expect(visitSetting({ admitSource: "1", priorLocation: { pointOfCare: "4W" } }, mapping).cameFromEd).toBe(
      false,
    );
  });
});
