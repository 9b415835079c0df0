import type { Logger } from "@homeward/logger";

export interface FaultLogOptions {
  logger: Logger;
  /** One summary line per source per interval. */
  intervalMs: number;
  /** Sources tracked at once; faults from further sources share one entry (`other sources`). */
  maxSources?: number;
}

interface SourceEntry {
  /** Faults since the last line, by kind. */
  counts: Map<string, number>;
}

const OTHER_SOURCES = "(other sources)";

/**
 * Warnings about what peers do wrong (framing errors, refused connections, frames past their
 * deadline), at most one line per source per interval. The first fault from a quiet source is
 * logged at once, with its context; further faults from it are counted and logged as one line per
 * interval (`faults: { kind: count }`) until an interval passes without any. A peer sending
 * garbage as fast as it can costs a line a minute, not a line per byte run. Context must hold ids
 * and counts, never message bytes.
 */
export class FaultLog {
  readonly #sources = new Map<string, SourceEntry>();
  readonly #timer: NodeJS.Timeout;
  readonly #maxSources: number;

  constructor(private readonly options: FaultLogOptions) {
    this.#maxSources = options.maxSources ?? 1024;
    this.#timer = setInterval(() => this.flush(), options.intervalMs);
    this.#timer.unref();
  }

  /** Notes one fault from `source` (a remote address); logs it now if the source was quiet. */
  report(source: string, kind: string, context: Record<string, unknown>, message: string): void {
    const key = this.#sources.has(source) || this.#sources.size < this.#maxSources ? source : OTHER_SOURCES;
    const entry = this.#sources.get(key);
    if (entry === undefined) {
      this.#sources.set(key, { counts: new Map() });
      this.options.logger.warn({ remoteAddress: source, fault: kind, ...context }, message);
      return;
    }
    entry.counts.set(kind, (entry.counts.get(kind) ?? 0) + 1);
  }

  /** Writes one line per source with faults since the last flush; forgets sources that had none. */
  flush(): void {
    for (const [source, entry] of this.#sources) {
      if (entry.counts.size === 0) {
        this.#sources.delete(source);
        continue;
      }
      const faults = Object.fromEntries(entry.counts);
      this.options.logger.warn(
        { remoteAddress: source, faults, intervalMs: this.options.intervalMs },
        "repeated MLLP faults from one source",
      );
      entry.counts.clear();
    }
  }

  /** Logs what is pending and stops the timer. */
  close(): void {
    clearInterval(this.#timer);
    this.flush();
  }
}
