import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ListQueuesCommand } from "@aws-sdk/client-sqs";
import type { Logger } from "@homeward/logger";
import { createSqsClient, ensureQueue, HOMEWARD_QUEUES } from "@homeward/sqs";
import { ensureJars } from "./jars.ts";
import { HOST, PORTS, stackPath } from "./paths.ts";
import { runningPid, spawnDetached } from "./processes.ts";
import { answers, waitUntil } from "./wait.ts";

const ENDPOINT = `http://${HOST}:${PORTS.sqs}`;

/**
 * ElasticMQ's config: loopback only, strict SQS limits (so what passes here passes on AWS).
 * Queues are not declared here: `ensureQueue` creates them (and their DLQs) through the SQS API,
 * the same code that provisions them on AWS and in tests.
 */
function elasticmqConf(): string {
  return `include classpath("application.conf")
node-address { protocol = http, host = "${HOST}", port = ${PORTS.sqs}, context-path = "" }
rest-sqs { enabled = true, bind-port = ${PORTS.sqs}, bind-hostname = "${HOST}", sqs-limits = strict }
rest-stats { enabled = true, bind-port = ${PORTS.sqsStats}, bind-hostname = "${HOST}" }
generate-node-address = false
`;
}

/** Starts ElasticMQ (the SQS endpoint) unless one already answers, and makes sure the queues exist. */
export async function startElasticMq(logger: Logger): Promise<{ endpoint: string; started: boolean }> {
  const client = createSqsClient({ endpoint: ENDPOINT, region: "us-east-1" });
  const listQueues = () => client.send(new ListQueuesCommand({}));
  let started = false;
  if (!(await answers(listQueues))) {
    if (runningPid("elasticmq") === undefined) {
      const jars = await ensureJars("elasticmq", (m) => logger.info(m));
      const conf = stackPath("conf", "elasticmq");
      mkdirSync(conf, { recursive: true });
      writeFileSync(join(conf, "elasticmq.conf"), elasticmqConf());
      spawnDetached("elasticmq", "java", [
        "-Xms64m",
        "-Xmx512m",
        `-Dconfig.file=${join(conf, "elasticmq.conf")}`,
        "-cp",
        `${jars}/*`,
        "org.elasticmq.server.Main",
      ]);
      started = true;
    }
    await waitUntil("ElasticMQ", listQueues, 60_000);
  }
  for (const spec of HOMEWARD_QUEUES) await ensureQueue(client, spec);
  client.destroy();
  return { endpoint: ENDPOINT, started };
}
