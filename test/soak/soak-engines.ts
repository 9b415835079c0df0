import { type ChildProcess, spawn } from "node:child_process";
import { createKafka, ensureTopics, HOMEWARD_TOPICS } from "@homeward/kafka";
import {
  type ElasticMqNode,
  type KafkaNode,
  resetElasticMqNode,
  resetKafkaNode,
  startElasticMqNode,
  startKafkaNode,
  stopElasticMqNode,
  stopKafkaNode,
} from "@homeward/local-stack";
import type { Logger } from "@homeward/logger";
import { Redis } from "ioredis";

/**
 * The soak's own engines, on ports of their own, so that it can stop and restart them without
 * touching the stack every other test and `npm start` use: a Kafka node, a persistent ElasticMQ
 * (SQS does not lose queued messages; an in-memory ElasticMQ restart would), and a Redis that keeps
 * nothing on disk (as this machine's Redis is run; a restart forgets every key). PostgreSQL is the
 * shared server, with a schema of the run's own.
 */

export const SOAK_KAFKA: KafkaNode = { name: "kafka-soak", port: 29092, controllerPort: 29093 };
export const SOAK_SQS: ElasticMqNode = {
  name: "elasticmq-soak",
  port: 29324,
  statsPort: 29325,
  persistent: true,
};
export const SOAK_REDIS_PORT = 26379;

export interface Engine {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function kafkaEngine(logger: Logger): Engine & { brokers: string[] } {
  const brokers = [`127.0.0.1:${SOAK_KAFKA.port}`];
  return {
    name: "kafka",
    brokers,
    async start() {
      await startKafkaNode(SOAK_KAFKA, logger);
    },
    async stop() {
      await stopKafkaNode(SOAK_KAFKA);
    },
  };
}

/** Starts the soak's Kafka empty, with Homeward's topics. */
export async function freshKafka(logger: Logger): Promise<Engine & { brokers: string[] }> {
  await resetKafkaNode(SOAK_KAFKA);
  const engine = kafkaEngine(logger);
  await engine.start();
  const kafka = createKafka(
    { brokers: engine.brokers, clientId: "soak" },
    logger.child({}, { level: "fatal" }),
  );
  await ensureTopics(kafka, HOMEWARD_TOPICS);
  return engine;
}

/** Starts the soak's ElasticMQ empty, with Homeward's queues. */
export async function freshSqs(logger: Logger): Promise<Engine & { endpoint: string }> {
  await resetElasticMqNode(SOAK_SQS);
  const endpoint = `http://127.0.0.1:${SOAK_SQS.port}`;
  const engine = {
    name: "elasticmq",
    endpoint,
    async start() {
      await startElasticMqNode(SOAK_SQS, logger);
    },
    async stop() {
      await stopElasticMqNode(SOAK_SQS);
    },
  };
  await engine.start();
  return engine;
}

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** A redis-server of the soak's own (Debian's binary, no persistence), started and killed at will. */
export function redisEngine(): Engine & { url: string } {
  const url = `redis://127.0.0.1:${SOAK_REDIS_PORT}`;
  let child: ChildProcess | undefined;
  return {
    name: "redis",
    url,
    async start() {
      // A server left on the port by an interrupted run would stand in for this one (with its
      // keys): shut it down first, so the soak's Redis always starts as a fresh one would.
      if (await redisAnswers(url)) {
        const old = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        old.on("error", () => undefined);
        await old.connect();
        await old.call("SHUTDOWN", "NOSAVE").catch(() => undefined);
        old.disconnect();
        for (let i = 0; i < 50 && (await redisAnswers(url)); i++)
          await new Promise((r) => setTimeout(r, 100));
      }
      child = spawn(
        "redis-server",
        ["--port", String(SOAK_REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        { stdio: "ignore" },
      );
      for (let i = 0; i < 100; i++) {
        if (child.exitCode !== null) throw new Error("the soak's redis-server exited (is its port taken?)");
        if (await redisAnswers(url)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("the soak's redis-server did not answer");
    },
    async stop() {
      const c = child;
      child = undefined;
      if (c === undefined || c.exitCode !== null) return;
      const gone = new Promise<void>((resolve) => c.once("exit", () => resolve()));
      c.kill("SIGKILL");
      await gone;
    },
  };
}
