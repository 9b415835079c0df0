import { hash } from "node:crypto";

/** Domain separator: a future contract that derives ids the same way must not collide with this one. */
const NAMESPACE = "homeward:adt-event:v1";

/**
 * The id of the event a message produces: a UUID (version 8, RFC 9562 "custom") made of the first
 * 122 bits of SHA-256 over the sending application (MSH-3), sending facility (MSH-4) and control id
 * (MSH-10), JSON-encoded so that `("A|B", "C")` and `("A", "B|C")` stay different.
 *
 * Deterministic on purpose: a resent message, a replay of `adt.raw.v1` after a mapping fix, or a
 * second listener instance all produce the same id, and every consumer is idempotent on it. Pass the
 * values exactly as the duplicate check sees them (HD-1 namespace id, or HD-2 when HD-1 is empty);
 * they are not trimmed or case-folded here.
 */
export function adtEventId(sendingApplication: string, sendingFacility: string, controlId: string): string {
  // One-shot hash straight to hex (Node 20.12+): this runs once per message on the listener's hot
  // path, and a Buffer digest plus its hex encoding cost as much again as the hash itself.
  const parts = `[${jsonString(sendingApplication)},${jsonString(sendingFacility)},${jsonString(controlId)}]`;
  const hex = hash("sha256", `${NAMESPACE}\n${parts}`, "hex");
  // The UUID is the first 16 bytes (32 hex digits) with two fields overwritten: the version nibble
  // (byte 6, high half) becomes 8, and the top two bits of byte 8 become the RFC 9562 variant `10`,
  // so its high hex digit is 8, 9, a or b according to the hash's own next two bits.
  const variant = VARIANT_DIGITS[Number.parseInt(hex.charAt(16), 16) & 0x3];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * `JSON.stringify(value)` for one string, quoting plain printable ASCII (what HD and control ids nearly
 * always are) directly: the general encoder costs as much as the hash on this path.
 */
function jsonString(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 /* " */ || c === 0x5c /* \ */) return JSON.stringify(value);
  }
  return `"${value}"`;
}

/** The high hex digit of UUID byte 8 once its top two bits are the variant `10`, by its next two bits. */
const VARIANT_DIGITS = "89ab";

/** Matches what {@link adtEventId} returns. */
export const ADT_EVENT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
