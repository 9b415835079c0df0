import { adtEventPartitionKey, type FacilityMappingLookup, RawAdtRecord } from "@homeward/contracts";
import { bufferEncodingOf, detectHl7Charset, headerOf, normalizeAdt, parseHl7 } from "@homeward/hl7";
import { type EventLog, type Kafka, runConsumer } from "@homeward/kafka";
import type { Logger } from "@homeward/logger";

export interface ReplayOptions {
  kafka: Kafka;
  eventLog: EventLog;
  topics: { raw: string; events: string };
  lookupMapping: FacilityMappingLookup;
  logger: Logger;
  /** Only messages received at or after this instant. */
  since?: Date;
  /** Only this sending facility (MSH-4). */
  facility?: string;
  /** Count what would be published, publish nothing. */
  dryRun?: boolean;
  /** A consumer group of its own per run, so a replay always starts from the beginning. */
  groupId: string;
  onProgress?: (done: number, total: number) => void;
}

export interface ReplayReport {
  read: number;
  republished: number;
  skipped: number;
  /** Messages that no longer normalize (the mapping now refuses them): id and reason, no PHI. */
  failed: string[];
}

/**
 * Re-normalizes the raw messages on adt.raw.v1 with the current facility mappings and publishes
 * the events again (same event ids, header `homeward-replay`), e.g. after a mapping fix. Reads up
 * to the end offsets as they were when it started, then stops.
 */
export async function replayRaw(options: ReplayOptions): Promise<ReplayReport> {
  const admin = options.kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(options.topics.raw);
  await admin.disconnect();
  const end = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  const low = new Map(offsets.map((o) => [o.partition, BigInt(o.low)]));
  const total = offsets.reduce((n, o) => n + Number(BigInt(o.high) - BigInt(o.low)), 0);
  const report: ReplayReport = { read: 0, republished: 0, skipped: 0, failed: [] };
  if (total === 0) return report;

  const pending = new Set([...end].filter(([p, high]) => high > (low.get(p) ?? 0n)).map(([p]) => p));
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const consumer = await runConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topics.raw],
    fromBeginning: true,
    logger: options.logger,
    handle: async (record) => {
      if (!pending.has(record.partition)) return;
      await replayOne(record.value, options, report);
      options.onProgress?.(report.read, total);
      if (BigInt(record.offset) + 1n >= (end.get(record.partition) ?? 0n)) {
        pending.delete(record.partition);
        if (pending.size === 0) finish();
      }
    },
  });
  try {
    await finished;
  } finally {
    await consumer.stop();
  }
  return report;
}

async function replayOne(value: Buffer | null, options: ReplayOptions, report: ReplayReport): Promise<void> {
  report.read++;
  const parsedRecord = RawAdtRecord.safeParse(JSON.parse(value?.toString("utf8") ?? "null"));
  if (!parsedRecord.success) {
    report.failed.push(`record ${report.read}: not a RawAdtRecord v1`);
    return;
  }
  const raw = parsedRecord.data;
  if (options.since !== undefined && new Date(raw.receivedAt) < options.since) return void report.skipped++;
  if (options.facility !== undefined && raw.header.sendingFacility !== options.facility)
    return void report.skipped++;
  const bytes = Buffer.from(raw.message.base64, "base64");
  const text = bytes.toString(bufferEncodingOf(detectHl7Charset(bytes).charset));
  const parsed = parseHl7(text);
  if (!parsed.ok) {
    report.failed.push(`${raw.header.controlId ?? "?"}: ${parsed.error.text}`);
    return;
  }
  const header = headerOf(parsed.message);
  const mapping = options.lookupMapping(
    raw.header.sendingFacility ?? "",
    raw.header.sendingApplication ?? "",
  );
  if (mapping === undefined) {
    report.failed.push(`${header.controlId}: facility is no longer configured`);
    return;
  }
  const normalized = normalizeAdt(parsed.message, mapping, { receivedAt: raw.receivedAt });
  if (!normalized.ok) {
    report.failed.push(`${header.controlId}: ${normalized.error.text}`);
    return;
  }
  if (!options.dryRun) {
    await options.eventLog.publish([
      {
        topic: options.topics.events,
        key: adtEventPartitionKey(normalized.event),
        value: JSON.stringify(normalized.event),
        headers: {
          "content-type": "application/json",
          "event-id": normalized.event.eventId,
          "homeward-replay": options.groupId,
        },
      },
    ]);
  }
  report.republished++;
}
