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
  // One-shot hash (Node 20.12+): this runs once per message on the listener's hot path.
  const digest = hash(
    "sha256",
    `${NAMESPACE}\n${JSON.stringify([sendingApplication, sendingFacility, controlId])}`,
    "buffer",
  );
  const bytes = digest.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80; // version 8
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Matches what {@link adtEventId} returns. */
export const ADT_EVENT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
