/**
 * How each synthetic hospital of config/facilities.example.json writes its feed. Real interface
 * engines differ in exactly these ways: HL7 version, whether times carry an offset, MSH-9.3 and
 * EVN-6 present or not, where the payer's member id goes, how units and visit numbers are named.
 */

/** Where a patient is: the PV1-3 point of care depends on the hospital's naming. */
export type LocationKind = "ed" | "ward" | "icu" | "stepdown" | "clinic" | "residential";

export interface VendorStyle {
  /** MSH-4, as keyed in the facility mappings. */
  facility: string;
  /** MSH-3: the system the hospital's interface engine sends from. */
  application: string;
  /** The mapping's zone: times without an offset are read in it. */
  timeZone: string;
  version: string;
  /** Times as `YYYYMMDDHHMMSS-0500` (else local wall time, as many feeds send). */
  sendsOffset: boolean;
  /** MSH-9.3 message structure (`ADT_A01`). */
  sendsStructure: boolean;
  /** EVN-6 event occurred. */
  sendsEventOccurred: boolean;
  /** MSH-18, when the hospital fills it. */
  charset?: string;
  /** IN1-36 policy number, or IN1-49 plus a PID-3 `MB` repetition (as this mapping reads it). */
  memberId: "IN1-36" | "IN1-49+PID-3";
  /** Share of messages that carry the member id at all (registration often misses it). */
  memberIdShare: number;
  /** PD1-4 primary care provider, when the EHR keeps it. */
  sendsPcp: boolean;
  units: Record<LocationKind, string>;
  /** PV1-19 visit number prefix. */
  visitPrefix: string;
}

/** The synthetic hospitals, one per entry of config/facilities.example.json (same codes and zones). */
export const VENDOR_STYLES: readonly VendorStyle[] = [
  {
    // An Epic-style feed: v2.5.1, offsets, EVN-6, member id in IN1-36, PCP in PD1.
    facility: "MERCYGEN",
    application: "EPICADT",
    timeZone: "America/Chicago",
    version: "2.5.1",
    sendsOffset: true,
    sendsStructure: true,
    sendsEventOccurred: true,
    memberId: "IN1-36",
    memberIdShare: 0.85,
    sendsPcp: true,
    units: { ed: "ED", ward: "4W", icu: "MICU", stepdown: "3E", clinic: "OPC", residential: "4W" },
    visitPrefix: "MG",
  },
  {
    // A Cerner-style feed: v2.3, local times, Latin-1, member id in PID-3 (MB) and IN1-49.
    facility: "STLUKES",
    application: "CERNER",
    timeZone: "America/New_York",
    version: "2.3",
    sendsOffset: false,
    sendsStructure: false,
    sendsEventOccurred: false,
    charset: "8859/1",
    memberId: "IN1-49+PID-3",
    memberIdShare: 0.7,
    sendsPcp: false,
    units: { ed: "ER", ward: "5N", icu: "CCU", stepdown: "5S", clinic: "AMB", residential: "5N" },
    visitPrefix: "SL",
  },
  {
    // A Meditech-style feed: v2.4, local times, member id in IN1-36 only half the time.
    facility: "VALLEYGEN",
    application: "MEDITECH",
    timeZone: "America/Denver",
    version: "2.4",
    sendsOffset: false,
    sendsStructure: true,
    sendsEventOccurred: false,
    memberId: "IN1-36",
    memberIdShare: 0.5,
    sendsPcp: false,
    units: { ed: "EMER", ward: "MED", icu: "ICU", stepdown: "PCU", clinic: "CLIN", residential: "MED" },
    visitPrefix: "VG",
  },
  {
    // A substance-use treatment centre (42 CFR Part 2): Homeward must suppress what it sends.
    facility: "RECOVERY",
    application: "RECOVERYEHR",
    timeZone: "America/Denver",
    version: "2.5.1",
    sendsOffset: true,
    sendsStructure: true,
    sendsEventOccurred: false,
    memberId: "IN1-36",
    memberIdShare: 0.8,
    sendsPcp: false,
    units: {
      ed: "INTAKE",
      ward: "RES",
      icu: "RES",
      stepdown: "RES",
      clinic: "OP",
      residential: "RES",
    },
    visitPrefix: "RC",
  },
];

/** The style for a facility code; throws for a code the simulator has no style for. */
export function vendorStyle(facility: string): VendorStyle {
  const style = VENDOR_STYLES.find((s) => s.facility === facility);
  if (style === undefined) throw new Error(`no vendor style for ${facility}`);
  return style;
}

const PARTS = ["year", "month", "day", "hour", "minute", "second"] as const;

/**
 * `instant` as an HL7 DTM in `timeZone`'s wall time, to the second, with its UTC offset
 * (`-0500`) when `withOffset`. The zone's rules come from the platform's Intl, never a fixed offset.
 */
export function hl7Time(instant: Date, timeZone: string, withOffset: boolean): string {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZoneName: "longOffset",
  });
  const parts = new Map(format.formatToParts(instant).map((p) => [p.type, p.value]));
  const wall = PARTS.map((p) => parts.get(p) ?? "00").join("");
  if (!withOffset) return wall;
  // longOffset is "GMT-05:00", or plain "GMT" at UTC.
  const offset = /GMT([+-]\d\d):(\d\d)/.exec(parts.get("timeZoneName") ?? "");
  return `${wall}${offset === null ? "+0000" : `${offset[1]}${offset[2]}`}`;
}
