import { createHash } from "node:crypto";

/**
 * A name-based UUID (the RFC 9562 version 5 layout over SHA-256 of the parts): the same message
 * built twice gets the same ids, so a resend is recognizably the same message to the receiver.
 */
export function uuidFrom(...parts: readonly string[]): string {
  const h = createHash("sha256").update(parts.join("\u001f")).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** `urn:uuid:` form, for Bundle.entry.fullUrl and references inside a message. */
export const urnUuid = (...parts: readonly string[]) => `urn:uuid:${uuidFrom(...parts)}`;
