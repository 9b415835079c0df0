import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { z } from "zod";
import { secret } from "./secret-env.ts";

/** Kafka's SASL mechanisms Homeward speaks; `aws` is Amazon MSK IAM (OAUTHBEARER signed with AWS credentials). */
export const KAFKA_SASL_MECHANISMS = ["plain", "scram-sha-256", "scram-sha-512", "aws"] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** TLS to the brokers, as node:tls takes it: PEM text read from the configured files at start. */
export interface KafkaTlsSettings {
  /** Trusted CAs; the platform's public CAs when absent (Amazon MSK, Confluent Cloud). */
  ca?: string;
  /** Client certificate and key, for brokers that authenticate clients by certificate (Aiven). */
  cert?: string;
  key?: string;
  /** The name the broker certificates must carry, instead of each broker's host name. */
  servername?: string;
  rejectUnauthorized: boolean;
}

/** SASL: a user name and password (PLAIN, SCRAM), or AWS credentials from the default provider chain. */
export type KafkaSaslSettings =
  | { mechanism: "plain" | "scram-sha-256" | "scram-sha-512"; username: string; password: string }
  | { mechanism: "aws"; region: string };

const bool = z
  .enum(["true", "false", "1", "0"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1");

function readable(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}
/** A path to a file this process can read (a fresh schema each time: `secret` marks the instance). */
const file = () => z.string().refine(readable, { message: "file cannot be read" });

/**
 * The Kafka connection variables, part of StackEnv (every service). Files are checked here and
 * their combinations in `checkKafkaEnv`; no message ever repeats a value.
 */
export const KafkaEnvShape = {
  /** TLS to every broker (SASL_SSL or SSL listeners). */
  KAFKA_SSL: bool.default(false),
  KAFKA_SSL_CA_FILE: file().optional(),
  KAFKA_SSL_CERT_FILE: file().optional(),
  KAFKA_SSL_KEY_FILE: file().optional(),
  KAFKA_SSL_SERVERNAME: z.string().min(1).optional(),
  /** Off only for a test broker: without it anyone on the path can read and change the records. */
  KAFKA_SSL_REJECT_UNAUTHORIZED: bool.default(true),
  KAFKA_SASL_MECHANISM: z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(KAFKA_SASL_MECHANISMS, { message: `must be one of ${KAFKA_SASL_MECHANISMS.join(", ")}` }))
    .optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: secret(z.string().min(1)).optional(),
  /** The password in a file (a mounted secret); its trailing newline is not part of it. */
  KAFKA_SASL_PASSWORD_FILE: secret(file()).optional(),
};

type KafkaEnv = z.output<z.ZodObject<typeof KafkaEnvShape>>;
type Problem = { message: string; path: [keyof KafkaEnv] };

const SSL_FILES = ["KAFKA_SSL_CA_FILE", "KAFKA_SSL_CERT_FILE", "KAFKA_SSL_KEY_FILE"] as const;
const SSL_OPTIONS = [...SSL_FILES, "KAFKA_SSL_SERVERNAME"] as const;

/** Whether a PEM file holds one or more certificates and nothing else that claims to be one. */
function holdsCertificates(pem: string): boolean {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  try {
    for (const block of blocks) new X509Certificate(block);
  } catch {
    return false;
  }
  return blocks.length > 0;
}

/**
 * The TLS variables that cannot work together, each as a problem naming the variable: an option
 * without KAFKA_SSL, a certificate without its key, files that are not what they should be.
 */
function tlsProblems(env: KafkaEnv): Problem[] {
  const problems: Problem[] = [];
  const add = (variable: keyof KafkaEnv, message: string) => problems.push({ message, path: [variable] });
  if (!env.KAFKA_SSL)
    for (const name of SSL_OPTIONS)
      if (env[name] !== undefined)
        add(name, "is set but KAFKA_SSL is not true; set KAFKA_SSL=true to use TLS");
  if ((env.KAFKA_SSL_CERT_FILE === undefined) !== (env.KAFKA_SSL_KEY_FILE === undefined))
    add(
      env.KAFKA_SSL_CERT_FILE === undefined ? "KAFKA_SSL_CERT_FILE" : "KAFKA_SSL_KEY_FILE",
      "a client certificate needs both KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE",
    );
  if (env.KAFKA_SSL_CA_FILE !== undefined && !holdsCertificates(readFileSync(env.KAFKA_SSL_CA_FILE, "utf8")))
    add("KAFKA_SSL_CA_FILE", "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  if (env.KAFKA_SSL_CERT_FILE !== undefined && env.KAFKA_SSL_KEY_FILE !== undefined) {
    try {
      createSecureContext({
        cert: readFileSync(env.KAFKA_SSL_CERT_FILE),
        key: readFileSync(env.KAFKA_SSL_KEY_FILE),
      });
    } catch (err) {
      const mismatch = (err as { code?: string }).code === "ERR_OSSL_X509_KEY_VALUES_MISMATCH";
      add(
        "KAFKA_SSL_KEY_FILE",
        mismatch
          ? "is not the key of the certificate in KAFKA_SSL_CERT_FILE"
          : "KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE must be a PEM certificate and its unencrypted PEM private key",
      );
    }
  }
  return problems;
}

/** The SASL variables that cannot work (with KAFKA_SSL): a mechanism without its user, PLAIN or AWS without TLS. */
function saslProblems(env: KafkaEnv): Problem[] {
  const problems: Problem[] = [];
  const add = (variable: keyof KafkaEnv, message: string) => problems.push({ message, path: [variable] });
  const mechanism = env.KAFKA_SASL_MECHANISM;
  const password = env.KAFKA_SASL_PASSWORD !== undefined || env.KAFKA_SASL_PASSWORD_FILE !== undefined;
  if (mechanism === undefined) {
    for (const name of ["KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD", "KAFKA_SASL_PASSWORD_FILE"] as const)
      if (env[name] !== undefined) add(name, "is set but KAFKA_SASL_MECHANISM is not");
  } else if (mechanism === "aws") {
    for (const name of ["KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD", "KAFKA_SASL_PASSWORD_FILE"] as const)
      if (env[name] !== undefined)
        add(
          name,
          "is not used with KAFKA_SASL_MECHANISM=aws, which signs with the AWS default credential chain",
        );
  } else {
    if (env.KAFKA_SASL_USERNAME === undefined)
      add("KAFKA_SASL_USERNAME", `is required by KAFKA_SASL_MECHANISM=${mechanism}`);
    if (!password)
      add(
        "KAFKA_SASL_PASSWORD",
        `(or KAFKA_SASL_PASSWORD_FILE) is required by KAFKA_SASL_MECHANISM=${mechanism}`,
      );
  }
  if (env.KAFKA_SASL_PASSWORD !== undefined && env.KAFKA_SASL_PASSWORD_FILE !== undefined)
    add("KAFKA_SASL_PASSWORD_FILE", "set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both");
  if ((mechanism === "plain" || mechanism === "aws") && !env.KAFKA_SSL)
    add(
      "KAFKA_SSL",
      mechanism === "plain"
        ? "must be true with KAFKA_SASL_MECHANISM=plain, which would send the password in clear"
        : "must be true with KAFKA_SASL_MECHANISM=aws (MSK IAM listens on TLS only)",
    );
  return problems;
}

/**
 * StackEnv's check (so every service's): adds the TLS and the SASL problems to the parse. zod runs
 * an object's checks even when a field failed, with that field's raw value, so each group is
 * checked only when its own variables are valid: a missing CA file does not hide a mechanism
 * without its user, and a bad REDIS_URL hides neither.
 */
export function checkKafkaEnv(payload: z.core.ParsePayload<KafkaEnv>): void {
  const failed = new Set(payload.issues.map((issue) => String(issue.path?.[0] ?? "")));
  const valid = (prefix: string) => ![...failed].some((name) => name.startsWith(prefix));
  const problems = [
    ...(valid("KAFKA_SSL") ? tlsProblems(payload.value) : []),
    ...(valid("KAFKA_SASL_") && !failed.has("KAFKA_SSL") ? saslProblems(payload.value) : []),
  ];
  for (const problem of problems) payload.issues.push({ code: "custom", input: payload.value, ...problem });
}

/** The TLS and SASL settings of a parsed environment, files read; nothing when both are off. */
export function kafkaSecuritySettings(env: KafkaEnv & { AWS_REGION: string }): {
  ssl?: KafkaTlsSettings;
  sasl?: KafkaSaslSettings;
} {
  const read = (path: string | undefined) => (path === undefined ? undefined : readFileSync(path, "utf8"));
  const ssl: KafkaTlsSettings | undefined = env.KAFKA_SSL
    ? {
        ...optional("ca", read(env.KAFKA_SSL_CA_FILE)),
        ...optional("cert", read(env.KAFKA_SSL_CERT_FILE)),
        ...optional("key", read(env.KAFKA_SSL_KEY_FILE)),
        ...optional("servername", env.KAFKA_SSL_SERVERNAME),
        rejectUnauthorized: env.KAFKA_SSL_REJECT_UNAUTHORIZED,
      }
    : undefined;
  const mechanism = env.KAFKA_SASL_MECHANISM;
  let sasl: KafkaSaslSettings | undefined;
  if (mechanism === "aws") sasl = { mechanism, region: env.AWS_REGION };
  else if (mechanism !== undefined)
    sasl = {
      mechanism,
      username: env.KAFKA_SASL_USERNAME ?? "",
      password: env.KAFKA_SASL_PASSWORD ?? read(env.KAFKA_SASL_PASSWORD_FILE)?.replace(/\r?\n$/, "") ?? "",
    };
  return { ...optional("ssl", ssl), ...optional("sasl", sasl) };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
