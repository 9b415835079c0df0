import { AdtEvent, adtEventId, Hl7ErrorCode, type MemberIdSource } from "@homeward/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ADT_A03_DISCHARGE, SAMPLE_ADT_MESSAGES } from "../fixtures/adt-messages.ts";
import { parseHl7 } from "../parser.ts";
import { normalizeAdt } from "./index.ts";
import {
  buildMessage,
  edArrivalSegments,
  northgenMapping,
  type Segments,
  segment,
  setField,
} from "./test-messages.ts";

function normalize(segments: Segments, mapping = northgenMapping()) {
  return normalizeAdt(buildMessage(segments), mapping);
}

function event(segments: Segments, mapping = northgenMapping()): AdtEvent {
  const result = normalize(segments, mapping);
  if (!result.ok) throw new Error(`not normalized: ${result.error.code} ${result.error.text}`);
  const checked = AdtEvent.safeParse(result.event);
  if (!checked.success) throw new Error(`invalid AdtEvent: ${JSON.stringify(checked.error.issues)}`);
  return result.event;
}

/** The base message with its PV1 and EVN times and PV1-2 changed. */
function withPv1(trigger: string, changes: Record<number, string>): Segments {
  const segments = edArrivalSegments(trigger);
  let pv1 = segments.PV1 as string;
  for (const [n, value] of Object.entries(changes)) pv1 = setField(pv1, Number(n), value);
  return { ...segments, PV1: pv1 };
}

