import type { OutgoingRecord } from "./event-log.ts";
import { recordBytes } from "./record-limits.ts";

/**
 * A run's size: one `EventLog.publish` sends one record batch per partition, and a run this small
 * fits any topic's `max.message.bytes` (Homeward's are `MAX_RECORD_BATCH_BYTES`; Kafka's default is
 * 1 MiB) whatever the partitioner does with its keys, while still sharing one acks=all round trip.
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
    const size = recordBytes(record);
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
