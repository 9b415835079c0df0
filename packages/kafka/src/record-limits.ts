import type { OutgoingRecord } from "./event-log.ts";

const MiB = 1024 * 1024;

/**
 * The largest record batch any Homeward topic takes: its `max.message.bytes`, set on every topic
 * (see `HOMEWARD_TOPICS`) and on the broker (`message.max.bytes`, `replica.fetch.max.bytes`).
 * Sized for the listener's largest frame: `MLLP_MAX_FRAME_BYTES` (4 MiB) is a 5.6 MB raw record
 * once base64 and JSON, and its event is usually far smaller; 8 MiB leaves room for both. Kafka
 * checks a compressed batch's compressed size, so compression only widens the margin.
 */
export const MAX_RECORD_BATCH_BYTES = 8 * MiB;

/**
 * What one record (key, value, headers) may weigh so that a batch holding it alone is never refused:
 * the batch limit less room for the batch header (61 bytes), the record's varints and the headers'
 * framing. `EventLog.publish` refuses bigger records before anything is sent.
 */
export const MAX_RECORD_BYTES = MAX_RECORD_BATCH_BYTES - 64 * 1024;

/**
 * Consumer fetch limits: one partition's share of a fetch holds the largest batch whole (kafkajs's
 * default, 1 MiB, is below it), and a whole fetch holds two of them.
 */
export const FETCH_LIMITS = {
  maxBytesPerPartition: MAX_RECORD_BATCH_BYTES,
  maxBytes: 2 * MAX_RECORD_BATCH_BYTES,
} as const;

/** A record's bytes on the wire before compression, give or take the few bytes of framing per record. */
export function recordBytes(record: OutgoingRecord): number {
  let size = Buffer.byteLength(record.key) + Buffer.byteLength(record.value) + 32;
  for (const [k, v] of Object.entries(record.headers ?? {}))
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  return size;
}

/**
 * A record too large for any Homeward topic. Thrown by `EventLog.publish` before sending, so the
 * broker never refuses a batch (a refused batch puts the idempotent producer's sequence numbers out
 * of step for every partition in the same request: see event-log.ts). Never retry it: it will
 * never fit.
 */
export class RecordTooLargeError extends Error {
  override readonly name = "RecordTooLargeError";
  constructor(
    readonly topic: string,
    readonly bytes: number,
    readonly limit: number = MAX_RECORD_BYTES,
  ) {
    super(`A record of ${bytes} bytes for ${topic} is over the ${limit}-byte limit`);
  }
}
