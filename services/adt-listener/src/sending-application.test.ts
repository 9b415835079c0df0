import { FacilityMapping, indexFacilityMappings } from "@homeward/contracts";
import { ADT_A01_ADMIT, ADT_A08_UPDATE } from "@homeward/hl7/fixtures";
import { describe, expect, it } from "vitest";
import { withMshField } from "./raw-mllp-client.test-support.ts";
import { sendingApplicationCheck } from "./sending-application.ts";

const lookup = indexFacilityMappings(
  [
    { sendingFacility: "MERCYGEN", timeZone: "America/Chicago", allowedApplications: ["EPICADT"] },
    { sendingFacility: "STLUKES", timeZone: "America/New_York" },
    { sendingFacility: "STLUKES", sendingApplication: "LABSYS", timeZone: "America/New_York" },
  ].map((m) => FacilityMapping.parse(m)),
);
const bytes = (text: string) => Buffer.from(text, "latin1");

describe("sendingApplicationCheck", () => {
  const check = sendingApplicationCheck(lookup, new Set(["CERNER"]));

  it("passes an allowed application, and a facility it does not know (Ingest refuses that)", () => {
    expect(check(bytes(ADT_A01_ADMIT))).toBeUndefined(); // EPICADT at MERCYGEN
    expect(check(bytes(ADT_A08_UPDATE))).toBeUndefined(); // CERNER at STLUKES, by MLLP_ALLOWED_APPLICATIONS
    expect(check(bytes(withMshField(ADT_A08_UPDATE, 3, "LABSYS")))).toBeUndefined(); // its own entry
    expect(check(bytes(withMshField(ADT_A01_ADMIT, 4, "NOWHERE")))).toBeUndefined();
    expect(check(bytes("not HL7 at all"))).toBeUndefined();
  });

  it("refuses any other application with 204 at MSH-3, with the header for the NAK", () => {
    const refusal = check(bytes(withMshField(ADT_A01_ADMIT, 3, "ROGUE^1.2.3^ISO")));
    expect(refusal).toMatchObject({
      header: { sendingApplication: "ROGUE^1.2.3^ISO", controlId: "MG20240305190512007" },
      error: { code: "204", location: { segment: "MSH", sequence: 1, field: 3 } },
    });
    expect(check(bytes(withMshField(ADT_A08_UPDATE, 3, "EPICADT")))?.error.code).toBe("204");
  });
});
