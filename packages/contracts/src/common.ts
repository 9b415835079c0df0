import { z } from "zod";

/**
 * Building blocks shared by the contracts. They mirror HL7 v2 data types (CX, XPN, XAD, XTN, XCN,
 * PL, CWE) but keep only what a downstream consumer reads; the raw message stays on `adt.raw.v1`.
 */

/** An instant as ISO-8601 with an explicit UTC offset, e.g. `2024-03-10T01:30:00-05:00`. */
export const IsoDateTime = z.iso.datetime({ offset: true });
export type IsoDateTime = z.infer<typeof IsoDateTime>;

/** A calendar date `YYYY-MM-DD`, no time zone (birth dates are dates, not instants). */
export const IsoDate = z.iso.date();
export type IsoDate = z.infer<typeof IsoDate>;

/** A non-empty string. Empty HL7 fields (and the explicit null `""`) are left out rather than sent as "". */
export const Text = z.string().min(1);

/** A coded value (HL7 CE/CWE): code, its display text and the coding system (e.g. `I10`, `HL70004`). */
export const Coded = z.object({
  /** CWE-1 identifier. Absent when a sender only sends text. */
  code: Text.optional(),
  /** CWE-2 text. */
  text: Text.optional(),
  /** CWE-3 name of coding system. */
  system: Text.optional(),
});
export type Coded = z.infer<typeof Coded>;

/** An identifier issued by an authority (HL7 CX): PID-3, MRG-1, IN1-49, provider ids. */
export const Identifier = z.object({
  /** CX-1 the identifier itself. */
  value: Text,
  /** CX-5 identifier type code, HL7 table 0203: `MR` medical record, `MB` member, `PI` patient internal, `NPI`... */
  typeCode: Text.optional(),
  /** CX-4 assigning authority (HD-1 namespace id, or HD-2 universal id when HD-1 is empty). */
  assigningAuthority: Text.optional(),
  /** CX-6 assigning facility (HD-1, or HD-2). */
  assigningFacility: Text.optional(),
});
export type Identifier = z.infer<typeof Identifier>;

/** A person's name (HL7 XPN, or the name part of XCN). */
export const PersonName = z.object({
  /** XPN-1.1 family name. */
  family: Text.optional(),
  /** XPN-2 first given name. */
  given: Text.optional(),
  /** XPN-3 second and further given names or initials. */
  middle: Text.optional(),
  /** XPN-4 suffix, e.g. `JR`, `III`. */
  suffix: Text.optional(),
  /** XPN-5 prefix, e.g. `DR`. */
  prefix: Text.optional(),
  /** XPN-6 degree (deprecated in later versions but still sent), e.g. `MD`. */
  degree: Text.optional(),
  /** XPN-7 name type code, HL7 table 0200: `L` legal, `D` display, `A` alias... */
  typeCode: Text.optional(),
});
export type PersonName = z.infer<typeof PersonName>;

/** A postal address (HL7 XAD). */
export const Address = z.object({
  /** XAD-1.1 street address. */
  street: Text.optional(),
  /** XAD-2 other designation (apartment, suite). */
  otherDesignation: Text.optional(),
  /** XAD-3 city. */
  city: Text.optional(),
  /** XAD-4 state or province. */
  state: Text.optional(),
  /** XAD-5 ZIP or postal code. */
  postalCode: Text.optional(),
  /** XAD-6 country (ISO 3166). */
  country: Text.optional(),
  /** XAD-7 address type, HL7 table 0190: `H` home, `M` mailing, `C` current... */
  typeCode: Text.optional(),
  /** XAD-9 county/parish code. */
  county: Text.optional(),
});
export type Address = z.infer<typeof Address>;

/** A phone number or e-mail address (HL7 XTN). */
export const Telecom = z.object({
  /** `email` when the XTN carries XTN-4 and no number; otherwise `phone`. */
  system: z.enum(["phone", "email"]),
  /** The number as sent (XTN-1, or composed from XTN-5/6/7/8), or the e-mail address (XTN-4). */
  value: Text,
  /** XTN-2 use code, HL7 table 0201: `PRN` primary residence, `WPN` work, `ORN` other residence, `NET`... */
  useCode: Text.optional(),
  /** XTN-3 equipment type, HL7 table 0202: `PH` telephone, `CP` cellular, `FX` fax, `Internet`... */
  equipmentType: Text.optional(),
  /** Where it came from: PID-13 (home) or PID-14 (business). */
  field: z.enum(["PID-13", "PID-14"]),
});
export type Telecom = z.infer<typeof Telecom>;

/** A provider (HL7 XCN): attending, admitting, primary care. */
export const Provider = z.object({
  /** Every id sent for this provider (XCN-1 with XCN-13 type and XCN-9 authority), first one first. */
  identifiers: z.array(Identifier),
  /** The NPI when one of the identifiers is typed `NPI` or issued by the NPI authority. */
  npi: Text.optional(),
  /** XCN-2..7 name. */
  name: PersonName.optional(),
});
export type Provider = z.infer<typeof Provider>;

/** A place in the hospital (HL7 PL): PV1-3 assigned, PV1-6 prior. */
export const PatientLocation = z.object({
  /** PL-1 point of care (nursing unit, ED, clinic), the code facility mappings test for ED/observation. */
  pointOfCare: Text.optional(),
  /** PL-2 room. */
  room: Text.optional(),
  /** PL-3 bed. */
  bed: Text.optional(),
  /** PL-4 facility (HD-1, or HD-2). */
  facility: Text.optional(),
  /** PL-7 building. */
  building: Text.optional(),
  /** PL-8 floor. */
  floor: Text.optional(),
  /** PL-9 location description. */
  description: Text.optional(),
});
export type PatientLocation = z.infer<typeof PatientLocation>;
