import { describe, expect, it } from "vitest";
import { ADT_EVENT_KINDS, AdtEvent, adtEventPartitionKey } from "./adt-event.ts";
import { adtEventId } from "./event-id.ts";

/** A minimal valid event; tests spread changes over it. */
export const minimalEvent: AdtEvent = {
  schemaVersion: 1,
  eventId: adtEventId("APP", "FAC", "1"),
  kind: "ed-arrival",
  messageType: "ADT",
  trigger: "A04",
  hl7Version: "2.5.1",
  processingId: "P",
  controlId: "1",
  occurredAt: "2024-03-10T03:30:00-04:00",
  occurredAtSource: "EVN-6",
  recordedAt: "2024-03-10T03:31:00-04:00",
  facility: { sendingApplication: "APP", sendingFacility: "FAC", timeZone: "America/New_York" },
  patient: {
    identifiers: [{ value: "123", typeCode: "MR" }],
    primaryIdentifier: { value: "123", typeCode: "MR" },
    addresses: [],
    telecoms: [],
  },
  diagnoses: [],
  insurances: [],
  flags: { sensitiveFacility: false, isEdVisit: true, isObservation: false, patientProtected: false },
};

describe("AdtEvent", () => {
  it("accepts a minimal event and survives a JSON round trip", () => {
    const json = JSON.parse(JSON.stringify(minimalEvent));
    expect(AdtEvent.parse(json)).toEqual(minimalEvent);
  });

  it("requires times with an offset", () => {
    const result = AdtEvent.safeParse({ ...minimalEvent, occurredAt: "2024-03-10T03:30:00" });
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["occurredAt"]);
    expect(AdtEvent.safeParse({ ...minimalEvent, occurredAt: "2024-03-10T08:30:00Z" }).success).toBe(true);
  });

  it("requires at least one patient identifier", () => {
    const patient = { ...minimalEvent.patient, identifiers: [] };
    expect(AdtEvent.safeParse({ ...minimalEvent, patient }).success).toBe(false);
  });

  it("ties merge details to the merge kind", () => {
    const merge = { priorIdentifiers: [{ value: "OLD" }] };
    expect(AdtEvent.safeParse({ ...minimalEvent, kind: "merge", trigger: "A40", merge }).success).toBe(true);
    expect(AdtEvent.safeParse({ ...minimalEvent, kind: "merge", trigger: "A40" }).success).toBe(false);
    expect(AdtEvent.safeParse({ ...minimalEvent, merge }).success).toBe(false);
  });

  it("refuses unknown kinds and malformed ids", () => {
    expect(AdtEvent.safeParse({ ...minimalEvent, kind: "admit" }).success).toBe(false);
    expect(AdtEvent.safeParse({ ...minimalEvent, eventId: "not-a-uuid" }).success).toBe(false);
  });

  it("lists every kind once", () => {
    expect(new Set(ADT_EVENT_KINDS).size).toBe(ADT_EVENT_KINDS.length);
    expect(ADT_EVENT_KINDS).toContain("leave-of-absence-return");
  });
});

describe("adtEventPartitionKey", () => {
  it("keys by facility, authority and identifier without ambiguity", () => {
    const key = (facility: string, value: string, assigningAuthority?: string) =>
      adtEventPartitionKey({
        facility: { ...minimalEvent.facility, sendingFacility: facility },
        patient: {
          ...minimalEvent.patient,
          primaryIdentifier: assigningAuthority === undefined ? { value } : { value, assigningAuthority },
        },
      });
    expect(key("FAC", "123")).toBe(key("FAC", "123"));
    expect(key("FAC", "123", "A")).not.toBe(key("FAC", "123", "B"));
    expect(key("F|A", "C")).not.toBe(key("F", "A|C"));
  });
});
