import { z } from "zod";

/**
 * HL7 table 0357 "Message error condition codes" — the codes an `ERR` segment (ERR-3) carries and
 * a `RejectedAdtRecord` keeps. `0` ("message accepted") is left out: it never describes a fault.
 * `104` (value too long) exists from v2.7 on.
 */
export const Hl7ErrorCode = z.enum([
  "100",
  "101",
  "102",
  "103",
  "104",
  "200",
  "201",
  "202",
  "203",
  "204",
  "205",
  "206",
  "207",
]);
export type Hl7ErrorCode = z.infer<typeof Hl7ErrorCode>;

/** The table's own wording, for ERR-3.2 and for people reading a reject. */
export const hl7ErrorCodeText: Readonly<Record<Hl7ErrorCode, string>> = {
  "100": "Segment sequence error",
  "101": "Required field missing",
  "102": "Data type error",
  "103": "Table value not found",
  "104": "Value too long",
  "200": "Unsupported message type",
  "201": "Unsupported event code",
  "202": "Unsupported processing id",
  "203": "Unsupported version id",
  "204": "Unknown key identifier",
  "205": "Duplicate key identifier",
  "206": "Application record locked",
  "207": "Application internal error",
};

/** Where a fault is (HL7 ERL, ERR-2): all positions 1-based, as the spec writes `PID-3[2].4`. */
export const Hl7ErrorLocation = z.object({
  /** ERL-1 segment id, e.g. `PID`. */
  segment: z.string().regex(/^[A-Z0-9]{3}$/),
  /** ERL-2 segment sequence, 1-based (as `Hl7Segment.sequence` in @homeward/hl7 counts it). */
  sequence: z.number().int().min(1),
  /** ERL-3 field position. */
  field: z.number().int().min(0).optional(),
  /** ERL-4 field repetition (1 = first). */
  repetition: z.number().int().min(1).optional(),
  /** ERL-5 component position. */
  component: z.number().int().min(1).optional(),
  /** ERL-6 sub-component position. */
  subcomponent: z.number().int().min(1).optional(),
});
export type Hl7ErrorLocation = z.infer<typeof Hl7ErrorLocation>;

/** Why a message was refused: what goes into ERR and MSA-3, as data. */
export const Hl7ErrorDetail = z.object({
  /** HL7 table 0357 code. */
  code: Hl7ErrorCode,
  /** Human-readable reason (MSA-3 / ERR-8). Never contains patient data. */
  text: z.string().min(1),
  /** Where the fault is, when it is in one place. */
  location: Hl7ErrorLocation.optional(),
});
export type Hl7ErrorDetail = z.infer<typeof Hl7ErrorDetail>;
