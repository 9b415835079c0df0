import { describe, expect, it } from "vitest";
import { DEFAULT_DELIMITERS } from "../delimiters.ts";
import { Hl7Field } from "../field.ts";
import { readAddress, readCoded, readProvider, readTelecom, text } from "./data-types.ts";

const field = (raw: string) => new Hl7Field(raw, DEFAULT_DELIMITERS);
const rep = (raw: string) => field(raw).repetition(1);

describe("HL7 data type readers", () => {
  it("treats blank values as absent", () => {
    expect(text("")).toBeUndefined();
    expect(text("   ")).toBeUndefined();
    expect(text(" A ")).toBe("A");
    expect(readAddress(rep("^^^^"))).toBeUndefined();
    expect(readCoded(rep("^^I10"))).toBeUndefined();
  });

  it("reads an e-mail sent in XTN-1 by older senders", () => {
    expect(readTelecom(rep("a@example.invalid^NET^Internet"), "PID-13")).toEqual({
      system: "email",
      value: "a@example.invalid",
      useCode: "NET",
      equipmentType: "Internet",
      field: "PID-13",
    });
  });

  it("prefers the formatted number and composes one from parts otherwise", () => {
    expect(readTelecom(rep("555-0100^PRN^PH^^1^555^0100"), "PID-13")?.value).toBe("555-0100");
    expect(readTelecom(rep("^PRN^PH^^^555^0100"), "PID-13")?.value).toBe("(555) 0100");
    expect(readTelecom(rep("^PRN^PH"), "PID-13")).toBeUndefined();
  });

  it("reads escaped delimiters inside names", () => {
    expect(readAddress(rep("1 MAIN\\S\\REAR^^TOWN"))).toEqual({ street: "1 MAIN^REAR", city: "TOWN" });
  });

  it("merges a provider's ids across repetitions but not another person's", () => {
    const provider = readProvider(field("P1^DOE^JO~1234567893^^^^^^^^NPI~P9^ROE^AL"));
    expect(provider).toEqual({
      identifiers: [{ value: "P1" }, { value: "1234567893", assigningAuthority: "NPI" }],
      npi: "1234567893",
      name: { family: "DOE", given: "JO" },
    });
  });

  it("recognizes the NPI by its OID as assigning authority", () => {
    expect(readProvider(field("1234567893^DOE^^^^^^^&2.16.840.1.113883.4.6&ISO"))?.npi).toBe("1234567893");
    expect(readProvider(field("^^"))).toBeUndefined();
  });
});
