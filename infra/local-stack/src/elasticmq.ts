import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ListQueuesCommand } from "@aws-sdk/client-sqs";
import type { Logger } from "@homeward/logger";
import { createSqsClient, ensureQueue, HOMEWARD_QUEUES } from "@homeward/sqs";
import { ensureJars } from "./jars.ts";
import { HOST, PORTS, stackPath } from "./paths.ts";
import { runningPid, spawnDetached, stopProcess } from "./processes.ts";
import { answers, waitUntil } from "./wait.ts";

/** One ElasticMQ process: its name (pid/log/conf file names) and its two ports. */
export interface ElasticMqNode {
  name: string;
  port: number;
  statsPort: number;
  /**
   * Keep queues and messages on disk (`.stack/data/<name>`, H2), so a restart loses nothing, as
   * SQS itself would not: for a test that restarts the endpoint mid-stream.
   */
  persistent?: boolean;
}

export const STACK_ELASTICMQ: ElasticMqNode = {
  name: "elasticmq",
  port: PORTS.sqs,
  statsPort: PORTS.sqsStats,
};

const endpointOf = (node: ElasticMqNode) => `http://${HOST}:${node.port}`;

/**
 * ElasticMQ's config: loopback only, strict SQS limits (so what passes here passes on AWS).
 * Queues are not declared here: `ensureQueue` creates them (and their DLQs) through the SQS API,
 * the same code that provisions them on AWS and in tests. In memory: a restart loses the queues'
 * contents, as a lost SQS region would (the notifier's outbox re-sends what was not delivered).
 */
function elasticmqConf(node: ElasticMqNode): string {
  const data = stackPath("data", node.name);
  const storage = node.persistent
    ? `queues-storage { enabled = true, path = "${join(data, "queues.conf")}" }
messages-storage { enabled = true, uri = "jdbc:h2:${join(data, "messages")}" }
`
    : "";
  return `include classpath("application.conf")
node-address { protocol = http, host = "${HOST}", port = ${node.port}, context-path = "" }
rest-sqs { enabled = true, bind-port = ${node.port}, bind-hostname = "${HOST}", sqs-limits = strict }
rest-stats { enabled = true, bind-port = ${node.statsPort}, bind-hostname = "${HOST}" }
generate-node-address = false
${storage}`;
}

/**
 * Starts an ElasticMQ node (an SQS endpoint) unless one already answers on its port, and makes
 * sure Homeward's queues exist (with `queuePrefix`, as SQS_QUEUE_PREFIX names them).
 */
export async function startElasticMqNode(
  node: ElasticMqNode,
  logger: Logger,
  queuePrefix = "",
): Promise<{ endpoint: string; started: boolean }> {
  const endpoint = endpointOf(node);
  const client = createSqsClient({ endpoint, region: "us-east-1" });
  const listQueues = () => client.send(new ListQueuesCommand({}));
  let started = false;
  if (!(await answers(listQueues))) {
    if (runningPid(node.name) === undefined) {
      const jars = await ensureJars("elasticmq", (m) => logger.info(m));
      const conf = stackPath("conf", node.name);
      mkdirSync(conf, { recursive: true });
      mkdirSync(stackPath("data", node.name), { recursive: true });
      writeFileSync(join(conf, "elasticmq.conf"), elasticmqConf(node));
      spawnDetached(node.name, "java", [
        "-Xms64m",
        "-Xmx512m",
        `-Dconfig.file=${join(conf, "elasticmq.conf")}`,
        "-cp",
        `${jars}/*`,
        "org.elasticmq.server.Main",
      ]);
      started = true;
    }
    await waitUntil(`ElasticMQ (${node.name})`, listQueues, 60_000);
  }
  for (const spec of HOMEWARD_QUEUES) await ensureQueue(client, spec, queuePrefix);
  client.destroy();
  return { endpoint, started };
}

/** Stops a node this stack started. */
export const stopElasticMqNode = (node: ElasticMqNode) => stopProcess(node.name);

/** Stops a node and deletes its stored queues and messages, so that it next starts empty. */
export async function resetElasticMqNode(node: ElasticMqNode): Promise<void> {
  await stopElasticMqNode(node);
  rmSync(stackPath("data", node.name), { recursive: true, force: true });
}

/** Starts the stack's ElasticMQ (the SQS endpoint) unless one already answers, with the queues. */
export const startElasticMq = (logger: Logger) => startElasticMqNode(STACK_ELASTICMQ, logger);
