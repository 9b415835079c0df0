import type {
  ConnectionInfo,
  FacilityMappingLookup,
  RawAdtRecord,
  RejectedAdtRecord,
} from "@homeward/contracts";
import { adtEventPartitionKey } from "@homeward/contracts";
import {
  type AckMode,
  ackCodeFor,
  ackModeOf,
  ackWanted,
  buildAck,
  buildNak,
  DEFAULT_HL7_LIMITS,
  extractRawHeader,
  type Hl7Error,
  type Hl7Limits,
  type NormalizeResult,
  type RawHeader,
} from "@homeward/hl7";
import { MAX_RECORD_BYTES, recordBytes } from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import { controlKey } from "./duplicates.ts";
import type { CommitOutcome, CommitRequest } from "./group-commit.ts";
import { type MessageRead, type ParsePool, readMessage } from "./parse-pool.ts";
import { recordJson } from "./record-json.ts";

/** HL7 versions whose ADT messages we read (v2.3 to v2.8). */
const SUPPORTED_VERSIONS = new Set([
  "2.3",
  "2.3.1",
  "2.4",
  "2.5",
  "2.5.1",
  "2.6",
  "2.7",
  "2.7.1",
  "2.8",
  "2.8.1",
  "2.8.2",
]);

/** Of a message too large to store, adt.rejected.v1 keeps this many first bytes (header, control id). */
export const KEPT_BYTES_OF_TOO_LARGE = 64 * 1024;

/**
 * Room an event leaves under the record limit: the matcher writes it again inside a larger record
 * (adt.matched.v1, adt.unmatched.v1), which must fit too, or that consumer would retry it for ever.
 */
const EVENT_HEADROOM_BYTES = 64 * 1024;

/** Room in a raw record for everything beside the message's base64: JSON fields, key, headers. */
const RAW_RECORD_OVERHEAD = 4 * 1024;

/**
 * The largest message whose raw record (base64 in JSON) fits `maxRecordBytes`: with Homeward's
 * 8 MiB record batches, 6,239,232 bytes, above the default MLLP_MAX_FRAME_BYTES (4 MiB).
 */
export function maxStorableMessageBytes(maxRecordBytes: number = MAX_RECORD_BYTES): number {
  return Math.floor((maxRecordBytes - RAW_RECORD_OVERHEAD) / 4) * 3;
}

export type MessageOutcome = "accepted" | "duplicate" | "error" | "rejected" | "unavailable";

export interface IngestContext {
  topics: { raw: string; events: string; rejected: string };
  lookupMapping: FacilityMappingLookup;
  /** MSH-4 values allowed in; empty means any facility that has a mapping. */
  allowedFacilities: ReadonlySet<string>;
  /** MSH-11 processing ids accepted (production only, by default). */
  acceptedProcessingIds: ReadonlySet<string>;
  /** How much of a message to take (segments, fields, repetitions…); the hl7 defaults when absent. */
  limits?: Hl7Limits;
  /** Reads large messages off this thread (`parsePool.wants`); absent: every message read here. */
  parsePool?: ParsePool;
  /**
   * Durable write to Kafka, skipped when `dedupeKey` was written before: resolves once the records
   * are on all in-sync replicas (or already were). Queues synchronously, so call order is write order.
   */
  submit: (request: CommitRequest) => Promise<CommitOutcome>;
  /** Longest wait for Kafka before answering AR (the sender resends later). */
  holdMs: number;
  /**
   * Largest record Kafka takes (default `MAX_RECORD_BYTES`). A message whose raw record or event
   * would be bigger is never sent to Kafka: it gets a final AE and is kept, truncated, on adt.rejected.v1.
   */
  maxRecordBytes?: number;
  /** MSH-3/MSH-4 of our ACKs. */
  identity?: { app: string; facility: string };
  now: () => Date;
  newControlId: () => string;
  logger: Logger;
}

