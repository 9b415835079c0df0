import { basename } from "node:path";
import type { ConnectionInfo } from "@homeward/contracts";
import { bufferEncodingOf, detectHl7Charset, splitBatch } from "@homeward/hl7";
import type { Ingest, MessageOutcome } from "./ingest.ts";

export interface LoadBatchReport {
  messages: number;
  byOutcome: Record<MessageOutcome, number>;
  /** One line per refused message: position, control id and the reason sent back (no PHI). */
  refused: string[];
  warnings: string[];
}

/**
 * A batch file (FHS/BHS … BTS/FTS, or plain messages one after another) taken in as if each message
 * had come alone over MLLP: same checks, same Kafka writes, same duplicate detection, so loading a
 * file twice writes nothing new.
 */
export async function loadBatch(
  ingest: Ingest,
  fileName: string,
  bytes: Buffer,
  now: Date,
): Promise<LoadBatchReport> {
  const encoding = bufferEncodingOf(detectHl7Charset(bytes).charset);
  const batch = splitBatch(bytes.toString(encoding));
  const connection: ConnectionInfo = {
    listenerId: "load-batch",
    remoteAddress: "local-file",
    remotePort: 0,
    tls: false,
    connectionId: basename(fileName),
  };
  const byOutcome: Record<MessageOutcome, number> = {
    accepted: 0,
    duplicate: 0,
    error: 0,
    rejected: 0,
    unavailable: 0,
  };
  const refused: string[] = [];
  for (const [index, text] of batch.messages.entries()) {
    const result = await ingest.handle({ bytes: Buffer.from(text, encoding), connection, receivedAt: now });
    byOutcome[result.outcome]++;
    if (result.outcome !== "accepted" && result.outcome !== "duplicate") {
      const msa = (result.ack ?? "").split("\r").find((s) => s.startsWith("MSA")) ?? "";
      const [, code = "", controlId = "", reason = ""] = msa.split(msa.charAt(3) || "|");
      refused.push(`#${index + 1} ${controlId || "(no control id)"}: ${code} ${reason}`.trim());
    }
  }
  return { messages: batch.messages.length, byOutcome, refused, warnings: batch.warnings };
}
