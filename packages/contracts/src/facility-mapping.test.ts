import { describe, expect, it } from "vitest";
import {
  FacilityMapping,
  type FacilityMappingInput,
  indexFacilityMappings,
  isIanaTimeZone,
  loadFacilityMappings,
  sendingApplicationAllowed,
} from "./facility-mapping.ts";

const file = (facilities: unknown[]) => JSON.stringify({ schemaVersion: 1, facilities });

describe("isIanaTimeZone", () => {
  it.each(["America/New_York", "America/Indiana/Indianapolis", "Pacific/Honolulu", "UTC", "Etc/GMT+5"])(
    "accepts %s",
    (zone) => expect(isIanaTimeZone(zone)).toBe(true),
  );
  it.each(["", "America/NewYork", "EST5EDT6", "-05:00", "+0100", "5", "Mars/Olympus"])("refuses %j", (zone) =>
    expect(isIanaTimeZone(zone)).toBe(false),
  );
});

describe("loadFacilityMappings", () => {
  it("applies defaults", () => {
    const result = loadFacilityMappings(file([{ sendingFacility: "GEN", timeZone: "America/Chicago" }]));
    expect(result).toEqual({
      ok: true,
      mappings: {
        schemaVersion: 1,
        facilities: [
          {
            sendingFacility: "GEN",
            timeZone: "America/Chicago",
            defaultCharset: "UNICODE UTF-8",
            edPatientClasses: ["E"],
            edLocations: [],
            edAdmitSources: ["7"],
            observationPatientClasses: [],
            observationPatientTypes: [],
            observationLocations: [],
            mrnTypeCodes: ["MR"],
            memberIdSources: ["IN1-36"],
            sensitiveFacility: false,
          },
        ],
      },
    });
  });

  it("reports every problem at once, with where it is", () => {
    const result = loadFacilityMappings(
      file([
        { sendingFacility: "GEN", timeZone: "America/Chicago" },
        { sendingFacility: "GEN", timeZone: "America/Chicago" },
        {
          sendingFacility: "",
          timeZone: "US/Eastrn",
          memberIdSources: ["IN1-37", "PID-3:MB"],
          edLocation: ["ED"],
        },
        { sendingFacility: "OTHER", timeZone: "-05:00", defaultCharset: "latin1" },
      ]),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^facilities\[2\]\.sendingFacility: /),
        'facilities[2].timeZone: "US/Eastrn" is not an IANA time zone',
        expect.stringMatching(/^facilities\[2\]\.memberIdSources\[0\]: /),
        expect.stringMatching(/^facilities\[2\]: .*edLocation/),
        'facilities[3].timeZone: "-05:00" is not an IANA time zone',
        expect.stringMatching(/^facilities\[3\]\.defaultCharset: /),
      ]),
    );
    expect(result.problems).toHaveLength(6);
  });

  it("reports duplicate facility keys", () => {
    const result = loadFacilityMappings(
      file([
        { sendingFacility: "GEN", timeZone: "UTC" },
        { sendingFacility: "GEN", sendingApplication: "EPIC", timeZone: "UTC" },
        { sendingFacility: "GEN", timeZone: "UTC" },
      ]),
    );
    expect(result).toEqual({
      ok: false,
      problems: ["facilities[2]: same sendingFacility/sendingApplication as facilities[0]"],
    });
  });

  it("reports bad JSON and a wrong top level", () => {
    expect(loadFacilityMappings("{ nope")).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^not valid JSON/)],
    });
    expect(loadFacilityMappings("[]")).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^\(file\): /)],
    });
    const noFacilities = loadFacilityMappings(JSON.stringify({ schemaVersion: 2, facilities: [] }));
    expect(noFacilities.ok === false && noFacilities.problems).toHaveLength(2);
  });
});

describe("indexFacilityMappings", () => {
  const mapping = (sendingFacility: string, sendingApplication?: string) =>
    FacilityMapping.parse({
      sendingFacility,
      sendingApplication,
      timeZone: "UTC",
      displayName: sendingApplication ?? "any",
    });
  const lookup = indexFacilityMappings([mapping("GEN"), mapping("GEN", "LAB"), mapping("EAST", "EPIC")]);

  it("prefers the facility+application entry, then the facility-only one", () => {
    expect(lookup("GEN", "LAB")?.displayName).toBe("LAB");
    expect(lookup("GEN", "EPIC")?.displayName).toBe("any");
    expect(lookup("EAST", "EPIC")?.displayName).toBe("EPIC");
    expect(lookup("EAST", "OTHER")).toBeUndefined();
    expect(lookup("NOWHERE", "LAB")).toBeUndefined();
  });
});

describe("allowed sending applications (MSH-3)", () => {
  const facility = (extra: Partial<FacilityMappingInput> = {}) =>
    FacilityMapping.parse({ sendingFacility: "GEN", timeZone: "UTC", ...extra });
  const none = new Set<string>();

  it("lets any application send when neither the facility nor the listener lists any", () => {
    expect(sendingApplicationAllowed(facility(), "ANYTHING", none)).toBe(true);
  });

  it("uses the facility's list before the listener's", () => {
    const gen = facility({ allowedApplications: ["EPIC"] });
    expect(sendingApplicationAllowed(gen, "EPIC", none)).toBe(true);
    expect(sendingApplicationAllowed(gen, "ROGUE", none)).toBe(false);
    expect(sendingApplicationAllowed(gen, "LAB", new Set(["LAB"]))).toBe(false);
    expect(sendingApplicationAllowed(facility(), "LAB", new Set(["LAB"]))).toBe(true);
    expect(sendingApplicationAllowed(facility(), "ROGUE", new Set(["LAB"]))).toBe(false);
  });

  it("allows the application an entry names, and refuses a list on such an entry", () => {
    const lab = facility({ sendingApplication: "LAB" });
    expect(sendingApplicationAllowed(lab, "LAB", new Set(["EPIC"]))).toBe(true);
    const file = {
      schemaVersion: 1,
      facilities: [
        { sendingFacility: "GEN", sendingApplication: "LAB", timeZone: "UTC", allowedApplications: ["X"] },
      ],
    };
    expect(loadFacilityMappings(JSON.stringify(file))).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^facilities\[0\]\.allowedApplications: /)],
    });
  });
});
