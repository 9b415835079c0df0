import { AdtEvent, FacilityMapping } from "@homeward/contracts";
import { normalizeAdt, parseHl7 } from "@homeward/hl7";
import { describe, expect, it } from "vitest";
import { buildForwardedAdt, hl7DateTime } from "./hl7-forward.ts";
import { dischargeEvent, matchedOf } from "./matched-fixtures.test-support.ts";

const options = {
  controlId: "obd_fwd-1",
  now: new Date("2026-03-09T19:31:06Z"),
  receiving: { application: "EHRIF", facility: "SFM" },
};

describe("HL7 v2 forwarding", () => {
  it("re-encodes the event so that Homeward's own normalizer reads the same facts back", () => {
    const event = dischargeEvent();
    const text = buildForwardedAdt(matchedOf(event), options);
    const parsed = parseHl7(text);
    if (!parsed.ok) throw new Error(parsed.error.text);
    const mapping = FacilityMapping.parse({ sendingFacility: "NORTHGEN", timeZone: "America/New_York" });
    const result = normalizeAdt(parsed.message, mapping);
    if (!result.ok) throw new Error(result.error.text);
    const back = AdtEvent.parse(result.event);
    expect(back).toMatchObject({
      kind: "discharge",
      trigger: "A03",
      controlId: "obd_fwd-1",
      occurredAt: "2026-03-09T14:30:00-05:00",
      patient: {
        name: { family: "Testperson", given: "Avery", middle: "Q" },
        birthDate: "1951-07-04",
        sex: "F",
        addresses: [{ street: "12 Elm St", city: "Springvale", state: "MA", postalCode: "01001" }],
      },
      visit: {
        visitNumber: "V20260301",
        accountNumber: "ACCT-88",
        patientClass: "I",
        location: { pointOfCare: "4W", room: "412", bed: "B" },
        priorLocation: { pointOfCare: "ED", room: "7" },
        admitSource: "7",
        dischargeDisposition: "03",
        dischargedTo: "Maple Court Skilled Nursing",
        admittedAt: "2026-03-05T22:10:00-05:00",
        dischargedAt: "2026-03-09T14:30:00-05:00",
        attendingProvider: { npi: "1234567893" },
        admitReason: { code: "CP", text: "Chest pain" },
      },
      primaryCareProvider: { npi: "1245319599" },
    });
    expect(back.patient.identifiers.map((i) => [i.value, i.assigningAuthority, i.typeCode])).toEqual([
      ["MRN00417", "NORTHGEN", "MR"],
      ["M-99001", "HPLAN", "MB"],
      ["417", "HOMEWARD", "PI"],
    ]);
    expect(back.diagnoses.map((d) => [d.code, d.system, d.type, d.priority])).toEqual([
      ["I21.4", "I10", "F", "1"],
      ["E11.9", "I10", "W", undefined],
      [undefined, undefined, "A", undefined],
    ]);
    expect(text.split("\r")[0]).toBe(
      "MSH|^~\\&|HOMEWARD|NORTHGEN|EHRIF|SFM|20260309193106+0000||ADT^A03^ADT_A03|obd_fwd-1|P|2.5.1",
    );
  });

  it("forwards a cancel as the hospital's own trigger, read back as the same cancel", () => {
    const d = dischargeEvent();
    const cancel = {
      ...d,
      kind: "cancel-transfer" as const,
      trigger: "A12",
      messageStructure: "ADT_A12",
      visit: { visitNumber: "V20260301", patientClass: "I", location: { pointOfCare: "4W", room: "412" } },
      diagnoses: [],
    };
    const text = buildForwardedAdt(matchedOf(cancel, { kind: "retraction" }), options);
    const parsed = parseHl7(text);
    if (!parsed.ok) throw new Error(parsed.error.text);
    const mapping = FacilityMapping.parse({ sendingFacility: "NORTHGEN", timeZone: "America/New_York" });
    const result = normalizeAdt(parsed.message, mapping);
    if (!result.ok) throw new Error(result.error.text);
    expect(AdtEvent.parse(result.event)).toMatchObject({
      kind: "cancel-transfer",
      trigger: "A12",
      visit: { visitNumber: "V20260301", location: { pointOfCare: "4W", room: "412" } },
    });
    expect(text.split("\r")[0]).toContain("|ADT^A12^ADT_A12|obd_fwd-1|");
  });

  it("escapes the delimiters a value carries", () => {
    const event = dischargeEvent();
    const text = buildForwardedAdt(
      matchedOf({ ...event, patient: { ...event.patient, name: { family: "O|Brien^Smith", given: "A&B" } } }),
      options,
    );
    expect(text).toContain("O\\F\\Brien\\S\\Smith^A\\T\\B");
  });

  it("writes HL7 times with the offset as sent", () => {
    expect(hl7DateTime("2026-03-09T14:30:00-05:00")).toBe("20260309143000-0500");
    expect(hl7DateTime("2026-03-09T19:30:00Z")).toBe("20260309193000+0000");
    expect(hl7DateTime(undefined)).toBe("");
  });
});
