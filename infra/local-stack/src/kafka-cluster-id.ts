import { randomBytes } from "node:crypto";

/**
 * A new KRaft cluster id: 16 random bytes in base64url, as Kafka's own `Uuid.randomUuid()`.
 * Like Kafka's, it never starts with "-": `kafka-storage format -t <id>` reads such an id as
 * an option and stops with "argument --cluster-id/-t: expected one argument" (one start in 64).
 */
export function newKafkaClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

/** A stored id is reused only when `kafka-storage` can take it. */
export const isUsableClusterId = (id: string) => /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id);
