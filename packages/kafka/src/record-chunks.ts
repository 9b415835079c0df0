import type { OutgoingRecord } from "./event-log.ts";

/**
 * Half of Kafka's default `max.message.bytes` (1 MiB), which caps each record batch: one
 * `EventLog.publish` sends one record batch per partition, so a publish of at most this many bytes
 * can never be refused as too large, whatever the partitioner does with its keys.
 */
export const MAX_PUBLISH_BYTES = 512 * 1024;

/**
 * Splits records, in order, into runs of at most `maxBytes` (keys, values and headers counted), so
 * that a consumer writing a whole batch's output does not get it refused: all of an input batch's
 * records can share a key, and so one output partition. A record bigger than `maxBytes` gets a run
 * of its own. Publish the runs one after another to keep their order.
 */
export function chunkRecords(
  records: readonly OutgoingRecord[],
  maxBytes: number = MAX_PUBLISH_BYTES,
): OutgoingRecord[][] {
  const chunks: OutgoingRecord[][] = [];
  let chunk: OutgoingRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = sizeOf(record);
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(record);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** A record's bytes on the wire, give or take the few bytes of framing per record. */
function sizeOf(record: OutgoingRecord): number {
  let size = Buffer.byteLength(record.key) + Buffer.byteLength(record.value) + 32;
  for (const [k, v] of Object.entries(record.headers ?? {}))
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  return size;
}
