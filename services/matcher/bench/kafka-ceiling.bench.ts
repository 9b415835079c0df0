/**
 * The matcher's Kafka ceiling: what the matcher's consume → produce loop costs with no matching in
 * it, on the same local Kafka, with the same client code (`runBatchConsumer` with the matcher's
 * defaults, our acks=all idempotent `EventLog`). Two rows: (1) each input record passed on as is,
 * inside an output envelope; (2) the same, plus what the matcher does to every record before
 * matching (JSON.parse + zod validation of AdtEvent v1) and a JSON.stringify of the output.
 * Whatever the matcher's own work costs comes on top of this, so it bounds matcher throughput on
 * this machine.
 *
 *   node --conditions=source --import tsx services/matcher/bench/kafka-ceiling.bench.ts [events]
 */
import { AdtEvent, adtEventPartitionKey, parseContract } from "@homeward/contracts";
import { ADT_A04_ED, fixtureEvent } from "@homeward/hl7/fixtures";
import {
  chunkRecords,
  createEventLog,
  createKafka,
  type EventLog,
  type Kafka,
  type OutgoingRecord,
  runBatchConsumer,
} from "@homeward/kafka";
import { stackEnv, startStack } from "@homeward/local-stack";
import { createLogger, type Logger } from "@homeward/logger";
import {
  kafkaBrokerPid,
  machineLine,
  processCpuSeconds,
  writeBenchmarkSection,
} from "@homeward/testing/bench";

const EVENTS = Number(process.argv[2] ?? 20_000);
const PARTITIONS = 6;
const run = Date.now().toString(36);
const createdTopics: string[] = [];
let loops = 0;

/** EVENTS distinct ED arrivals (distinct event ids and MRNs, so they spread over the partitions). */
function inputRecords(topic: string): OutgoingRecord[] {
  const base = fixtureEvent(ADT_A04_ED);
  return Array.from({ length: EVENTS }, (_, i) => {
    const event: AdtEvent = {
      ...base,
      eventId: `${base.eventId.slice(0, 24)}${i.toString(16).padStart(12, "0")}`,
      patient: {
        ...base.patient,
        identifiers: base.patient.identifiers.map((id) => ({ ...id, value: `${id.value}${i}` })),
      },
    };
    return { topic, key: adtEventPartitionKey(event), value: JSON.stringify(event) };
  });
}

interface Row {
  name: string;
  perSecond: number;
  processCpuUs: number;
  brokerCpuUs: number | undefined;
}

async function relay(
  kafka: Kafka,
  log: EventLog,
  logger: Logger,
  name: string,
  transform: (value: string) => string,
): Promise<Row> {
  // Each loop its own topics and group, so the second run reads nothing the first left behind.
  const loop = ++loops;
  const inTopic = `bench${run}.in.${loop}`;
  const outTopic = `bench${run}.out.${loop}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [inTopic, outTopic].map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
    waitForLeaders: true,
  });
  const input = inputRecords(inTopic);
  for (const chunk of chunkRecords(input)) await log.publish(chunk);

  let handled = 0;
  let started = 0;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const pid = kafkaBrokerPid();
  let cpu0 = process.cpuUsage();
  let broker0 = processCpuSeconds(pid);
  const consumer = await runBatchConsumer({
    kafka,
    groupId: `bench${run}.${loop}`,
    topics: [inTopic],
    fromBeginning: true,
    partitionsConcurrently: PARTITIONS,
    maxRecordsPerBatch: 500,
    logger,
    handle: async ({ records }) => {
      if (started === 0) {
        started = performance.now();
        cpu0 = process.cpuUsage();
        broker0 = processCpuSeconds(pid);
      }
      // Split under Kafka's request size limit, as the matcher does.
      const out = records.map((r) => ({
        topic: outTopic,
        key: r.key ?? "",
        value: transform(r.value?.toString() ?? ""),
      }));
      for (const chunk of chunkRecords(out)) await log.publish(chunk);
      handled += records.length;
      if (handled >= EVENTS) finished();
    },
  });
  await done;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const broker1 = processCpuSeconds(pid);
  await consumer.stop();
  await admin.disconnect();
  // Deleted once the producer is closed: kafkajs keeps refreshing metadata of topics it wrote to.
  createdTopics.push(inTopic, outTopic);
  return {
    name,
    perSecond: EVENTS / seconds,
    processCpuUs: (cpu.user + cpu.system) / EVENTS,
    brokerCpuUs:
      broker0 === undefined || broker1 === undefined ? undefined : ((broker1 - broker0) * 1e6) / EVENTS,
  };
}

async function main() {
  const logger = createLogger({ service: "bench", level: "warn" });
  const stack = await startStack(logger);
  const kafka = createKafka(
    { brokers: stackEnv(stack).KAFKA_BROKERS?.split(",") ?? [], clientId: "bench" },
    logger,
  );
  const log = await createEventLog(kafka);
  const sample = inputRecords("x")[0]?.value ?? "";
  try {
    const rows = [
      await relay(
        kafka,
        log,
        logger,
        "pass each record on",
        (value) => `{"schemaVersion":1,"event":${value}}`,
      ),
      await relay(kafka, log, logger, "pass on + AdtEvent parse and validation + output JSON", (value) => {
        const event = parseContract(AdtEvent, value);
        if (event === undefined) throw new Error("not an AdtEvent");
        return JSON.stringify({ schemaVersion: 1, event });
      }),
    ];
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
    const table = [
      "| loop | events/s | process CPU µs/event | broker CPU µs/event |",
      "| --- | ---: | ---: | ---: |",
      ...rows.map(
        (r) =>
          `| ${r.name} | ${fmt(r.perSecond)} | ${fmt(r.processCpuUs)} | ${r.brokerCpuUs === undefined ? "" : fmt(r.brokerCpuUs)} |`,
      ),
    ].join("\n");
    const best = rows[0];
    const section = `## matcher Kafka ceiling

${machineLine()}. ${fmt(EVENTS)} ED arrival events (${fmt(Buffer.byteLength(sample))} bytes of JSON each) on a
${PARTITIONS}-partition topic, read by \`runBatchConsumer\` with the matcher's defaults (6 partitions at once, up
to 500 records a batch) and written to a second topic, one record per event, by our acks=all
idempotent kafkajs producer, one write per batch: the matcher's Kafka loop with no matching in it.
Timed from the first batch handled to the last. Kafka on the same 2 cores.
Run: \`node --conditions=source --import tsx services/matcher/bench/kafka-ceiling.bench.ts ${EVENTS}\`.

${table}
${
  best === undefined
    ? ""
    : `
At 20,000 events/s, the bare loop alone would take ${((best.processCpuUs * 20_000) / 1e6).toFixed(2)} cores of kafkajs${best.brokerCpuUs === undefined ? "" : ` and ${((best.brokerCpuUs * 20_000) / 1e6).toFixed(2)} of broker`}, before
identity resolution, routing or PostgreSQL.`
}`;
    console.log(section);
    writeBenchmarkSection("matcher-kafka-ceiling", section);
  } finally {
    await log.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: createdTopics }).catch(() => undefined);
    await admin.disconnect();
  }
}

await main();
process.exit(0);