describe("normalizeAdt: the whole event", () => {
  it("maps an ED registration field by field", () => {
    expect(event(edArrivalSegments())).toEqual({
      schemaVersion: 1,
      eventId: adtEventId("EPICADT", "NORTHGEN", "CTRL0001"),
      kind: "ed-arrival",
      messageType: "ADT",
      trigger: "A04",
      messageStructure: "ADT_A01",
      hl7Version: "2.5.1",
      processingId: "P",
      controlId: "CTRL0001",
      occurredAt: "2024-07-05T14:25:00-05:00",
      occurredAtSource: "EVN-6",
      recordedAt: "2024-07-05T14:30:00-05:00",
      facility: {
        sendingApplication: "EPICADT",
        sendingFacility: "NORTHGEN",
        receivingApplication: "HOMEWARD",
        receivingFacility: "HW",
        displayName: "North General",
        timeZone: "America/Chicago",
      },
      patient: {
        identifiers: [
          { value: "MRN100", typeCode: "MR", assigningAuthority: "NORTHGEN", assigningFacility: "NORTHGEN" },
          { value: "M555", typeCode: "MB", assigningAuthority: "ACMEPLAN" },
        ],
        primaryIdentifier: {
          value: "MRN100",
          typeCode: "MR",
          assigningAuthority: "NORTHGEN",
          assigningFacility: "NORTHGEN",
        },
        name: {
          family: "ZEPHYRINE",
          given: "ODALYS",
          middle: "Q",
          suffix: "III",
          prefix: "MS",
          typeCode: "L",
        },
        birthDate: "1971-12-31",
        sex: "F",
        addresses: [
          {
            street: "9 BIRCH ST",
            otherDesignation: "UNIT 2",
            city: "ELMTON",
            state: "MN",
            postalCode: "55001",
            country: "USA",
            typeCode: "H",
            county: "027",
          },
          { street: "PO BOX 4", city: "ELMTON", state: "MN", postalCode: "55001", typeCode: "M" },
        ],
        telecoms: [
          { system: "phone", value: "(555)010-0111", useCode: "PRN", equipmentType: "PH", field: "PID-13" },
          {
            system: "phone",
            value: "+1 (555) 0100222 x9",
            useCode: "PRN",
            equipmentType: "CP",
            field: "PID-13",
          },
          {
            system: "email",
            value: "odalys@example.invalid",
            useCode: "NET",
            equipmentType: "Internet",
            field: "PID-13",
          },
          { system: "phone", value: "(555) 0100333", useCode: "WPN", equipmentType: "PH", field: "PID-14" },
        ],
        memberId: "POL-1",
      },
      visit: {
        visitNumber: "VN900",
        accountNumber: "ACCT77",
        patientClass: "E",
        admissionType: "E",
        patientType: "EDPT",
        location: { pointOfCare: "ED", room: "B12", bed: "2", facility: "NORTHGEN" },
        hospitalService: "EMR",
        admitSource: "7",
        attendingProvider: {
          identifiers: [
            { value: "2222222222", typeCode: "NPI", assigningAuthority: "NPI" },
            { value: "E77", typeCode: "PROV", assigningAuthority: "EPIC" },
          ],
          npi: "2222222222",
          name: { family: "ASHGROVE", given: "MILO", prefix: "DR", degree: "MD" },
        },
        admitReason: { code: "R10.9", text: "Abdominal pain", system: "I10" },
        admittedAt: "2024-07-05T14:20:00-05:00",
      },
      primaryCareProvider: {
        identifiers: [{ value: "3333333333", typeCode: "NPI", assigningAuthority: "NPI" }],
        npi: "3333333333",
        name: { family: "LARCHMONT", given: "EDIE", prefix: "DR" },
        source: "ROL",
      },
      diagnoses: [
        { code: "R10.9", system: "I10", description: "Abdominal pain", type: "A", priority: "1" },
        { description: "Free-text dx", type: "W" },
      ],
      insurances: [
        {
          setId: "1",
          planId: "PLN1",
          planName: "Gold HMO",
          planType: "HMO",
          payerId: "PAY1",
          payerName: "ACME HEALTH",
          groupNumber: "GRP9",
          groupName: "ACME GROUP",
          policyNumber: "POL-1",
          insuredId: "INS-1",
          memberId: "POL-1",
        },
        { setId: "2", planId: "PLN2", payerId: "PAY2", policyNumber: "POL-2", memberId: "POL-2" },
      ],
      flags: { sensitiveFacility: false, isEdVisit: true, isObservation: false, patientProtected: false },
    });
  });

  it("is deterministic: the same message and mapping give the same event", () => {
    expect(event(edArrivalSegments())).toEqual(event(edArrivalSegments()));
    const other = {
      ...edArrivalSegments(),
      MSH: setField(edArrivalSegments().MSH as string, 10, "CTRL0002"),
    };
    expect(event(other).eventId).not.toBe(event(edArrivalSegments()).eventId);
  });

  it("copies receivedAt when the caller gives it", () => {
    const result = normalizeAdt(buildMessage(edArrivalSegments()), northgenMapping(), {
      receivedAt: "2024-07-05T19:30:16.120Z",
    });
    expect(result.ok && result.event.receivedAt).toBe("2024-07-05T19:30:16.120Z");
  });

  it("carries no Z-segment content", () => {
    expect(JSON.stringify(event(edArrivalSegments()))).not.toContain("secret note");
  });

  it("normalizes every shared sample message into a valid AdtEvent", () => {
    const kinds: Record<string, string> = {};
    for (const [name, text] of Object.entries(SAMPLE_ADT_MESSAGES)) {
      const parsed = parseHl7(text);
      if (!parsed.ok) throw new Error(`${name}: ${parsed.error.text}`);
      const facility = parsed.message.get("MSH-4.1");
      const result = normalizeAdt(parsed.message, northgenMapping({ sendingFacility: facility }));
      if (!result.ok) throw new Error(`${name}: ${result.error.text}`);
      expect(AdtEvent.safeParse(result.event).success).toBe(true);
      kinds[name] = result.event.kind;
    }
    expect(kinds).toMatchObject({
      ADT_A04_ED: "ed-arrival",
      ADT_A01_ADMIT: "inpatient-admit",
      ADT_A03_DISCHARGE: "discharge",
      ADT_A08_UPDATE: "update",
      ADT_A11_CANCEL: "cancel-admit",
      ADT_A40_MERGE: "merge",
    });
  });

  it("reads the discharge fixture's PV1-36 disposition and PV1-45 discharge time where the spec puts them", () => {
    const parsed = parseHl7(ADT_A03_DISCHARGE);
    if (!parsed.ok) throw new Error(parsed.error.text);
    const result = normalizeAdt(parsed.message, northgenMapping({ sendingFacility: "MERCYGEN" }));
    if (!result.ok) throw new Error(result.error.text);
    expect(result.event).toMatchObject({
      kind: "discharge",
      occurredAt: "2024-03-09T11:00:00-05:00",
      occurredAtSource: "PV1-45",
      visit: {
        dischargeDisposition: "01",
        admittedAt: "2024-03-05T19:00:00-05:00",
        dischargedAt: "2024-03-09T11:00:00-05:00",
      },
    });
  });
});

