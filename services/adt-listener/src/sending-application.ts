import { type FacilityMappingLookup, sendingApplicationAllowed } from "@homeward/contracts";
import { detectHl7Charset, extractRawHeader, type Hl7Error, type RawHeader } from "@homeward/hl7";

/** Why a message is refused before it is parsed, with what `Ingest.refuse` needs to answer and keep it. */
export interface AdmissionRefusal {
  header: RawHeader;
  /** MSH-18 as written (for the rejected record). */
  declaredCharset: string;
  error: Hl7Error;
}

/** Looks at one message's bytes and says whether to refuse it before any further work. */
export type AdmissionCheck = (bytes: Buffer) => AdmissionRefusal | undefined;

/**
 * ERR-3 for an application not allowed to send for its facility: HL7 table 0357 `204` "Unknown key
 * identifier" (the MSH-3/MSH-4 pair is not one we know), not `207`, which this listener also sends
 * for "temporarily unable to store; please resend" and which an engine may take as transient.
 */
export const APPLICATION_NOT_ALLOWED = "204";

/**
 * The MSH-3 check: a message for a configured facility (MSH-4) from an application (MSH-3) that the
 * facility's mapping (`allowedApplications`) or, failing that, MLLP_ALLOWED_APPLICATIONS does not
 * list is refused with AR and ERR 204 at MSH-3 (and kept on adt.rejected.v1 by the caller). Runs on
 * the raw header, before the message is parsed: an unknown sender costs no parsing. A message whose
 * facility has no mapping passes; Ingest refuses it for that (207 at MSH-4).
 */
export function sendingApplicationCheck(
  lookup: FacilityMappingLookup,
  listenerDefault: ReadonlySet<string>,
): AdmissionCheck {
  return (bytes) => {
    // MSH-3 and MSH-4 are identifiers in ASCII: Latin-1 reads them whatever the charset.
    const peek = extractRawHeader(bytes.toString("latin1"));
    if (peek === undefined) return undefined;
    const facility = hd(peek.sendingFacility, peek);
    const application = hd(peek.sendingApplication, peek);
    const mapping = lookup(facility, application);
    if (mapping === undefined || sendingApplicationAllowed(mapping, application, listenerDefault))
      return undefined;
    // Refused: read the header again in the message's own charset, so the NAK echoes it exactly.
    const charset = detectHl7Charset(bytes);
    const text = bytes.toString(charset.charset === "UTF-8" ? "utf8" : "latin1");
    return {
      header: extractRawHeader(text) ?? peek,
      declaredCharset: charset.declared,
      error: {
        code: APPLICATION_NOT_ALLOWED,
        text: "Sending application is not allowed for this facility",
        location: { segment: "MSH", sequence: 1, field: 3 },
      },
    };
  };
}

/** HD-1 (namespace id), or HD-2 when HD-1 is empty, of a raw MSH-3/MSH-4 value (as Ingest reads them). */
function hd(raw: string, header: Pick<RawHeader, "delimiters">): string {
  const [first = "", second = ""] = raw.split(header.delimiters.component);
  return first !== "" ? first : second;
}
