import { type AdtEvent, adtEventPartitionKey, type FacilityMappingLookup } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import { type ClaimedResend, claimFeedResends, recordFeedResend } from "@homeward/facilities";
import type { Hl7Limits } from "@homeward/hl7";
import type { EventLog, Kafka } from "@homeward/kafka";
import type { Logger } from "@homeward/logger";
import type { Ingest } from "./ingest.ts";
import { readMessage } from "./parse-pool.ts";
import { findRawRecord } from "./raw-lookup.ts";
import type { AdmissionCheck } from "./sending-application.ts";

export interface FeedResenderOptions {
  pool: Pool;
  /** The listener's own pipeline: a refused message sent again is stored exactly as a new one. */
  ingest: Ingest;
  admitApplication: AdmissionCheck;
  lookupMapping: FacilityMappingLookup;
  limits: Hl7Limits;
  kafka: Kafka;
  eventLog: EventLog;
  topics: { raw: string; events: string };
  /** Consumer groups of the raw lookups start with this. */
  groupPrefix: string;
  now: () => Date;
  logger: Logger;
}

/** A request taken by a listener that stopped is taken over after this. */
const CLAIM_STALE_SECONDS = 300;

/**
 * "Resend to matcher after fixing the mapping": works the requests analysts make on the exceptions
 * browser, with the facility mappings in force now.
 * - A refused message (adt.rejected.v1) is read again first; if it still would be refused, the
 *   request fails with why (nothing written, no second exception). Otherwise it goes through the
 *   listener's Ingest as if the hospital had sent it again: raw copy and event on Kafka, duplicate
 *   check, so a message the hospital also resent lands once.
 * - An unmatched event is re-normalized from its raw message (found on adt.raw.v1) and published
 *   to adt.events.v1 again, same event id, header `homeward-resend`: the matcher had matched it to
 *   no one, so it routes it afresh.
 */
export class FeedResender {
  #running: Promise<number> | undefined;
  #again = false;

  constructor(private readonly options: FeedResenderOptions) {}

  /** Works every pending request (one run at a time; a call during a run makes it look again). */
  runPending(): Promise<number> {
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      let done = 0;
      do {
        this.#again = false;
        const claimed = await claimFeedResends(this.options.pool, {
          now: this.options.now(),
          limit: 20,
          staleSeconds: CLAIM_STALE_SECONDS,
        });
        for (const claim of claimed) {
          const outcome = await this.#resend(claim).catch((err: unknown) => {
            this.options.logger.error({ err, exceptionId: claim.id }, "resend failed");
            return { error: "the listener could not send it; try again" };
          });
          await recordFeedResend(this.options.pool, claim.id, { at: this.options.now(), ...outcome });
          done++;
        }
        if (claimed.length === 20) this.#again = true;
      } while (this.#again);
      return done;
    })().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #resend(claim: ClaimedResend): Promise<{ eventId: string } | { error: string }> {
    if (claim.kind === "rejected") {
      if (claim.raw === null) return { error: "the message was not kept" };
      return this.#resendRefused(Buffer.from(claim.raw.base64, "base64"), claim);
    }
    if (claim.event === null) return { error: "the event was not kept" };
    const raw = await findRawRecord(this.options.kafka, {
      topic: this.options.topics.raw,
      eventId: claim.event.eventId,
      receivedAt: new Date(claim.event.receivedAt ?? claim.receivedAt),
      groupPrefix: this.options.groupPrefix,
      logger: this.options.logger,
    });
    if (raw === undefined) return { error: "the raw message is no longer on adt.raw.v1" };
    const bytes = Buffer.from(raw.message.base64, "base64");
    const read = this.#read(bytes, new Date(raw.receivedAt));
    if (read.event === undefined) return { error: read.error };
    const event = read.event;
    await this.options.eventLog.publish([
      {
        topic: this.options.topics.events,
        key: adtEventPartitionKey(event),
        value: JSON.stringify(event),
        headers: {
          "content-type": "application/json",
          "event-id": event.eventId,
          "homeward-resend": claim.id,
        },
      },
    ]);
    return { eventId: event.eventId };
  }

  async #resendRefused(
    bytes: Buffer,
    claim: ClaimedResend,
  ): Promise<{ eventId: string } | { error: string }> {
    const refusal = this.options.admitApplication(bytes);
    if (refusal !== undefined) return { error: refusal.error.text };
    const read = this.#read(bytes, claim.receivedAt);
    if (read.event === undefined) return { error: read.error };
    const staged = await this.options.ingest.stage({
      bytes,
      connection: {
        listenerId: "resend",
        remoteAddress: "",
        remotePort: 0,
        tls: false,
        connectionId: `resend-${claim.id}`,
      },
      receivedAt: claim.receivedAt,
    });
    const result = await staged.result;
    if (result.outcome === "accepted" || result.outcome === "duplicate")
      return { eventId: read.event.eventId };
    return { error: result.error?.text ?? `not stored (${result.outcome})` };
  }

  /** The message normalized with the mappings in force, or why it still cannot be. */
  #read(
    bytes: Buffer,
    receivedAt: Date,
  ): { event: AdtEvent; error?: never } | { event?: never; error: string } {
    const read = readMessage(bytes, {
      lookupMapping: this.options.lookupMapping,
      limits: this.options.limits,
      receivedAt,
    });
    if (!read.ok) return { error: read.error.text };
    if (read.normalized === undefined) {
      const facility = read.header.sendingFacility.split(read.header.delimiters.component)[0] ?? "";
      return { error: `facility ${facility} is not configured (or not active) in Homeward` };
    }
    if (!read.normalized.ok) return { error: read.normalized.error.text };
    return { event: read.normalized.event };
  }
}