export interface MessageResult {
  outcome: MessageOutcome;
  /** The ACK text, or undefined when the sender asked for none (MSH-15 NE/ER/SU). */
  ack: string | undefined;
  /** For metrics and feed operations: sending facility, application and trigger as sent (not PHI). */
  facility: string;
  /** MSH-3 (HD-1, or HD-2 when HD-1 is empty); "" when the header could not be read. */
  application: string;
  trigger: string;
  /** The ERR content of a negative answer: HL7 table 0357 code and the listener's text (no PHI). */
  error?: { code: string; text: string };
}

/** One message as received: its own bytes (a frame's payload, or one message of a batch). */
export interface IncomingMessage {
  bytes: Buffer;
  connection: ConnectionInfo;
  receivedAt: Date;
  batchControlId?: string;
}

class Unavailable extends Error {}

/**
 * A message whose records are already queued for Kafka (or that needs no write); `result` settles
 * when they are durable. Callers stage a connection's messages one after another, so records reach
 * Kafka in the order they arrived, while many connections' and pipelined messages share one write.
 */
export interface Staged {
  result: Promise<MessageResult>;
}

const settled = (result: MessageResult): Staged => ({ result: Promise.resolve(result) });

/**
 * Takes one HL7 message from bytes to an answer. The order of the steps is the guarantee:
 * nothing is acknowledged positively before it is durable on Kafka (adt.raw.v1 + adt.events.v1),
 * and nothing is refused with AE (which stops the sender resending) before it is kept on
 * adt.rejected.v1. When Kafka cannot be reached in time the answer is AR, so the sender retries.
 */
export class Ingest {
  /**
   * Control ids whose Kafka write has not settled yet, resolving true when it lands and false when
   * it fails. Kept past the AR a slow write gets: a resend must not write a second copy while the
   * first may still land.
   */
  readonly #inFlight = new Map<string, Promise<boolean>>();

  readonly #maxRecordBytes: number;

  constructor(private readonly ctx: IngestContext) {
    this.#maxRecordBytes = ctx.maxRecordBytes ?? MAX_RECORD_BYTES;
  }

  /** Handles one message to its answer (stage, then wait until durable). */
  async handle(msg: IncomingMessage): Promise<MessageResult> {
    return (await this.stage(msg)).result;
  }