describe("normalizeAdt: event kinds", () => {
  it.each([
    ["A04", "E", "ed-arrival"],
    ["A04", "O", "registration"],
    ["A01", "I", "inpatient-admit"],
    ["A01", "E", "ed-arrival"],
    ["A03", "E", "ed-discharge"],
    ["A03", "I", "discharge"],
    ["A07", "O", "inpatient-to-outpatient"],
    ["A02", "I", "transfer"],
    ["A08", "I", "update"],
    ["A05", "P", "pre-admit"],
    ["A11", "I", "cancel-admit"],
    ["A12", "I", "cancel-transfer"],
    ["A13", "I", "cancel-discharge"],
    ["A38", "P", "cancel-pre-admit"],
    ["A21", "I", "leave-of-absence-out"],
    ["A22", "I", "leave-of-absence-return"],
  ])("%s with PV1-2 %s is %s", (trigger, patientClass, kind) => {
    expect(event(withPv1(trigger, { 2: patientClass, 3: "4W^401^1" })).kind).toBe(kind);
  });

  it("calls an ED point of care ED whatever the class", () => {
    const mapping = northgenMapping({ edLocations: ["ED", "PEDED"] });
    const segments = withPv1("A04", { 2: "O", 3: "PEDED^4^1" });
    expect(event(segments, mapping)).toMatchObject({ kind: "ed-arrival", flags: { isEdVisit: true } });
    expect(event(segments).kind).toBe("registration");
  });

  it("tells an ED-to-inpatient A06 by prior location or admit source", () => {
    const mapping = northgenMapping({ edLocations: ["ED"] });
    expect(event(withPv1("A06", { 2: "I", 3: "4W", 6: "ED^B12", 14: "" }), mapping).kind).toBe(
      "ed-to-inpatient",
    );
    expect(event(withPv1("A06", { 2: "I", 3: "4W", 14: "7" }), mapping).kind).toBe("ed-to-inpatient");
    expect(event(withPv1("A06", { 2: "I", 3: "4W", 6: "CLINIC", 14: "1" }), mapping).kind).toBe(
      "outpatient-to-inpatient",
    );
  });

  it("flags observation by class, patient type or location", () => {
    expect(
      event(withPv1("A01", { 2: "I", 18: "OBS" }), northgenMapping({ observationPatientTypes: ["OBS"] }))
        .flags,
    ).toMatchObject({ isObservation: true, isEdVisit: false });
    expect(
      event(withPv1("A01", { 2: "B" }), northgenMapping({ observationPatientClasses: ["B"] })).flags
        .isObservation,
    ).toBe(true);
    expect(
      event(withPv1("A01", { 2: "O", 3: "CDU" }), northgenMapping({ observationLocations: ["CDU"] })).flags
        .isObservation,
    ).toBe(true);
    expect(event(edArrivalSegments()).flags.isObservation).toBe(false);
  });

  it("takes the trigger from EVN-1 when MSH-9.2 is empty", () => {
    const segments = edArrivalSegments("A03");
    const e = event({ ...segments, MSH: setField(segments.MSH as string, 9, "ADT") });
    expect(e).toMatchObject({ trigger: "A03", kind: "ed-discharge" });
  });

  it("reads a person-level update (A31) without PV1", () => {
    const e = event({ ...edArrivalSegments("A31"), PV1: undefined, PV2: undefined });
    expect(e.kind).toBe("update");
    expect(e.visit).toBeUndefined();
    expect(e.flags.isEdVisit).toBe(false);
  });

  it("reads a merge's prior identifiers from MRG-1 and MRG-4", () => {
    const e = event({
      ...edArrivalSegments("A40"),
      PV1: undefined,
      MRG: "MRG|OLD1^^^NORTHGEN^MR~OLD2^^^NORTHGEN^MR|||OLD3^^^NORTHGEN^MR~OLD1^^^NORTHGEN^MR|V-OLD||ZEPHYR^ODA",
    });
    expect(e.kind).toBe("merge");
    expect(e.merge).toEqual({
      priorIdentifiers: [
        { value: "OLD1", typeCode: "MR", assigningAuthority: "NORTHGEN" },
        { value: "OLD2", typeCode: "MR", assigningAuthority: "NORTHGEN" },
        { value: "OLD3", typeCode: "MR", assigningAuthority: "NORTHGEN" },
      ],
      priorVisitNumber: "V-OLD",
      priorName: { family: "ZEPHYR", given: "ODA" },
    });
  });
});

