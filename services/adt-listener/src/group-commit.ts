import type { EventLog, OutgoingRecord } from "@homeward/kafka";

interface Pending {
  records: readonly OutgoingRecord[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: every caller's records that arrive while a Kafka write is in flight go out together
 * in the next write, so many connections share one acks=all round trip and durability does not cap
 * throughput. Order is kept: records are written in the order `publish` was called.
 */
export class GroupCommitter {
  #pending: Pending[] = [];
  #flushing = false;

  constructor(
    private readonly log: EventLog,
    private readonly maxRecordsPerWrite = 2_000,
  ) {}

  /** Resolves when these records are durable on Kafka, rejects if their write failed. */
  publish(records: readonly OutgoingRecord[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ records, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  /** Callers waiting for a write (for /metrics and shutdown). */
  get waiting(): number {
    return this.#pending.length;
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#pending.length > 0) {
        const group: Pending[] = [];
        let count = 0;
        while (this.#pending.length > 0 && (group.length === 0 || count < this.maxRecordsPerWrite)) {
          const next = this.#pending.shift() as Pending;
          group.push(next);
          count += next.records.length;
        }
        try {
          await this.log.publish(group.flatMap((p) => p.records));
          for (const p of group) p.resolve();
        } catch (err) {
          for (const p of group) p.reject(err);
        }
      }
    } finally {
      this.#flushing = false;
    }
  }
}
