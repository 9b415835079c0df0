import { z } from "zod";
import { Text } from "./common.ts";

/**
 * True for a time-zone name the platform's IANA database knows (`America/Chicago`, `Etc/UTC`).
 * Offsets such as `-05:00` are refused even where Intl accepts them: a fixed offset is wrong for half
 * the year in every US zone, which is the mistake this setting exists to prevent.
 */
export function isIanaTimeZone(name: string): boolean {
  if (name === "" || /^[+-]|^\d/.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time-zone name, checked against the runtime's time-zone database. */
export const IanaTimeZone = z
  .string()
  .refine(isIanaTimeZone, { error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone` });

/** Character sets a facility may default to when MSH-18 is empty, as HL7 table 0211 spells them. */
export const Hl7Charset = z.enum(["UNICODE UTF-8", "8859/1", "ASCII"]);
export type Hl7Charset = z.infer<typeof Hl7Charset>;

/**
 * Where a facility puts the payer's member id: `IN1-36` policy number, `IN1-49` insured's id, or the
 * PID-3 repetition with a given identifier type code (`PID-3:MB`, `PID-3:MA` for Medicaid...).
 */
export const MemberIdSource = z.union([
  z.enum(["IN1-36", "IN1-49"]),
  z.templateLiteral(["PID-3:", z.string().regex(/^[A-Za-z0-9]{1,10}$/)]),
]);
export type MemberIdSource = z.infer<typeof MemberIdSource>;

const CodeList = z.array(Text);

/**
 * How to read one hospital's feed. Codes are compared exactly as sent (HL7 codes are case-sensitive).
 */
export const FacilityMapping = z.strictObject({
  /** MSH-4 (HD-1, or HD-2 when HD-1 is empty) this entry applies to. */
  sendingFacility: Text,
  /** MSH-3 too, when one facility sends from several systems that need different settings. */
  sendingApplication: Text.optional(),
  /**
   * MSH-3 values (HD-1, or HD-2 when HD-1 is empty) allowed to send for this facility; a message
   * from any other application is refused (AR, ERR 204 at MSH-3). Absent: the listener's
   * MLLP_ALLOWED_APPLICATIONS, or any application when that is empty too. Only on an entry without
   * `sendingApplication` (an entry that names one already applies to that application alone).
   */
  allowedApplications: z.array(Text).min(1).optional(),
  /** Name people know the facility by, for alerts and the dashboard. */
  displayName: Text.optional(),
  /** IANA zone applied to HL7 times sent without an offset. Required: there is no safe default. */
  timeZone: IanaTimeZone,
  /** Character set used when MSH-18 is empty. */
  defaultCharset: Hl7Charset.default("UNICODE UTF-8"),
  /** PV1-2 patient classes that mean an ED visit. */
  edPatientClasses: CodeList.default(["E"]),
  /** PV1-3.1 points of care that mean the ED, whatever the class (for feeds that send ED patients as `O`). */
  edLocations: CodeList.default([]),
  /** PV1-14 admit sources that make an A06 an ED-to-inpatient conversion (HL7 suggests `7` emergency room). */
  edAdmitSources: CodeList.default(["7"]),
  /** PV1-2 patient classes that mean observation (some sites use a class of their own). */
  observationPatientClasses: CodeList.default([]),
  /** PV1-18 patient types that mean observation (how Epic and Cerner sites often mark it). */
  observationPatientTypes: CodeList.default([]),
  /** PV1-3.1 points of care that mean an observation unit. */
  observationLocations: CodeList.default([]),
  /** PID-3 identifier type codes (CX-5) that make a repetition the patient's key at this facility. */
  mrnTypeCodes: CodeList.default(["MR"]),
  /** If set, that key repetition must also have this assigning authority (CX-4). */
  mrnAssigningAuthority: Text.optional(),
  /** Where the member id is, tried in order; the first non-empty value wins. */
  memberIdSources: z.array(MemberIdSource).default(["IN1-36"]),
  /** Behavioral-health or other facility whose events need extra care before anyone is told. */
  sensitiveFacility: z.boolean().default(false),
});
export type FacilityMapping = z.infer<typeof FacilityMapping>;
/** A mapping as written in the file, before defaults. */
export type FacilityMappingInput = z.input<typeof FacilityMapping>;

const mappingKey = (m: Pick<FacilityMapping, "sendingFacility" | "sendingApplication">): string =>
  JSON.stringify([m.sendingFacility, m.sendingApplication ?? null]);

/** The facility mapping configuration file (JSON). */
export const FacilityMappingsFile = z
  .strictObject({
    /** Lets editors validate the file against schemas/facility-mappings.v1.json. */
    $schema: z.string().optional(),
    schemaVersion: z.literal(1),
    facilities: z.array(FacilityMapping).min(1),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.facilities.forEach((mapping, index) => {
      if (mapping.sendingApplication !== undefined && mapping.allowedApplications !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["facilities", index, "allowedApplications"],
          message:
            "only for an entry without sendingApplication (this entry applies to that application alone)",
        });
      }
      const key = mappingKey(mapping);
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, index);
        return;
      }
      ctx.addIssue({
        code: "custom",
        path: ["facilities", index],
        message: `same sendingFacility/sendingApplication as facilities[${first}]`,
      });
    });
  })
  .meta({
    title: "Facility mappings v1",
    description: "Per-facility settings for reading hospital ADT feeds (time zone, ED/observation codes...).",
  });
export type FacilityMappingsFile = z.infer<typeof FacilityMappingsFile>;

/** Outcome of {@link loadFacilityMappings}: the mappings, or every problem found. */
export type LoadFacilityMappingsResult =
  | { ok: true; mappings: FacilityMappingsFile }
  | { ok: false; problems: string[] };

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(file)" : out;
}

/**
 * Parses and validates the facility mapping file's text. Reports every problem at once, each as
 * `path: message` (`facilities[2].timeZone: "US/Eastrn" is not an IANA time zone`), so a deploy with a
 * bad file fails with the whole list rather than one fix per restart.
 */
export function loadFacilityMappings(jsonText: string): LoadFacilityMappingsResult {
  let data: unknown;
  try {
    data = JSON.parse(jsonText);
  } catch (err) {
    return { ok: false, problems: [`not valid JSON: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const result = FacilityMappingsFile.safeParse(data);
  if (result.success) return { ok: true, mappings: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
  };
}

/** Finds the mapping for a message's MSH-4 and MSH-3, built once per loaded file. */
export type FacilityMappingLookup = (
  sendingFacility: string,
  sendingApplication: string,
) => FacilityMapping | undefined;

/**
 * Indexes the mappings: an entry naming both facility and application wins over one naming only the
 * facility. A message from an unmapped facility gets `undefined`; the caller refuses it.
 */
export function indexFacilityMappings(mappings: readonly FacilityMapping[]): FacilityMappingLookup {
  const byKey = new Map<string, FacilityMapping>();
  for (const mapping of mappings) byKey.set(mappingKey(mapping), mapping);
  return (sendingFacility, sendingApplication) =>
    byKey.get(mappingKey({ sendingFacility, sendingApplication })) ??
    byKey.get(mappingKey({ sendingFacility }));
}

/**
 * Whether `sendingApplication` (MSH-3 as HD-1, or HD-2 when HD-1 is empty) may send for the facility
 * whose mapping the lookup found. An entry that names the application allows it; otherwise the
 * entry's `allowedApplications`, else `listenerDefault` (MLLP_ALLOWED_APPLICATIONS), decides, and
 * when both are empty any application may send.
 */
export function sendingApplicationAllowed(
  mapping: FacilityMapping,
  sendingApplication: string,
  listenerDefault: ReadonlySet<string>,
): boolean {
  if (mapping.sendingApplication !== undefined) return mapping.sendingApplication === sendingApplication;
  if (mapping.allowedApplications !== undefined)
    return mapping.allowedApplications.includes(sendingApplication);
  return listenerDefault.size === 0 || listenerDefault.has(sendingApplication);
}
