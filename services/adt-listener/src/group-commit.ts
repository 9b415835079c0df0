import { type EventLog, MAX_RECORD_BYTES, type OutgoingRecord, recordBytes } from "@homeward/kafka";
import type { DuplicateStore } from "./duplicates.ts";

/** Records to write together; with a `dedupeKey`, skipped when that key was already written. */
export interface CommitRequest {
  records: readonly OutgoingRecord[];
  dedupeKey?: string;
}

export type CommitOutcome = "written" | "duplicate";

interface Pending extends CommitRequest {
  bytes: number;
  resolve: (outcome: CommitOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: every request that arrives while a write is in flight goes out together in the
 * next one, so many connections share one duplicate lookup (one Redis round trip) and one acks=all
 * Kafka write, and durability does not cap throughput. Requests are written in the order they
 * were submitted, which keeps each connection's (and so each patient's) messages in order.
 *
 * A write holds at most `maxBytesPerWrite` (keys, values, headers), so that however the records
 * share partitions no partition's batch is over what a topic takes (`MAX_RECORD_BYTES`): a large
 * message's request goes alone, and small ones are never written with it, nor refused with it.
 */
export class GroupCommitter {
  #pending: Pending[] = [];
  #flushing = false;

  constructor(
    private readonly log: EventLog,
    private readonly duplicates: DuplicateStore,
    private readonly onDuplicateStoreError: (err: unknown) => void,
    private readonly maxRecordsPerWrite = 2_000,
    private readonly maxBytesPerWrite = MAX_RECORD_BYTES,
  ) {}

  /** Resolves once the records are durable on Kafka (or known to be there already); rejects if the write failed. */
  submit(request: CommitRequest): Promise<CommitOutcome> {
    return new Promise((resolve, reject) => {
      const bytes = request.records.reduce((n, r) => n + recordBytes(r), 0);
      this.#pending.push({ ...request, bytes, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#pending.length > 0) await this.#writeGroup(this.#takeGroup());
    } finally {
      this.#flushing = false;
    }
  }

  #takeGroup(): Pending[] {
    const group: Pending[] = [];
    let count = 0;
    let bytes = 0;
    for (const next of this.#pending) {
      const fits = count < this.maxRecordsPerWrite && bytes + next.bytes <= this.maxBytesPerWrite;
      if (group.length > 0 && !fits) break;
      group.push(next);
      count += next.records.length;
      bytes += next.bytes;
    }
    this.#pending.splice(0, group.length);
    return group;
  }

  async #writeGroup(group: Pending[]): Promise<void> {
    const keys = group.flatMap((p) => (p.dedupeKey === undefined ? [] : [p.dedupeKey]));
    // A failed lookup writes everything: a possible duplicate on Kafka (consumers dedupe by event
    // id) is better than refusing the hospital's messages because Redis is away.
    const seen = new Set<string>();
    if (keys.length > 0) {
      try {
        const found = await this.duplicates.seenMany(keys);
        for (const [i, k] of keys.entries()) if (found[i]) seen.add(k);
      } catch (err) {
        this.onDuplicateStoreError(err);
      }
    }
    const duplicate = (p: Pending) => p.dedupeKey !== undefined && seen.has(p.dedupeKey);
    const fresh = group.filter((p) => !duplicate(p));
    try {
      await this.log.publish(fresh.flatMap((p) => p.records));
    } catch (err) {
      for (const p of group) duplicate(p) ? p.resolve("duplicate") : p.reject(err);
      return;
    }
    // Durable now: the senders get their ACKs without waiting for Redis. The next group's lookup
    // still waits for these keys to be remembered (groups are written one after another), so a
    // resend that arrives after its ACK is found there.
    for (const p of group) p.resolve(duplicate(p) ? "duplicate" : "written");
    const written = fresh.flatMap((p) => (p.dedupeKey === undefined ? [] : [p.dedupeKey]));
    if (written.length > 0) await this.duplicates.rememberMany(written).catch(this.onDuplicateStoreError);
  }
}