  async stage(msg: IncomingMessage): Promise<Staged> {
    const latin = msg.bytes.toString("latin1");
    const peek = extractRawHeader(latin);
    // Too large for Kafka whatever it says: answered before any parsing.
    if (msg.bytes.length > maxStorableMessageBytes(this.#maxRecordBytes)) return this.#tooLarge(msg, peek);
    // Decoding, parsing and normalizing (parse-pool.ts); large messages in a worker thread.
    const pool = this.ctx.parsePool;
    const read: MessageRead =
      pool?.wants(msg.bytes) === true
        ? await pool.read(msg.bytes, msg.receivedAt)
        : readMessage(msg.bytes, {
            lookupMapping: this.ctx.lookupMapping,
            limits: this.ctx.limits ?? DEFAULT_HL7_LIMITS,
            receivedAt: msg.receivedAt,
          });
    const charset = { declared: read.declaredCharset };
    const text = read.text ?? "";
    if (!read.ok) {
      if (read.transient) return settled(this.#busy(read.header, read.error));
      const code = isRejection(read.error) ? "rejected" : "error";
      return this.refuse(msg, text, read.header, charset.declared, code, read.error);
    }
    const header = read.header;
    const facility = hd(header.sendingFacility, header);
    const application = hd(header.sendingApplication, header);

    const version = read.version;
    if (!SUPPORTED_VERSIONS.has(version)) {
      return this.refuse(msg, text, header, charset.declared, "rejected", {
        code: "203",
        text: `HL7 version ${version} is not supported (2.3 to 2.8 are)`,
        location: { segment: "MSH", sequence: 1, field: 12 },
      });
    }
    const processingId = read.processingId;
    if (!this.ctx.acceptedProcessingIds.has(processingId)) {
      return this.refuse(msg, text, header, charset.declared, "rejected", {
        code: "202",
        text: `Processing id ${processingId} is not accepted by this listener`,
        location: { segment: "MSH", sequence: 1, field: 11 },
      });
    }
    if (this.ctx.allowedFacilities.size > 0 && !this.ctx.allowedFacilities.has(facility)) {
      return this.refuse(msg, text, header, charset.declared, "rejected", {
        code: "207",
        text: "Sending facility is not allowed on this listener",
        location: { segment: "MSH", sequence: 1, field: 4 },
      });
    }
    const facilityMapping = this.ctx.lookupMapping(facility, application);
    if (facilityMapping === undefined) {
      // AR, not AE: the sender holds and resends once the facility is configured; nothing is lost.
      return this.refuse(msg, text, header, charset.declared, "rejected", {
        code: "207",
        text: "Sending facility is not configured in Homeward",
        location: { segment: "MSH", sequence: 1, field: 4 },
      });
    }

    const key = controlKey(application, facility, read.controlId);
    const running = this.#inFlight.get(key);
    if (running !== undefined) {
      const stored = await withTimeout(running, this.ctx.holdMs);
      if (stored === true) return settled(this.result("duplicate", header, this.ack(header, "accepted")));
      if (stored === undefined)
        return settled(this.result("unavailable", header, this.unavailableAck(header)));
      // The first attempt failed: store this copy.
    }
    // Normalized with the mapping the same lookup found; a pool given other mappings than this
    // Ingest's would leave it unread, which is a wiring fault: AR, so nothing is lost.
    if (read.normalized === undefined)
      return settled(
        this.#busy(header, { code: "207", text: "Facility mapping unavailable; please resend" }),
      );
    return this.#store(msg, read.normalized, header, charset.declared, key, text);
  }

  #store(
    msg: IncomingMessage,
    normalized: NormalizeResult,
    header: RawHeader,
    declaredCharset: string,
    key: string,
    text: string,
  ): Staged {
    if (!normalized.ok) {
      const outcome = isRejection(normalized.error) ? "rejected" : "error";
      return this.refuse(msg, text, header, declaredCharset, outcome, normalized.error);
    }
    const event = normalized.event;
    const raw: RawAdtRecord = {
      schemaVersion: 1,
      receivedAt: msg.receivedAt.toISOString(),
      connection: msg.connection,
      message: rawMessage(msg, declaredCharset),
      header: recordHeader(header),
      eventId: event.eventId,
    };
    const partitionKey = adtEventPartitionKey(event);
    const headers = { "content-type": "application/json", "event-id": event.eventId };
    const rawRecord = { topic: this.ctx.topics.raw, key: partitionKey, value: recordJson(raw), headers };
    const eventRecord = {
      topic: this.ctx.topics.events,
      key: partitionKey,
      value: JSON.stringify(event),
      headers,
    };
    // Kafka would refuse it (and a refused record fails every message written with it): refuse it here.
    if (
      recordBytes(rawRecord) > this.#maxRecordBytes ||
      recordBytes(eventRecord) > this.#maxRecordBytes - EVENT_HEADROOM_BYTES
    )
      return this.#tooLarge(msg, header, declaredCharset);
    const records = [rawRecord, eventRecord];
    const committing = this.ctx.submit({ dedupeKey: key, records });
    // Until the write settles (even after the sender was told AR), a resend waits for it rather
    // than writing a second copy; true once it is on Kafka.
    const landed = committing.then(
      () => true,
      () => false,
    );
    this.#inFlight.set(key, landed);
    void landed.then(() => this.#inFlight.delete(key));
    const result = this.#durably(committing).then(
      (outcome) =>
        this.result(outcome === "duplicate" ? "duplicate" : "accepted", header, this.ack(header, "accepted")),
      (err: unknown) => {
        this.ctx.logger.error(
          { err, eventId: event.eventId },
          "Kafka write failed; answering AR so the sender resends",
        );
        return this.result("unavailable", header, this.unavailableAck(header));
      },
    );
    return { result };
  }

  /** Keeps a refused message on adt.rejected.v1, then answers AE/AR (CE/CR) with an ERR segment. */
  refuse(
    msg: IncomingMessage,
    text: string,
    header: RawHeader | undefined,
    declaredCharset: string,
    outcome: "error" | "rejected",
    error: Hl7Error,
  ): Staged {
    const mode: AckMode = header === undefined ? { mode: "original" } : ackModeOf(header);
    const ackCode = ackCodeFor(mode, outcome);
    const record: RejectedAdtRecord = {
      schemaVersion: 1,
      receivedAt: msg.receivedAt.toISOString(),
      rejectedAt: this.ctx.now().toISOString(),
      connection: msg.connection,
      message: rawMessage(msg, declaredCharset),
      header: header === undefined ? {} : recordHeader(header),
      ackCode: ackCode as RejectedAdtRecord["ackCode"],
      reason: error.text,
      error: { code: error.code, text: error.text, ...(error.location ? { location: error.location } : {}) },
    };
    const facility = header === undefined ? "" : hd(header.sendingFacility, header);
    const application = header === undefined ? "" : hd(header.sendingApplication, header);
    const trigger = header?.triggerEvent || "unknown";
    const kept = {
      topic: this.ctx.topics.rejected,
      key: JSON.stringify([facility, header?.controlId ?? ""]),
      value: recordJson(record),
      headers: { "content-type": "application/json" },
    };
    // Whole when it fits, else its first bytes and its size: a refusal must never fail for size.
    if (recordBytes(kept) > this.#maxRecordBytes) {
      const start = { ...msg, bytes: msg.bytes.subarray(0, KEPT_BYTES_OF_TOO_LARGE) };
      kept.value = recordJson({
        ...record,
        message: rawMessage(start, declaredCharset),
        truncatedFrom: msg.bytes.length,
      });
    }
    const written = this.#durably(this.ctx.submit({ records: [kept] }));
    const result = written.then(
      (): MessageResult => ({
        outcome,
        ack: ackWanted(mode, outcome) ? this.nak(text, header, outcome, mode, [error]) : undefined,
        facility,
        application,
        trigger,
        error: { code: error.code, text: error.text },
      }),
      (err: unknown): MessageResult => {
        this.ctx.logger.error(
          { err },
          "could not keep a refused message; answering AR so the sender resends",
        );
        const unavailable: Hl7Error = {
          code: "207",
          text: "Temporarily unable to store the message; please resend",
        };
        const nak = this.nak(text, header, "rejected", mode, [unavailable]);
        return { outcome: "unavailable", ack: nak, facility, application, trigger, error: unavailable };
      },
    );
    return { result };
  }

  /**
   * A message Kafka can never take: a final AE (CE) with ERR 207 that says not to resend it, and its
   * first bytes kept on adt.rejected.v1 (see `refuse`). Never AR: the sender would resend it forever
   * and its feed would stop behind it.
   */
  #tooLarge(msg: IncomingMessage, header: RawHeader | undefined, declaredCharset = ""): Staged {
    const bytes = msg.bytes.length;
    const limit = maxStorableMessageBytes(this.#maxRecordBytes);
    this.ctx.logger.warn(
      { controlId: header?.controlId, bytes, limit },
      "message too large to store; answering AE (do not resend) and keeping its start on adt.rejected.v1",
    );
    const start = msg.bytes.toString("latin1", 0, KEPT_BYTES_OF_TOO_LARGE);
    const text =
      bytes > limit
        ? `Message too large to store: ${bytes} bytes, over the ${limit} this listener can store; do not resend it`
        : `Message too large to store: its normalized event is over the ${this.#maxRecordBytes - EVENT_HEADROOM_BYTES} bytes an event may take; do not resend it`;
    return this.refuse(msg, start, header, declaredCharset, "error", { code: "207", text });
  }

  /** AR (resend later) for a message not read for reasons of ours, not its own; nothing is kept. */
  #busy(header: RawHeader | undefined, error: Hl7Error): MessageResult {
    const mode: AckMode = header === undefined ? { mode: "original" } : ackModeOf(header);
    return {
      outcome: "unavailable",
      ack: ackWanted(mode, "rejected") ? this.nak("", header, "rejected", mode, [error]) : undefined,
      facility: header === undefined ? "" : hd(header.sendingFacility, header),
      application: header === undefined ? "" : hd(header.sendingApplication, header),
      trigger: header?.triggerEvent || "unknown",
      error: { code: error.code, text: error.text },
    };
  }

  /** The write's outcome once durable; rejects when it failed or took longer than the hold. */
  async #durably<T>(write: Promise<T>): Promise<T> {
    const outcome = await withTimeout(
      write.then((value) => ({ value })),
      this.ctx.holdMs,
    );
    if (outcome === undefined) throw new Unavailable(`Kafka did not confirm within ${this.ctx.holdMs} ms`);
    return outcome.value;
  }

