import type { AdtEvent } from "@homeward/contracts";
import type {
  Bundle,
  Condition,
  Coverage,
  Encounter,
  Location,
  MessageHeader,
  Patient,
} from "@medplum/fhirtypes";
import { describe, expect, it } from "vitest";
import { buildNotificationBundle, buildRetractionBundle } from "./davinci-bundle.ts";
import { daVinciViolations } from "./davinci-constraints.test-support.ts";
import { SYSTEMS } from "./fhir-codes.ts";
import { fhirErrors } from "./fhir-validation.test-support.ts";
import { dischargeEvent, edArrivalEvent, matchedOf } from "./matched-fixtures.test-support.ts";

const options = {
  messageId: "obd_test-1",
  timestamp: new Date("2026-03-09T19:31:06Z"),
  source: { name: "Homeward", endpoint: "https://homeward.example.org" },
  destination: { endpoint: "https://ehr.example.org/fhir" },
} as const;

const resources = <T extends { resourceType: string }>(b: Bundle, type: T["resourceType"]) =>
  (b.entry ?? []).map((e) => e.resource).filter((r): r is never => r?.resourceType === type) as T[];

describe("Da Vinci notification Bundle", () => {
  const discharge = buildNotificationBundle(matchedOf(dischargeEvent()), {
    ...options,
    event: "notification-discharge",
  });

  it("is valid FHIR R4 and meets the IG's constraints (a discharge with every field)", () => {
    expect(fhirErrors(discharge)).toEqual([]);
    expect(daVinciViolations(discharge)).toEqual([]);
  });

  it("maps the encounter: class, period, disposition, reason, diagnoses, locations, participants", () => {
    const [encounter] = resources<Encounter>(discharge, "Encounter");
    expect(encounter).toMatchObject({
      status: "finished",
      class: { system: SYSTEMS.actCode, code: "IMP" },
      period: { start: "2026-03-05T22:10:00-05:00", end: "2026-03-09T14:30:00-05:00" },
      hospitalization: {
        admitSource: { coding: [{ system: SYSTEMS.admitSource, code: "7" }] },
        dischargeDisposition: { coding: [{ system: SYSTEMS.dischargeDisposition, code: "03" }] },
        destination: { display: "Maple Court Skilled Nursing" },
      },
      reasonCode: [{ text: "Chest pain" }],
    });
    expect(encounter?.identifier?.[0]).toMatchObject({ value: "V20260301" });
    expect(encounter?.diagnosis?.map((d) => [d.use?.coding?.[0]?.code, d.rank])).toEqual([
      ["DD", 1],
      ["CM", undefined],
      ["AD", undefined],
    ]);
    expect(encounter?.location?.map((l) => l.status)).toEqual(["completed", "completed"]);
    expect(encounter?.participant?.map((p) => p.type?.[0]?.coding?.[0]?.code)).toEqual(["ATND", "ADM"]);
    const conditions = resources<Condition>(discharge, "Condition");
    expect(conditions[0]?.code?.coding).toEqual([
      { system: SYSTEMS.icd10cm, code: "I21.4", display: "Non-ST elevation myocardial infarction" },
    ]);
    expect(conditions[2]?.code).toEqual({ text: "Shortness of breath" });
    const [patient] = resources<Patient>(discharge, "Patient");
    expect(patient).toMatchObject({
      gender: "female",
      birthDate: "1951-07-04",
      name: [{ family: "Testperson" }],
    });
    expect(patient?.identifier?.map((i) => i.value)).toEqual(["417", "MRN00417", "M-99001"]);
    const urls = new Map(discharge.entry?.map((e) => [e.fullUrl, e.resource]));
    expect(urls.get(patient?.generalPractitioner?.[0]?.reference)).toMatchObject({
      identifier: [{ system: SYSTEMS.npi, value: "1245319599" }],
    });
  });

  it("maps each insurance with a payer (IN1) to a Coverage of the patient, its payer an Organization", () => {
    const coverages = resources<Coverage>(discharge, "Coverage");
    expect(coverages).toHaveLength(1);
    expect(coverages[0]).toMatchObject({
      status: "active",
      subscriberId: "M-99001",
      order: 1,
      class: [
        { type: { coding: [{ system: SYSTEMS.coverageClass, code: "group" }] }, value: "G-100" },
        { type: { coding: [{ code: "plan" }] }, value: "HP-GOLD", name: "Harbor Plan Gold" },
      ],
    });
    const urls = new Map(discharge.entry?.map((e) => [e.fullUrl, e.resource]));
    expect(urls.get(coverages[0]?.payor[0]?.reference)).toMatchObject({ name: "Harbor Health Plan" });
    expect(urls.get(coverages[0]?.beneficiary.reference)?.resourceType).toBe("Patient");
  });

  it("names the event, the hospital as sender, the practice as receiver and the encounter as focus", () => {
    const header = discharge.entry?.[0]?.resource as MessageHeader;
    expect(header.eventCoding).toEqual({
      system: "http://hl7.org/fhir/us/davinci-alerts/CodeSystem/notification-event",
      code: "notification-discharge",
      display: "Discharge",
    });
    expect(header.destination?.[0]?.endpoint).toBe("https://ehr.example.org/fhir");
    const urls = new Map(discharge.entry?.map((e) => [e.fullUrl, e.resource]));
    expect(urls.get(header.focus?.[0]?.reference)?.resourceType).toBe("Encounter");
    expect(urls.get(header.sender?.reference)).toMatchObject({ name: "Northgen General Hospital" });
    expect(urls.get(header.destination?.[0]?.receiver?.reference)).toMatchObject({
      name: "Springvale Family Medicine",
    });
  });

  it("is the same Bundle when built twice, so a resend is recognizably the same message", () => {
    const again = buildNotificationBundle(matchedOf(dischargeEvent()), {
      ...options,
      event: "notification-discharge",
    });
    expect(again).toEqual(discharge);
    const other = buildNotificationBundle(matchedOf(dischargeEvent()), {
      ...options,
      messageId: "obd_test-2",
      event: "notification-discharge",
    });
    expect(other.identifier?.value).not.toBe(discharge.identifier?.value);
  });

  it("stays valid with the few fields an ED arrival carries (no name, no sex, no diagnoses)", () => {
    const matched = matchedOf(edArrivalEvent(), {
      encounter: { facility: "NORTHGEN", visitNumber: "V20260301", setting: "ed", status: "active" },
    });
    const admit = buildNotificationBundle(matched, { ...options, event: "notification-admit" });
    expect(fhirErrors(admit)).toEqual([]);
    expect(daVinciViolations(admit)).toEqual([]);
    const [encounter] = resources<Encounter>(admit, "Encounter");
    expect(encounter).toMatchObject({
      status: "in-progress",
      class: { code: "EMER" },
      period: { start: "2026-03-05T20:02:00-05:00" },
    });
    expect(resources<Patient>(admit, "Patient")[0]).toMatchObject({
      gender: "unknown",
      name: [{ text: "unknown" }],
    });
  });

  describe("corrections of what was sent (A11, A12, A13)", () => {
    const at = new Date("2026-03-09T20:00:00Z");
    const correct = (
      original: Bundle,
      kind: AdtEvent["kind"],
      trigger: string,
      originalMessageId = options.messageId,
    ) =>
      buildRetractionBundle(original, {
        messageId: "obd_cancel-1",
        timestamp: at,
        originalMessageId,
        cancel: { kind, trigger },
      });
    const header = (b: Bundle) => b.entry?.[0]?.resource as MessageHeader;
    const encounterOf = (b: Bundle) => resources<Encounter>(b, "Encounter")[0];
    const locationNames = (b: Bundle) => {
      const urls = new Map(b.entry?.map((e) => [e.fullUrl, e.resource]));
      return encounterOf(b)?.location?.map((l) => [
        (urls.get(l.location.reference) as Location | undefined)?.name,
        l.status,
      ]);
    };

    it("A11: the admission never happened, so the admit's Encounter goes back entered-in-error", () => {
      const matched = matchedOf(edArrivalEvent(), {
        encounter: { facility: "NORTHGEN", visitNumber: "V20260301", setting: "ed", status: "active" },
      });
      const admit = buildNotificationBundle(matched, { ...options, event: "notification-admit" });
      const cancel = correct(admit, "cancel-admit", "A11");
      expect(fhirErrors(cancel)).toEqual([]);
      expect(daVinciViolations(cancel)).toEqual([]);
      expect(encounterOf(cancel)?.status).toBe("entered-in-error");
      expect(encounterOf(cancel)?.identifier).toEqual(encounterOf(admit)?.identifier);
      expect(header(cancel).eventCoding?.code).toBe("notification-admit");
      expect(header(cancel).reason).toEqual({
        coding: [
          { system: SYSTEMS.eventType, code: "A11", display: "ADT/ACK - Cancel admit/visit notification" },
        ],
      });
      expect(cancel.identifier?.value).not.toBe(admit.identifier?.value);
      expect(header(cancel).id).not.toBe(header(admit).id);
      expect(cancel.timestamp).toBe("2026-03-09T20:00:00.000Z");
    });

    it("A13: the patient is still in, so the Encounter is in-progress again without end or disposition", () => {
      const cancel = correct(discharge, "cancel-discharge", "A13");
      expect(fhirErrors(cancel)).toEqual([]);
      expect(daVinciViolations(cancel)).toEqual([]);
      const encounter = encounterOf(cancel);
      expect(encounter?.status).toBe("in-progress");
      expect(encounter?.period).toEqual({ start: "2026-03-05T22:10:00-05:00" });
      expect(encounter?.hospitalization).toEqual({
        admitSource: { coding: [{ system: SYSTEMS.admitSource, code: "7" }] },
      });
      expect(locationNames(cancel)).toEqual([
        ["ED-7", "completed"],
        ["4W-412-B", "active"],
      ]);
      expect(encounter?.identifier).toEqual(encounterOf(discharge)?.identifier);
      expect(encounter?.diagnosis).toEqual(encounterOf(discharge)?.diagnosis);
      expect(header(cancel).eventCoding?.code).toBe("notification-discharge");
      expect(header(cancel).reason?.coding?.[0]?.code).toBe("A13");
      // What was sent is not changed by building its correction.
      expect(encounterOf(discharge)?.status).toBe("finished");
    });

    const transfer = (priorLocation: boolean) => {
      const d = dischargeEvent();
      const {
        dischargedAt: _a,
        dischargeDisposition: _b,
        dischargedTo: _c,
        priorLocation: prior,
        ...visit
      } = d.visit ?? { visitNumber: "V20260301" };
      const event: AdtEvent = {
        ...d,
        kind: "transfer",
        trigger: "A02",
        visit: {
          ...visit,
          location: { pointOfCare: "ICU", room: "2", bed: "A" },
          ...(priorLocation ? { priorLocation: { ...prior, pointOfCare: "4W", room: "412", bed: "B" } } : {}),
        },
      };
      return buildNotificationBundle(matchedOf(event), { ...options, event: "notification-transfer" });
    };

    it("A12: the patient is back where the transfer took them from, in progress", () => {
      const original = transfer(true);
      expect(locationNames(original)).toEqual([
        ["4W-412-B", "completed"],
        ["ICU-2-A", "active"],
      ]);
      const cancel = correct(original, "cancel-transfer", "A12");
      expect(fhirErrors(cancel)).toEqual([]);
      expect(daVinciViolations(cancel)).toEqual([]);
      expect(encounterOf(cancel)?.status).toBe("in-progress");
      expect(locationNames(cancel)).toEqual([["4W-412-B", "active"]]);
      // The location the transfer named is gone from the Bundle, not left unreferenced.
      expect(resources<Location>(cancel, "Location").map((l) => l.name)).toEqual(["4W-412-B"]);
      expect(header(cancel).eventCoding?.code).toBe("notification-transfer");
      expect(header(cancel).reason?.coding?.[0]).toMatchObject({ code: "A12" });
    });

    it("A12 of a transfer that named no prior location: in progress, with no location", () => {
      const cancel = correct(transfer(false), "cancel-transfer", "A12");
      expect(fhirErrors(cancel)).toEqual([]);
      expect(daVinciViolations(cancel)).toEqual([]);
      expect(encounterOf(cancel)?.status).toBe("in-progress");
      expect(encounterOf(cancel)?.location).toBeUndefined();
      expect(resources<Location>(cancel, "Location")).toEqual([]);
    });

    it("the IG checks catch a correction that says the wrong thing", () => {
      const cancel = correct(discharge, "cancel-discharge", "A13");
      const stillEnded = structuredClone(cancel);
      const enc = encounterOf(stillEnded) as Encounter;
      enc.period = { ...enc.period, end: "2026-03-09T14:30:00-05:00" };
      expect(daVinciViolations(stillEnded)).toContain("an A13 correction's Encounter has no period.end");
      const voided = correct(discharge, "cancel-admit", "A11");
      expect(daVinciViolations(voided)).toEqual([]);
      const wrongStatus = structuredClone(voided);
      (encounterOf(wrongStatus) as Encounter).status = "in-progress";
      expect(daVinciViolations(wrongStatus)).toContain(
        "an A11 correction's Encounter.status must be entered-in-error",
      );
    });
  });

  it("the checks catch what they are for: a broken reference, a missing class, a wrong first entry", () => {
    const broken = structuredClone(discharge);
    const header = broken.entry?.[0]?.resource as MessageHeader;
    header.focus = [{ reference: "urn:uuid:00000000-0000-5000-8000-000000000000" }];
    expect(daVinciViolations(broken)).toContain(
      "MessageHeader.focus must reference a Encounter in the Bundle",
    );
    const noClass = structuredClone(discharge);
    const enc = noClass.entry?.find((e) => e.resource?.resourceType === "Encounter")?.resource as Encounter;
    delete (enc as Partial<Encounter>).class;
    expect(fhirErrors(noClass).some((e) => e.includes("class"))).toBe(true);
    const reordered = { ...discharge, entry: [...(discharge.entry ?? [])].reverse() };
    expect(fhirErrors(reordered).some((e) => e.includes("bdl-12"))).toBe(true);
  });
});
