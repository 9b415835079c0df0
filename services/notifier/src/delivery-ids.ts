import { createHash } from "node:crypto";

/**
 * Deterministic ids: the same thing to deliver to the same person on the same channel always gets
 * the same id, so a redelivered Kafka record or a refired timer finds the row it made before
 * (ON CONFLICT DO NOTHING) and the worker's idempotency key is stable across retries.
 */
export function deliveryId(...parts: readonly string[]): string {
  return `dlv_${createHash("sha256").update(parts.join("\u001f")).digest("base64url").slice(0, 26)}`;
}