describe("normalizeAdt: times", () => {
  const evn = (recorded: string, occurred: string) => `EVN|A04|${recorded}||||${occurred}`;

  it("falls back from EVN-6 to PV1-44 (arrivals), EVN-2, MSH-7", () => {
    const base = edArrivalSegments();
    expect(event({ ...base, EVN: evn("20240705143000", "") })).toMatchObject({
      occurredAt: "2024-07-05T14:20:00-05:00",
      occurredAtSource: "PV1-44",
    });
    const noAdmit = withPv1("A04", { 44: "" });
    expect(event({ ...noAdmit, EVN: evn("20240705143000", "") })).toMatchObject({
      occurredAt: "2024-07-05T14:30:00-05:00",
      occurredAtSource: "EVN-2",
      recordedAt: "2024-07-05T14:30:00-05:00",
    });
    expect(event({ ...noAdmit, EVN: undefined })).toMatchObject({
      occurredAt: "2024-07-05T14:30:15-05:00",
      occurredAtSource: "MSH-7",
      recordedAt: "2024-07-05T14:30:15-05:00",
    });
  });

  it("uses PV1-45 for a discharge and ignores PV1-44 for a transfer", () => {
    const discharge = withPv1("A03", { 2: "I", 44: "20240701080000", 45: "20240705110000" });
    expect(event({ ...discharge, EVN: evn("20240705113000", "") })).toMatchObject({
      kind: "discharge",
      occurredAt: "2024-07-05T11:00:00-05:00",
      occurredAtSource: "PV1-45",
      visit: { admittedAt: "2024-07-01T08:00:00-05:00", dischargedAt: "2024-07-05T11:00:00-05:00" },
    });
    const transfer = withPv1("A02", { 2: "I", 44: "20240701080000" });
    expect(event({ ...transfer, EVN: evn("20240705113000", "") })).toMatchObject({
      kind: "transfer",
      occurredAtSource: "EVN-2",
    });
  });

  it("applies the facility's zone, DST included, and keeps explicit offsets", () => {
    const winter = { ...edArrivalSegments(), EVN: evn("20240105143000", "202401051425") };
    expect(event(winter)).toMatchObject({ occurredAt: "2024-01-05T14:25:00-06:00" });
    const gap = { ...edArrivalSegments(), EVN: evn("20240310033000", "202403100230") };
    expect(event(gap).occurredAt).toBe("2024-03-10T03:30:00-05:00");
    const offset = { ...edArrivalSegments(), EVN: evn("20240705143000", "202407051425-0400") };
    expect(event(offset).occurredAt).toBe("2024-07-05T14:25:00-04:00");
    const phoenix = northgenMapping({ timeZone: "America/Phoenix" });
    expect(event(edArrivalSegments(), phoenix).occurredAt).toBe("2024-07-05T14:25:00-07:00");
  });
});

