import { setImmediate } from "node:timers/promises";
import type { ConnectionInfo } from "@homeward/contracts";
import { bufferEncodingOf, detectHl7Charset, hl7Timestamp, splitBatch } from "@homeward/hl7";
import type { IncomingMessage, Ingest, MessageResult, Staged } from "./ingest.ts";
import type { AdmissionCheck } from "./sending-application.ts";

export interface FrameResult {
  /** Bytes to send back in one MLLP frame, or undefined when no answer is due. */
  response: Buffer | undefined;
  results: MessageResult[];
}

/** A frame whose messages are queued for Kafka; `done` settles with the answer once they are durable. */
export interface StagedFrame {
  done: Promise<FrameResult>;
}

const BATCH_START = /^\uFEFF?(FHS|BHS)/;
/** Messages of a batch read between two turns of the event loop (a few ms of work at most). */
const BATCH_YIELD_EVERY = 32;

/**
 * One message: refused at once when `admit` says so (kept on adt.rejected.v1 all the same), else
 * handed to Ingest, which parses, checks and stores it.
 */
async function stageMessage(ingest: Ingest, msg: IncomingMessage, admit?: AdmissionCheck): Promise<Staged> {
  const refusal = admit?.(msg.bytes);
  if (refusal !== undefined) {
    const { header, declaredCharset, error } = refusal;
    return ingest.refuse(msg, "", header, declaredCharset, "rejected", error);
  }
  return ingest.stage(msg);
}

/**
 * One MLLP frame: usually one message; an HL7 batch (FHS/BHS … BTS/FTS) is split and each message
 * handled as if it had come alone, in order, and answered with a batch of ACKs. `admit` runs on
 * each message before Ingest does (the listener's MSH-3 check).
 */
export async function stageFrame(
  ingest: Ingest,
  payload: Buffer,
  connection: ConnectionInfo,
  receivedAt: Date,
  admit?: AdmissionCheck,
): Promise<StagedFrame> {
  const encoding = bufferEncodingOf(detectHl7Charset(payload).charset);
  if (!BATCH_START.test(payload.toString("latin1", 0, 8))) {
    const staged = await stageMessage(ingest, { bytes: payload, connection, receivedAt }, admit);
    return {
      done: staged.result.then((result) => ({
        response: result.ack === undefined ? undefined : Buffer.from(result.ack, encoding),
        results: [result],
      })),
    };
  }
  const batch = splitBatch(payload.toString(encoding));
  const batchControlId = batchControlIdOf(batch.header?.batchHeaders[0]);
  const pending: Promise<MessageResult>[] = [];
  for (const [i, text] of batch.messages.entries()) {
    // Each message is read on this thread (unless large): a batch of thousands would hold the
    // event loop, and every other connection, until its last one; let them in between.
    if (i > 0 && i % BATCH_YIELD_EVERY === 0) await setImmediate();
    const message: IncomingMessage = {
      bytes: Buffer.from(text, encoding),
      connection,
      receivedAt,
      ...(batchControlId === undefined ? {} : { batchControlId }),
    };
    const staged = await stageMessage(ingest, message, admit);
    pending.push(staged.result);
  }
  const done = Promise.all(pending).then((results) => {
    const acks = results.flatMap((r) => (r.ack === undefined ? [] : [r.ack]));
    const response = [
      `BHS|^~\\&|HOMEWARD|HOMEWARD|||${hl7Timestamp(receivedAt)}||||${batchControlId ?? ""}`,
      ...acks,
      `BTS|${acks.length}`,
    ].join("\r");
    return { response: Buffer.from(response, encoding), results };
  });
  return { done };
}

/** Stages and waits: for commands (load-batch) that handle one frame at a time. */
export async function handleFrame(
  ingest: Ingest,
  payload: Buffer,
  connection: ConnectionInfo,
  receivedAt: Date,
): Promise<FrameResult> {
  return (await stageFrame(ingest, payload, connection, receivedAt)).done;
}

function batchControlIdOf(bhs: string | undefined): string | undefined {
  if (bhs === undefined) return undefined;
  const separator = bhs.charAt(3);
  const id = bhs.split(separator)[10];
  return id === undefined || id === "" ? undefined : id;
}
