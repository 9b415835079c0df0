import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { FacilityMapping, FacilityMappingLookup } from "@homeward/contracts";
import {
  bufferEncodingOf,
  DEFAULT_HL7_LIMITS,
  detectHl7Charset,
  extractRawHeader,
  type Hl7Charset,
  type Hl7Error,
  type Hl7Limits,
  headerOf,
  type NormalizeResult,
  normalizeAdt,
  parseHl7,
  type RawHeader,
} from "@homeward/hl7";

/**
 * What one message's bytes say, as plain data: what `Ingest` decides on, and what a worker thread
 * can hand back. `normalized` is the event for the facility mapping the header names (undefined
 * when none does); `text` only when read on the calling thread (copying it back would cost more
 * than it serves: a NAK never needs it once the header is known).
 */
export type MessageRead =
  | {
      readonly ok: true;
      readonly declaredCharset: string;
      readonly header: RawHeader;
      /** MSH-12.1, MSH-11.1 and MSH-10, unescaped. */
      readonly version: string;
      readonly processingId: string;
      readonly controlId: string;
      readonly normalized: NormalizeResult | undefined;
      readonly text?: string;
    }
  | {
      readonly ok: false;
      readonly declaredCharset: string;
      readonly header: RawHeader | undefined;
      readonly error: Hl7Error;
      /** Not the message's fault (every worker busy): the sender should resend, nothing is kept. */
      readonly transient?: true;
      readonly text?: string;
    };

export interface ReadOptions {
  readonly lookupMapping: FacilityMappingLookup;
  readonly limits: Hl7Limits;
  readonly receivedAt: Date;
}

/** The facility mapping spells charsets as HL7 table 0211 does; the decoder by their common names. */
const CHARSET_OF_0211: Record<string, Hl7Charset> = {
  "UNICODE UTF-8": "UTF-8",
  "8859/1": "ISO-8859-1",
  ASCII: "ASCII",
};

/** HD-1 (namespace id), or HD-2 when HD-1 is empty, of a raw MSH-3/MSH-4 value. */
function hd(raw: string, header: Pick<RawHeader, "delimiters">): string {
  const c = header.delimiters.component;
  const first = raw.indexOf(c);
  if (first === -1) return raw;
  if (first > 0) return raw.slice(0, first);
  const second = raw.indexOf(c, first + 1);
  return raw.slice(first + 1, second === -1 ? raw.length : second);
}

/**
 * Bytes to `MessageRead`: charset (MSH-18, else the facility's default), parse within `limits`,
 * header, and the normalized event. Pure and synchronous; the listener runs it on its own thread for
 * small frames and in a `ParsePool` worker for large ones, so both answer alike.
 */
export function readMessage(bytes: Buffer, options: ReadOptions): MessageRead {
  const peek = extractRawHeader(bytes.toString("latin1", 0, Math.min(bytes.length, HEADER_PEEK_BYTES)));
  const mapping =
    peek === undefined
      ? undefined
      : options.lookupMapping(hd(peek.sendingFacility, peek), hd(peek.sendingApplication, peek));
  const charset = detectHl7Charset(bytes, CHARSET_OF_0211[mapping?.defaultCharset ?? ""] ?? "UTF-8");
  const text = bytes.toString(bufferEncodingOf(charset.charset));
  const declaredCharset = charset.declared;

  const parsed = parseHl7(text, { limits: options.limits });
  if (!parsed.ok)
    return { ok: false, declaredCharset, header: extractRawHeader(text), error: parsed.error, text };
  const message = parsed.message;
  const header = headerOf(message);
  const facilityMapping = options.lookupMapping(
    hd(header.sendingFacility, header),
    hd(header.sendingApplication, header),
  );
  return {
    ok: true,
    declaredCharset,
    header,
    version: message.get("MSH-12.1"),
    processingId: message.get("MSH-11.1"),
    controlId: message.controlId,
    normalized:
      facilityMapping === undefined
        ? undefined
        : normalizeAdt(message, facilityMapping, { receivedAt: options.receivedAt.toISOString() }),
    text,
  };
}

/** The MSH line is near the start; a peek need not decode a 4 MB message to find the facility. */
const HEADER_PEEK_BYTES = 64 * 1024;

export interface ParsePoolOptions {
  /** The facility mappings `Ingest` looks up (each worker indexes its own copy). */
  readonly mappings: readonly FacilityMapping[];
  readonly limits?: Hl7Limits;
  /** Worker threads (at least 1). */
  readonly threads: number;
  /** Frames waiting for a worker beyond this are answered AR (resend later) at once. */
  readonly maxQueue: number;
  /** Messages of at least this many bytes are read in a worker; smaller ones on the caller's thread. */
  readonly minBytes: number;
  /** A read that takes longer is abandoned (its worker replaced) and answered AE 207. */
  readonly timeoutMs: number;
}

/** How long a slot whose worker died while idle waits before starting another. */
const RESTART_PAUSE_MS = 1_000;

/** What the pool sends a worker at start (`workerData`). */
export interface ParseWorkerData {
  readonly mappings: readonly FacilityMapping[];
  readonly limits: Hl7Limits;
}

interface Task {
  readonly bytes: Buffer;
  readonly receivedAt: Date;
  readonly resolve: (read: MessageRead) => void;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Its worker died while idle and a new one starts after a pause (a worker that cannot even start must not be restarted in a tight loop). */
  down: boolean;
}

/**
 * A few worker threads that read large messages, so that one hostile or merely big message (4 MB
 * of repetitions) cannot hold the event loop that answers every other connection. Hand-written
 * rather than piscina or tinypool: what it must do beyond a pool is this listener's own (a deadline
 * per message that replaces a stuck worker and answers the message AE, an answer rather than an
 * exception when the queue is full, workers that load the TypeScript sources under tsx), and that
 * is most of its 150 lines. Reads are answered in the order each connection staged them because the
 * caller awaits each before staging the next.
 */