describe("normalizeAdt: patient details", () => {
  it("picks the key identifier by the mapping's type codes and authority", () => {
    const e = event(edArrivalSegments(), northgenMapping({ mrnTypeCodes: ["MB"] }));
    expect(e.patient.primaryIdentifier.value).toBe("M555");
    const wrongAuthority = northgenMapping({ mrnAssigningAuthority: "OTHERHOSP" });
    expect(event(edArrivalSegments(), wrongAuthority).patient.primaryIdentifier.value).toBe("MRN100");
    const pid = setField(edArrivalSegments().PID as string, 3, "X1^^^A^PI~X2^^^B^PI");
    expect(event({ ...edArrivalSegments(), PID: pid }).patient.primaryIdentifier.value).toBe("X1");
  });

  it("finds the member id in the configured places, in order", () => {
    const ids = (sources: MemberIdSource[]) => {
      const e = event(edArrivalSegments(), northgenMapping({ memberIdSources: sources }));
      return [e.patient.memberId, e.insurances.map((i) => i.memberId)];
    };
    expect(ids(["IN1-49", "IN1-36"])).toEqual(["INS-1", ["INS-1", "POL-2"]]);
    expect(ids(["PID-3:MB", "IN1-36"])).toEqual(["M555", ["POL-1", "POL-2"]]);
    expect(ids(["PID-3:MA"])).toEqual([undefined, [undefined, undefined]]);
  });

  it("falls back to PD1-4 for the primary care provider, and skips ROL deletions", () => {
    const deleted = "ROL|1|DE|PP|3333333333^LARCHMONT^EDIE";
    expect(event({ ...edArrivalSegments(), ROL: deleted }).primaryCareProvider).toEqual({
      identifiers: [{ value: "1111111111", typeCode: "NPI", assigningAuthority: "NPI" }],
      npi: "1111111111",
      name: { family: "PINECREST", given: "ROWAN", prefix: "DR" },
      source: "PD1-4",
    });
    expect(
      event({ ...edArrivalSegments(), ROL: undefined, PD1: undefined }).primaryCareProvider,
    ).toBeUndefined();
  });

  it("keeps partial birth dates out, reads death and protection", () => {
    const base = edArrivalSegments();
    let pid = setField(base.PID as string, 7, "1971");
    pid = setField(pid, 29, "20240706010000");
    pid = setField(pid, 30, "Y");
    const e = event({ ...base, PID: pid, PD1: segment("PD1", { 12: "Y" }) });
    expect(e.patient.birthDate).toBeUndefined();
    expect(e.patient).toMatchObject({ deceased: true, deceasedAt: "2024-07-06T01:00:00-05:00" });
    expect(e.flags.patientProtected).toBe(true);
  });

  it("passes the sensitive-facility flag through", () => {
    expect(
      event(edArrivalSegments(), northgenMapping({ sensitiveFacility: true })).flags.sensitiveFacility,
    ).toBe(true);
  });
});

