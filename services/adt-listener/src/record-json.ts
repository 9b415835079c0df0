import type { RawAdtRecord } from "@homeward/contracts";

/**
 * The JSON of a record that carries the message bytes as base64 (adt.raw.v1, adt.rejected.v1), the
 * same as `JSON.stringify(record)` but for key order. Why by hand: JSON.stringify checks every
 * character of every string for escapes, which for a 2 KB message's base64 costs about 11 µs on
 * Node 20, once per message on the listener's hot path. Base64 never needs an escape, so it is
 * spliced in as it is and only the small rest goes through JSON.stringify.
 */
export function recordJson<R extends { message: RawAdtRecord["message"] }>(record: R): string {
  const { message, ...rest } = record;
  const { base64, ...messageRest } = message;
  const head = JSON.stringify(rest);
  const tail = JSON.stringify(messageRest);
  return `${head.slice(0, -1)}${head === "{}" ? "" : ","}"message":{"base64":"${base64}"${tail === "{}" ? "" : `,${tail.slice(1, -1)}`}}}`;
}