  // ACKs and results take the header read once in `stage`, not the message: reading MSH again
  // for each of them was repeated work on the hot path.
  private ack(header: RawHeader, outcome: "accepted"): string | undefined {
    const mode = ackModeOf(header);
    if (!ackWanted(mode, outcome)) return undefined;
    return buildAck(header, this.ackOptions(ackCodeFor(mode, outcome)));
  }

  private unavailableAck(header: RawHeader): string | undefined {
    const mode = ackModeOf(header);
    if (!ackWanted(mode, "rejected")) return undefined;
    return buildAck(header, {
      ...this.ackOptions(ackCodeFor(mode, "rejected")),
      errors: [{ code: "207", text: "Temporarily unable to store the message; please resend" }],
    });
  }

  private nak(
    text: string,
    header: RawHeader | undefined,
    outcome: "error" | "rejected",
    mode: AckMode,
    errors: Hl7Error[],
  ): string {
    const opts = { ...this.ackOptions(ackCodeFor(mode, outcome)), errors };
    return header === undefined ? buildNak(text, opts) : buildAck(header, opts);
  }

  private ackOptions(code: ReturnType<typeof ackCodeFor>) {
    return {
      code,
      controlId: this.ctx.newControlId(),
      now: this.ctx.now(),
      ...(this.ctx.identity === undefined ? {} : { application: this.ctx.identity }),
    };
  }

