import { z } from "zod";
import { IsoDateTime, Text } from "./common.ts";
import { ADT_EVENT_ID_PATTERN } from "./event-id.ts";
import { Hl7ErrorDetail } from "./hl7-error.ts";

/** The connection a message arrived on. Addresses are the hospital's interface engine, not PHI. */
export const ConnectionInfo = z.object({
  /** Which listener (port / TLS profile) took it, from the listener's configuration. */
  listenerId: Text,
  /** Peer IP address as Node reports it (IPv4, or IPv6 possibly IPv4-mapped). */
  remoteAddress: Text,
  /** Peer TCP port. */
  remotePort: z.number().int().min(0).max(65535),
  /** Whether the connection was TLS. */
  tls: z.boolean(),
  /** Subject of a verified TLS client certificate, when one was presented. */
  clientCertificateSubject: Text.optional(),
  /** SHA-256 fingerprint of that certificate. */
  clientCertificateFingerprint: Text.optional(),
  /** Identifies the connection within the listener's life (ordering and debugging). */
  connectionId: Text.optional(),
});
export type ConnectionInfo = z.infer<typeof ConnectionInfo>;

/**
 * Exactly the bytes of one message (one MLLP frame's payload, or one message split from a batch),
 * base64 so no character-set guess can damage them, and replay re-reads them as the hospital sent them.
 */
export const RawMessage = z.object({
  /** The message bytes, base64. */
  base64: z.base64(),
  /** Character set used to decode them (MSH-18, else the facility default), e.g. `UNICODE UTF-8`. */
  charset: Text.optional(),
  /** Which batch it was split from (BHS-11 batch control id), if any. */
  batchControlId: Text.optional(),
});
export type RawMessage = z.infer<typeof RawMessage>;

/** The header facts that could be read, even from a message that was then refused. */
export const RawMessageHeader = z.object({
  /** MSH-3 (HD-1, or HD-2). */
  sendingApplication: Text.optional(),
  /** MSH-4 (HD-1, or HD-2). */
  sendingFacility: Text.optional(),
  /** MSH-10. */
  controlId: Text.optional(),
  /** MSH-9 as sent, e.g. `ADT^A01^ADT_A01`. */
  messageType: Text.optional(),
  /** MSH-12.1. */
  hl7Version: Text.optional(),
});
export type RawMessageHeader = z.infer<typeof RawMessageHeader>;

/** What every record of a received message carries, whether it was taken or refused. */
const ReceivedMessage = z.object({
  schemaVersion: z.literal(1),
  /** When the last byte of the frame arrived at the listener. */
  receivedAt: IsoDateTime,
  connection: ConnectionInfo,
  message: RawMessage,
  header: RawMessageHeader,
});

/**
 * Kafka topic `adt.raw.v1`: every message taken in, written before the ACK. The source of truth for
 * `replay`; the normalized event can always be rebuilt from it.
 */
export const RawAdtRecord = ReceivedMessage.extend({
  /** The `AdtEvent.eventId` published for it, when normalization succeeded. */
  eventId: z.string().regex(ADT_EVENT_ID_PATTERN).optional(),
}).meta({
  title: "RawAdtRecord v1",
  description: "An HL7 v2 message exactly as received, with its connection, on the Kafka topic adt.raw.v1.",
});
export type RawAdtRecord = z.infer<typeof RawAdtRecord>;

/**
 * Kafka topic `adt.rejected.v1`: a message answered `AE`/`AR` (or `CE`/`CR`), kept with why, so an
 * interface analyst can fix the feed or the mapping and replay it.
 */
export const RejectedAdtRecord = ReceivedMessage.extend({
  /** When the listener decided to refuse it. */
  rejectedAt: IsoDateTime,
  /** The acknowledgment code sent back (MSA-1). */
  ackCode: z.enum(["AE", "AR", "CE", "CR"]),
  /** One line for people: what was wrong, without patient data. */
  reason: z.string().min(1),
  /** The ERR content sent back: table 0357 code, text, location. */
  error: Hl7ErrorDetail,
  /**
   * The message's full size in bytes, set when `message` keeps only its first bytes: a message too
   * large to store whole (its control id and header are still here).
   */
  truncatedFrom: z.number().int().positive().optional(),
}).meta({
  title: "RejectedAdtRecord v1",
  description: "An HL7 v2 message the listener refused, with the reason, on the Kafka topic adt.rejected.v1.",
});
export type RejectedAdtRecord = z.infer<typeof RejectedAdtRecord>;
