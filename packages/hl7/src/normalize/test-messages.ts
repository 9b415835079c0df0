/**
 * Builders for normalizer tests: one synthetic ED visit whose segments a test can replace one field
 * at a time. Every name, number and address is invented.
 */
import { FacilityMapping, type FacilityMappingInput } from "@homeward/contracts";
import type { Hl7Message } from "../message.ts";
import { parseHl7 } from "../parser.ts";

export type Segments = Record<string, string | string[] | undefined>;

/** The base message's segments, by id; a test overrides or removes (`undefined`) entries. */
export function edArrivalSegments(trigger = "A04"): Segments {
  return {
    MSH: `MSH|^~\\&|EPICADT|NORTHGEN^2.16.840.1.113883.19.5^ISO|HOMEWARD|HW|20240705143015||ADT^${trigger}^ADT_A01|CTRL0001|P|2.5.1`,
    EVN: `EVN|${trigger}|20240705143000|||JDOE|20240705142500`,
    PID: [
      "PID|1",
      "",
      "MRN100^^^NORTHGEN^MR^NORTHGEN~M555^^^ACMEPLAN^MB~~^^^IGNORED^PI",
      "",
      "ZEPHYRINE^ODALYS^Q^III^MS^^L~ZEE^ODIE^^^^^A",
      "",
      "19711231",
      "F",
      "",
      "",
      "9 BIRCH ST^UNIT 2^ELMTON^MN^55001^USA^H^^027~PO BOX 4^^ELMTON^MN^55001^^M",
      "",
      "(555)010-0111^PRN^PH~^PRN^CP^^1^555^0100222^9~^NET^Internet^odalys@example.invalid",
      "^WPN^PH^^^555^0100333",
      "",
      "",
      "",
      "ACCT77",
    ].join("|"),
    PD1: "PD1|||ELMTON CLINIC|1111111111^PINECREST^ROWAN^^^DR^^^NPI^L^^^NPI||||||||N",
    PV1: [
      "PV1|1",
      "E",
      "ED^B12^2^NORTHGEN",
      "E",
      "",
      "",
      "2222222222^ASHGROVE^MILO^^^DR^MD^^NPI^L^^^NPI~E77^ASHGROVE^^^^^^^EPIC^^^^PROV",
      "",
      "",
      "EMR",
      "",
      "",
      "",
      "7",
      "",
      "",
      "",
      "EDPT",
      "VN900^^^NORTHGEN^VN",
      ...Array<string>(24).fill(""),
      "20240705142000",
    ].join("|"),
    PV2: "PV2|||R10.9^Abdominal pain^I10",
    DG1: [
      segment("DG1", { 1: "1", 3: "R10.9^Abdominal pain^I10", 5: "20240705", 6: "A", 15: "1" }),
      "DG1|2||||",
      "DG1|3|||Free-text dx||W",
    ],
    IN1: [
      segment("IN1", {
        1: "1",
        2: "PLN1^Gold HMO",
        3: "PAY1^^^X",
        4: "ACME HEALTH",
        8: "GRP9",
        9: "ACME GROUP",
        15: "HMO",
        36: "POL-1",
        49: "INS-1^^^ACME",
      }),
      segment("IN1", { 1: "2", 2: "PLN2", 3: "PAY2", 36: "POL-2" }),
    ],
    ROL: "ROL|1|AD|PP^Primary Care Provider^HL70443|3333333333^LARCHMONT^EDIE^^^DR^^^NPI^L^^^NPI",
    ZPV: "ZPV|1|secret note",
  };
}

/** A segment line from its non-empty fields, by number (not for MSH). */
export function segment(name: string, fields: Record<number, string>): string {
  const last = Math.max(...Object.keys(fields).map(Number));
  const out = [name];
  for (let n = 1; n <= last; n++) out.push(fields[n] ?? "");
  return out.join("|");
}

/** Joins segments (in insertion order, arrays expanded) with CR and parses; throws if unparseable. */
export function buildMessage(segments: Segments): Hl7Message {
  const lines = Object.values(segments).flatMap((s) => (s === undefined ? [] : s));
  const parsed = parseHl7(lines.join("\r"));
  if (!parsed.ok) throw new Error(`test message does not parse: ${parsed.error.text}`);
  return parsed.message;
}

/** Replaces field `n` of a segment line (1-based as the spec counts; not for MSH-1/2). */
export function setField(line: string, n: number, value: string): string {
  const fields = line.split("|");
  const index = line.startsWith("MSH") ? n - 1 : n;
  while (fields.length <= index) fields.push("");
  fields[index] = value;
  return fields.join("|");
}

/** A mapping for NORTHGEN in Chicago, with overrides. */
export function northgenMapping(overrides: Partial<FacilityMappingInput> = {}): FacilityMapping {
  return FacilityMapping.parse({
    sendingFacility: "NORTHGEN",
    timeZone: "America/Chicago",
    displayName: "North General",
    ...overrides,
  });
}
