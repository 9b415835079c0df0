import type { EventLog, OutgoingRecord } from "@homeward/kafka";
import type { DuplicateStore } from "./duplicates.ts";

/** Records to write together; with a `dedupeKey`, skipped when that key was already written. */
export interface CommitRequest {
  records: readonly OutgoingRecord[];
  dedupeKey?: string;
}

export type CommitOutcome = "written" | "duplicate";

interface Pending extends CommitRequest {
  resolve: (outcome: CommitOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: every request that arrives while a write is in flight goes out together in the
 * next one, so many connections share one duplicate lookup (one Redis round trip) and one acks=all
 * Kafka write, and durability does not cap throughput. Requests are written in the order they
 * were submitted, which keeps each connection's (and so each patient's) messages in order.
 */
export class GroupCommitter {
  #pending: Pending[] = [];
  #flushing = false;

  constructor(
    private readonly log: EventLog,
    private readonly duplicates: DuplicateStore,
    private readonly onDuplicateStoreError: (err: unknown) => void,
    private readonly maxRecordsPerWrite = 2_000,
  ) {}

  /** Resolves once the records are durable on Kafka (or known to be there already); rejects if the write failed. */
  submit(request: CommitRequest): Promise<CommitOutcome> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ ...request, resolve, reject });
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
    while (this.#pending.length > 0 && (group.length === 0 || count < this.maxRecordsPerWrite)) {
      const next = this.#pending.shift() as Pending;
      group.push(next);
      count += next.records.length;
    }
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