  private result(outcome: MessageOutcome, header: RawHeader, ack: string | undefined): MessageResult {
    return {
      outcome,
      ack,
      facility: hd(header.sendingFacility, header),
      application: hd(header.sendingApplication, header),
      trigger: header.triggerEvent || "unknown",
      ...(outcome === "unavailable"
        ? { error: { code: "207", text: "Temporarily unable to store the message; please resend" } }
        : {}),
    };
  }
}

/** The promise's value, or undefined if it has not settled within `ms` (a rejection propagates). */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** 200–206 (unsupported type, event, processing id, version…) are refusals (AR); the rest content errors (AE). */
function isRejection(error: Hl7Error): boolean {
  return error.code.startsWith("2") && error.code !== "207";
}

/** HD-1 (namespace id), or HD-2 when HD-1 is empty, of a raw MSH-3/MSH-4 value. */
function hd(raw: string, header: Pick<RawHeader, "delimiters">): string {
  // indexOf, not split: this runs several times for every message.
  const c = header.delimiters.component;
  const first = raw.indexOf(c);
  if (first === -1) return raw;
  if (first > 0) return raw.slice(0, first);
  const second = raw.indexOf(c, first + 1);
  return raw.slice(first + 1, second === -1 ? raw.length : second);
}

function rawMessage(msg: IncomingMessage, charset: string): RawAdtRecord["message"] {
  return {
    base64: msg.bytes.toString("base64"),
    ...(charset === "" ? {} : { charset }),
    ...(msg.batchControlId === undefined ? {} : { batchControlId: msg.batchControlId }),
  };
}

function recordHeader(h: RawHeader): RawAdtRecord["header"] {
  const header: RawAdtRecord["header"] = {};
  const sendingApplication = hd(h.sendingApplication, h);
  const sendingFacility = hd(h.sendingFacility, h);
  if (sendingApplication !== "") header.sendingApplication = sendingApplication;
  if (sendingFacility !== "") header.sendingFacility = sendingFacility;
  if (h.controlId !== "") header.controlId = h.controlId;
  if (h.messageType !== "") header.messageType = h.messageType;
  if (h.version !== "") header.hl7Version = h.version;
  return header;
}
