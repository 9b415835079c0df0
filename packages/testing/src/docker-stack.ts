import type { StackSettings } from "@homeward/config";
import { GenericContainer, getContainerRuntimeClient, type StartedTestContainer, Wait } from "testcontainers";

/** True when testcontainers can reach a Docker (or compatible) engine. */
export async function dockerAvailable(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/**
 * The same engines as infra/local-stack and docker-compose.yml, as throwaway containers.
 * Kafka advertises the host port it is published on, so it binds 9092 on the host as the
 * local stack does (a broker must know the address clients reach it by).
 */
export async function startDockerStack(): Promise<{
  settings: StackSettings;
  mailWebUrl: string;
  stop: () => Promise<void>;
}> {
  const [kafka, sqs, redis, postgres, mail] = await Promise.all([
    new GenericContainer("apache/kafka:4.4.0")
      .withExposedPorts({ container: 9092, host: 9092 })
      .withEnvironment({
        KAFKA_NODE_ID: "1",
        KAFKA_PROCESS_ROLES: "broker,controller",
        KAFKA_LISTENERS: "PLAINTEXT://:9092,CONTROLLER://:9093",
        KAFKA_ADVERTISED_LISTENERS: "PLAINTEXT://127.0.0.1:9092",
        KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false",
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start(),
    new GenericContainer("softwaremill/elasticmq-native:1.6.11")
      .withExposedPorts(9324)
      .withWaitStrategy(Wait.forListeningPorts())
      .start(),
    new GenericContainer("redis:7").withExposedPorts(6379).start(),
    new GenericContainer("postgres:16")
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: "trust", POSTGRES_DB: "homeward" })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
    new GenericContainer("maildev/maildev:2.2.1").withExposedPorts(1025, 1080).start(),
  ]);
  const at = (c: StartedTestContainer, port: number) => `${c.getHost()}:${c.getMappedPort(port)}`;
  return {
    settings: {
      kafka: { brokers: ["127.0.0.1:9092"], topicPrefix: "" },
      sqs: { endpoint: `http://${at(sqs, 9324)}`, region: "us-east-1", queuePrefix: "" },
      redis: { url: `redis://${at(redis, 6379)}`, keyPrefix: "homeward:" },
      postgres: { url: `postgres://postgres@${at(postgres, 5432)}/homeward`, schema: "homeward" },
      smtp: { url: `smtp://${at(mail, 1025)}` },
    },
    mailWebUrl: `http://${at(mail, 1080)}`,
    stop: async () => {
      await Promise.all([kafka, sqs, redis, postgres, mail].map((c) => c.stop()));
    },
  };
}