describe("normalizeAdt: refusals", () => {
  const base = edArrivalSegments();
  const refusal = (segments: Segments) => {
    const result = normalize(segments);
    if (result.ok) throw new Error("expected a refusal");
    return result.error;
  };

  it("refuses a non-ADT message with 200", () => {
    expect(refusal({ ...base, MSH: setField(base.MSH as string, 9, "ORU^R01") })).toMatchObject({
      code: "200",
      location: { segment: "MSH", field: 9, component: 1 },
    });
  });

  it("refuses an unknown trigger with 201", () => {
    expect(refusal(edArrivalSegments("A99"))).toMatchObject({
      code: "201",
      location: { segment: "MSH", field: 9, component: 2 },
    });
  });

  it("refuses a message with no trigger anywhere with 101", () => {
    const segments = { ...base, MSH: setField(base.MSH as string, 9, "ADT"), EVN: "EVN||20240705143000" };
    expect(refusal(segments)).toMatchObject({ code: "101", location: { field: 9, component: 2 } });
  });

  it("refuses missing required segments with 100", () => {
    expect(refusal({ ...base, PID: undefined })).toMatchObject({
      code: "100",
      text: expect.stringContaining("PID"),
    });
    expect(refusal({ ...base, PV1: undefined })).toMatchObject({
      code: "100",
      text: expect.stringContaining("PV1"),
    });
    expect(refusal({ ...edArrivalSegments("A40"), PV1: undefined })).toMatchObject({
      code: "100",
      text: expect.stringContaining("MRG"),
    });
  });

  it("refuses a PID-3 without any identifier with 101 at PID-3", () => {
    const pid = setField(base.PID as string, 3, "^^^NORTHGEN^MR~");
    expect(refusal({ ...base, PID: pid })).toEqual({
      code: "101",
      text: "Required field PID-3 (patient identifier list) has no identifier",
      location: { segment: "PID", sequence: 1, field: 3, component: 1 },
    });
  });

  it("refuses a merge whose MRG names nobody with 101 at MRG-1", () => {
    expect(refusal({ ...edArrivalSegments("A40"), MRG: "MRG|^^^NORTHGEN" })).toMatchObject({
      code: "101",
      location: { segment: "MRG", field: 1 },
    });
  });

  it("refuses a merge with several PID/MRG pairs with 207 rather than dropping some", () => {
    const segments = edArrivalSegments("A40");
    const pairs = { ...segments, MRG: "MRG|OLD1", PID2: segments.PID, MRG2: "MRG|OLD2" };
    // Located at the second PID (ERL-2 counts occurrences of the segment id).
    expect(refusal(pairs)).toMatchObject({ code: "207", location: { segment: "PID", sequence: 2 } });
  });

  it("refuses an empty MSH-4 with 101", () => {
    expect(refusal({ ...base, MSH: setField(base.MSH as string, 4, "") })).toMatchObject({
      code: "101",
      location: { segment: "MSH", field: 4 },
    });
  });

  it("refuses malformed times with 102 at the field", () => {
    expect(refusal({ ...base, EVN: "EVN|A04|20240705143000||||2024-07-05" })).toMatchObject({
      code: "102",
      location: { segment: "EVN", sequence: 1, field: 6 },
    });
    expect(refusal(withPv1("A04", { 44: "20241305" }))).toMatchObject({
      code: "102",
      location: { segment: "PV1", field: 44 },
    });
    expect(refusal({ ...base, PID: setField(base.PID as string, 7, "31/12/1971") })).toMatchObject({
      code: "102",
      location: { segment: "PID", field: 7 },
    });
  });

  it("refuses a message with neither MSH-7 nor EVN-2 with 101 at MSH-7", () => {
    const segments = { ...base, MSH: setField(base.MSH as string, 7, ""), EVN: "EVN|A04" };
    expect(refusal(segments)).toMatchObject({ code: "101", location: { segment: "MSH", field: 7 } });
  });
});

describe("normalizeAdt properties", () => {
  const names = ["MSH", "EVN", "PID", "PD1", "PV1", "PV2", "DG1", "IN1", "ROL"] as const;
  const junk = fc.string({
    unit: fc.constantFrom(..."AZaz09 .-+^~&\\\"'#/".split(""), "20240705", "E", "A03", "MR", "PP", '""'),
    maxLength: 20,
  });

  it("never throws: every message gives a schema-valid event or a table 0357 error", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            segment: fc.constantFrom(...names),
            field: fc.integer({ min: 1, max: 50 }),
            value: junk,
          }),
          {
            maxLength: 6,
          },
        ),
        (edits) => {
          const segments = edArrivalSegments();
          for (const edit of edits) {
            const line = segments[edit.segment];
            if (typeof line !== "string" || (edit.segment === "MSH" && edit.field <= 2)) continue;
            segments[edit.segment] = setField(line, edit.field, edit.value);
          }
          const parsed = parseHl7(
            Object.values(segments)
              .flat()
              .filter((s) => s !== undefined)
              .join("\r"),
          );
          if (!parsed.ok) return;
          const result = normalizeAdt(
            parsed.message,
            northgenMapping({ memberIdSources: ["PID-3:MB", "IN1-49"] }),
          );
          if (result.ok) {
            const checked = AdtEvent.safeParse(result.event);
            expect(checked.error?.issues ?? []).toEqual([]);
          } else {
            expect(Hl7ErrorCode.options).toContain(result.error.code);
            expect(result.error.text).not.toMatch(/ZEPHYRINE|ODALYS|MRN100/);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