export class ParsePool {
  readonly minBytes: number;
  readonly #options: ParsePoolOptions;
  /** The mappings new workers start with: the options' until `setMappings`. */
  #mappings: readonly FacilityMapping[];
  readonly #slots: Slot[] = [];
  readonly #queue: Task[] = [];
  #closed = false;

  constructor(options: ParsePoolOptions) {
    this.#options = options;
    this.#mappings = options.mappings;
    this.minBytes = options.minBytes;
    for (let i = 0; i < Math.max(1, options.threads); i++) this.#slots.push(this.#spawn());
  }

  /** Whether `bytes` is large enough to be read here rather than on the caller's thread. */
  wants(bytes: Buffer): boolean {
    return bytes.length >= this.minBytes;
  }

  /** Reads one message in a worker; never rejects (a full queue or a timeout is an answer). */
  read(bytes: Buffer, receivedAt: Date): Promise<MessageRead> {
    return new Promise((resolve) => {
      if (this.#closed || this.#queue.length >= this.#options.maxQueue) {
        resolve(failed(bytes, { code: "207", text: "Listener busy; please resend" }, true));
        return;
      }
      this.#queue.push({ bytes, receivedAt, resolve });
      this.#next();
    });
  }

  /**
   * Puts new facility mappings in force in every worker (and those started later). A worker reads
   * its messages in order, so every message posted after this is read with the new mappings.
   */
  setMappings(mappings: readonly FacilityMapping[]): void {
    this.#mappings = mappings;
    for (const slot of this.#slots) slot.worker.postMessage({ mappings });
  }

  /** Stops the workers; queued reads are answered AR (resend later). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const task of this.#queue.splice(0))
      task.resolve(failed(task.bytes, { code: "207", text: "Listener stopping; please resend" }, true));
    await Promise.all(
      this.#slots.map(async (slot) => {
        clearTimeout(slot.timer);
        slot.task?.resolve(
          failed(slot.task.bytes, { code: "207", text: "Listener stopping; please resend" }, true),
        );
        slot.task = undefined;
        await slot.worker.terminate();
      }),
    );
  }

  #next(): void {
    for (const slot of this.#slots) {
      if (slot.task !== undefined || slot.down) continue;
      const task = this.#queue.shift();
      if (task === undefined) return;
      slot.task = task;
      slot.timer = setTimeout(() => this.#abandon(slot), this.#options.timeoutMs);
      slot.worker.postMessage({ bytes: task.bytes, receivedAt: task.receivedAt.getTime() });
    }
  }

  /** The worker's answer to its current task. */
  #settle(slot: Slot, read: MessageRead): void {
    clearTimeout(slot.timer);
    const task = slot.task;
    slot.task = undefined;
    task?.resolve(read);
    this.#next();
  }

  /** A read past its deadline or a worker that died: answer the message AE, replace the worker. */
  #abandon(slot: Slot, reason = `Message could not be read within ${this.#options.timeoutMs} ms`): void {
    const task = slot.task;
    slot.task = undefined;
    clearTimeout(slot.timer);
    const old = slot.worker;
    old.removeAllListeners();
    void old.terminate();
    if (task !== undefined) {
      if (!this.#closed) this.#spawn(slot);
      task.resolve(failed(task.bytes, { code: "207", text: reason }));
    } else if (!this.#closed) {
      slot.down = true;
      setTimeout(() => {
        if (this.#closed) return;
        this.#spawn(slot);
        slot.down = false;
        this.#next();
      }, RESTART_PAUSE_MS).unref();
    }
    this.#next();
  }

  /** A slot with a fresh worker (`slot`'s worker replaced, when given). */
  #spawn(
    slot: Slot = { worker: undefined as unknown as Worker, task: undefined, timer: undefined, down: false },
  ): Slot {
    const worker = startWorker({
      mappings: this.#mappings,
      limits: this.#options.limits ?? DEFAULT_HL7_LIMITS,
    });
    slot.worker = worker;
    worker.unref();
    worker.on("message", (read: MessageRead) => this.#settle(slot, read));
    worker.on("error", () => this.#abandon(slot, "Message could not be read"));
    worker.on("exit", () => {
      if (!this.#closed && slot.worker === worker) this.#abandon(slot, "Message could not be read");
    });
    return slot;
  }
}

/** A read that failed before or outside parsing: the header from a peek, so the NAK names the message. */
function failed(bytes: Buffer, error: Hl7Error, transient = false): MessageRead {
  const header = extractRawHeader(bytes.toString("latin1", 0, Math.min(bytes.length, HEADER_PEEK_BYTES)));
  return {
    ok: false,
    declaredCharset: "",
    header,
    error,
    ...(transient ? { transient: true as const } : {}),
  };
}

/**
 * Starts parse-worker next to this file: the built `.js` as it is, the `.ts` source (dev, tests)
 * with tsx's loader registered first, since worker threads do not inherit `--import tsx`.
 */
function startWorker(data: ParseWorkerData): Worker {
  const self = import.meta.url;
  if (!self.endsWith(".ts")) return new Worker(new URL("./parse-worker.js", self), { workerData: data });
  const require = createRequire(self);
  const tsxPackage = require.resolve("tsx/package.json");
  const api: string = require("tsx/package.json").exports["./esm/api"].import.default;
  const register = new URL(api, pathToFileURL(tsxPackage)).href;
  const entry = new URL("./parse-worker.ts", self).href;
  const boot = `const { register } = await import(${JSON.stringify(register)}); register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
    workerData: data,
    execArgv: ["--conditions=source"],
  });
}
