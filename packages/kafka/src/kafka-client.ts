import { isIP, connect as tcpConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { KafkaSaslSettings, KafkaTlsSettings } from "@homeward/config";
import type { Logger } from "@homeward/logger";
import { type ISocketFactory, Kafka, logLevel, type SASLOptions } from "kafkajs";
import { registerZstdCodec } from "./compression.ts";

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Connection attempts back off up to this many retries before an operation fails. */
  retries?: number;
  /** TLS to every broker (a service passes its `stack.kafka`, from KAFKA_SSL*); plain TCP when absent. */
  ssl?: KafkaTlsSettings;
  /** SASL authentication (KAFKA_SASL_*), PLAIN and SCRAM with a password, or Amazon MSK IAM. */
  sasl?: KafkaSaslSettings;
}

const toPino = (level: logLevel): "error" | "warn" | "info" | "debug" => {
  switch (level) {
    case logLevel.ERROR:
    case logLevel.NOTHING:
      return "error";
    case logLevel.WARN:
      return "warn";
    case logLevel.INFO:
      return "info";
    case logLevel.DEBUG:
      return "debug";
  }
};

/**
 * kafkajs's own socket factory (same keep-alive), plus TCP_NODELAY: every Kafka call here is a
 * request that waits for its response (acks=all writes, fetches, offset commits), and Nagle's
 * algorithm can hold a small request back until the broker acknowledges the previous segment.
 */
const socketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : tcpConnect({ host, port }, onConnect);
  socket.setKeepAlive(true, 60_000);
  socket.setNoDelay(true);
  return socket;
};

/**
 * kafkajs's SASL options for ours. MSK IAM is OAUTHBEARER with a token that AWS's signer makes
 * from the default credential chain (environment, profile, container or instance role); kafkajs
 * asks for a fresh one on every connection, and a token lives 15 minutes. The signer (and the
 * AWS SDK under it) loads only in a process that uses it.
 */
export function saslOptions(sasl: KafkaSaslSettings): SASLOptions {
  switch (sasl.mechanism) {
    case "plain":
    case "scram-sha-256":
    case "scram-sha-512":
      return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
    case "aws":
      return {
        mechanism: "oauthbearer",
        oauthBearerProvider: async () => {
          const { generateAuthToken } = await import("aws-msk-iam-sasl-signer-js");
          return { value: (await generateAuthToken({ region: sasl.region })).token };
        },
      };
  }
}

/**
 * A kafkajs client whose own logs go through our (PHI-redacting) pino logger.
 * kafkajs logs broker and group state, never record values, but it goes through redaction anyway.
 * Registers the ZSTD codec, which Homeward's producers use and so every reader needs.
 */
export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  registerZstdCodec();
  const log = logger.child({ component: "kafkajs" });
  if (settings.ssl?.rejectUnauthorized === false)
    log.warn("KAFKA_SSL_REJECT_UNAUTHORIZED=false: broker certificates are not verified");
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    socketFactory,
    ...(settings.ssl === undefined ? {} : { ssl: { ...settings.ssl } }),
    ...(settings.sasl === undefined ? {} : { sasl: saslOptions(settings.sasl) }),
    retry: { retries: settings.retries ?? 8, initialRetryTime: 200 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...extra } = entry;
        // We cap producer retries on purpose (a bounded wait, then AR to the sender); consumers are
        // idempotent by event id, so kafkajs's warning about exactly-once is expected noise.
        const expected = String(message).startsWith("Limiting retries for the idempotent producer");
        log[expected ? "debug" : toPino(level)]({ kafka: extra }, String(message));
      },
  });
}
