import type { Socket } from "node:net";
import type { ConnectionInfo } from "@homeward/contracts";
import {
  buildNak,
  encodeMllp,
  MLLP_END_BLOCK,
  MLLP_START_BLOCK,
  type MllpDecodeEvent,
  MllpDecoder,
} from "@homeward/hl7";
import type { Logger } from "@homeward/logger";
import type { FaultLog } from "./fault-log.ts";
import type { StagedFrame } from "./frame-handler.ts";
import type { ListenerMetrics } from "./listener-metrics.ts";

/** What every connection of one listener shares. */
export interface MllpConnectionOptions {
  maxFrameBytes: number;
  /** Close after this long without a frame, a framing event or an answer (bytes that make nothing do not count). */
  idleTimeoutMs: number;
  /** A started frame must end within this, however slowly its bytes come. */
  frameDeadlineMs: number;
  /** Close after this many framing errors in a row (no good frame between them). */
  maxFramingErrors: number;
  /** Queues a frame's messages for Kafka (resolving once queued); `done` settles with the answer. */
  stageFrame: (payload: Buffer, connection: ConnectionInfo, receivedAt: Date) => Promise<StagedFrame>;
  now: () => Date;
  newControlId: () => string;
  logger: Logger;
  metrics: ListenerMetrics;
  faults: FaultLog;
}

/** Above this many unanswered frames on one connection, stop reading from it until it drains. */
const HIGH_WATER = 512;
/** After our FIN, how long a peer may take to close its side before the socket is destroyed. */
const CLOSE_GRACE_MS = 5_000;

type FramingFault = Extract<MllpDecodeEvent, { type: "error" }>;

/**
 * One MLLP connection: its own frame decoder, its frames processed as they come while their answers
 * leave in arrival order (a sender that pipelines gets group-committed writes and in-order ACKs),
 * and its hygiene: an idle timeout, a deadline for each started frame, one NAK per run of framing
 * errors and a close after `maxFramingErrors` of them in a row.
 */
export class MllpConnection {
  readonly #decoder: MllpDecoder;
  #staging: Promise<unknown> = Promise.resolve();
  #writing: Promise<void> = Promise.resolve();
  #unanswered = 0;
  /** Framing errors since the last good frame, and whether this run has had its NAK. */
  #faultsInRow = 0;
  #runAnswered = false;
  readonly #idle: NodeJS.Timeout;
  #frameDeadline: NodeJS.Timeout | undefined;
  /** No more reading: the listener is stopping, or this connection is being closed. */
  #stopped = false;
  #closing = false;

  constructor(
    readonly socket: Socket,
    readonly info: ConnectionInfo,
    private readonly options: MllpConnectionOptions,
  ) {
    this.#decoder = new MllpDecoder({ maxFrameBytes: options.maxFrameBytes });
    // Request/response: Nagle's algorithm would hold an ACK back until the sender's TCP stack
    // acknowledges the previous one, which it may delay by tens of milliseconds.
    socket.setNoDelay(true);
    this.#idle = setTimeout(() => this.#onIdle(), options.idleTimeoutMs);
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("error", (err: NodeJS.ErrnoException) =>
      options.faults.report(
        info.remoteAddress,
        "socket-error",
        { connectionId: info.connectionId, code: err.code ?? err.name },
        "MLLP socket error",
      ),
    );
    socket.on("end", () => {
      // The sender half-closed: answer what it sent, then close our side.
      void this.#writing.then(() => socket.end());
    });
    socket.on("close", () => {
      clearTimeout(this.#idle);
      clearTimeout(this.#frameDeadline);
    });
  }

  /** Resolves once every frame read so far has been answered. */
  drained(): Promise<void> {
    return this.#writing;
  }

  /** Reads nothing more (the listener is stopping); frames already read still get their answers. */
  stopReading(): void {
    this.#stopped = true;
    this.socket.pause();
  }

  #onData(chunk: Buffer): void {
    if (this.#closing) return;
    this.options.metrics.bytesReceived.inc({ listener: this.info.listenerId }, chunk.length);
    this.#trackFrameStart(chunk);
    for (const event of this.#decoder.push(chunk)) {
      this.#idle.refresh();
      if (event.type === "frame") this.#onFrame(event.payload);
      else this.#onFramingFault(event);
      if (this.#closing) return;
    }
  }

  #onFrame(payload: Buffer): void {
    this.#faultsInRow = 0;
    this.#runAnswered = false;
    const startedAt = performance.now();
    const receivedAt = this.options.now();
    // Stage in arrival order; the answer waits for durability, also in arrival order. This is where
    // a frame's messages go to Ingest (stageFrame → frame-handler.ts).
    const staged = this.#staging.then(() => this.options.stageFrame(payload, this.info, receivedAt));
    this.#staging = staged.catch(() => {});
    this.#answer(async () => (await (await staged).done).response, startedAt);
  }

  /**
   * One NAK per run of framing errors (the first that calls for one: an unframed message or a bad
   * end block), not one per fault: random bytes must not buy hundreds of answers. A frame over the
   * size limit is a whole message refused, so it is always answered.
   */
  #onFramingFault(event: FramingFault): void {
    const { metrics, faults, maxFrameBytes, maxFramingErrors } = this.options;
    const startedAt = performance.now();
    metrics.framingErrors.inc({ listener: this.info.listenerId, reason: event.reason });
    faults.report(
      this.info.remoteAddress,
      event.reason,
      { connectionId: this.info.connectionId, bytes: event.discardedBytes },
      "MLLP framing error",
    );
    this.#faultsInRow++;
    if (event.reason === "frame-too-large") {
      this.#runAnswered = true;
      // Final: this listener will never take it, so the sender must not resend it (AR would make
      // the interface engine retry it for ever and hold up the feed behind it).
      this.#answer(
        async () =>
          this.#nak(
            `Message exceeds ${maxFrameBytes} bytes, the most this listener takes; do not resend it`,
            "AE",
          ),
        startedAt,
      );
    } else if (
      !this.#runAnswered &&
      (event.reason === "missing-start-block" || event.reason === "invalid-end-block")
    ) {
      this.#runAnswered = true;
      this.#answer(async () => this.#nak("Message was not framed as MLLP (0x0B … 0x1C 0x0D)"), startedAt);
    }
    if (this.#faultsInRow >= maxFramingErrors) this.#closeForFault("framing-errors");
  }

  /**
   * Frame deadline: armed when a frame starts (its last 0x0B comes after its last 0x1C in the
   * chunk), cleared when one ends. The idle timer alone would let a sender hold a connection by
   * trickling a byte at a time into a frame that never ends.
   */
  #trackFrameStart(chunk: Buffer): void {
    const start = chunk.lastIndexOf(MLLP_START_BLOCK);
    const end = chunk.lastIndexOf(MLLP_END_BLOCK);
    if (start === -1 && end === -1) return;
    clearTimeout(this.#frameDeadline);
    this.#frameDeadline =
      start > end ? setTimeout(() => this.#onFrameDeadline(), this.options.frameDeadlineMs) : undefined;
  }

  #onFrameDeadline(): void {
    this.#frameDeadline = undefined;
    this.options.metrics.framingErrors.inc({ listener: this.info.listenerId, reason: "frame-deadline" });
    this.options.faults.report(
      this.info.remoteAddress,
      "frame-deadline",
      { connectionId: this.info.connectionId, deadlineMs: this.options.frameDeadlineMs },
      "MLLP frame not completed in time",
    );
    this.#closeForFault("frame-deadline");
  }

  #onIdle(): void {
    if (this.#closing) return;
    // A frame in progress has its own deadline; a frame being stored gets its answer first.
    if (this.#frameDeadline !== undefined || this.#unanswered > 0) {
      this.#idle.refresh();
      return;
    }
    this.options.logger.info({ connectionId: this.info.connectionId }, "idle MLLP connection closed");
    this.options.metrics.closedConnections.inc({ listener: this.info.listenerId, reason: "idle" });
    this.#close();
  }

  #closeForFault(reason: "framing-errors" | "frame-deadline"): void {
    this.options.metrics.closedConnections.inc({ listener: this.info.listenerId, reason });
    this.options.faults.report(
      this.info.remoteAddress,
      `closed:${reason}`,
      { connectionId: this.info.connectionId },
      "MLLP connection closed for faults",
    );
    this.#close();
  }

  /** Reads nothing more, answers what was read, then ends; destroys a peer that does not close in time. */
  #close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#stopped = true;
    clearTimeout(this.#frameDeadline);
    this.#frameDeadline = undefined;
    this.socket.pause();
    void this.#writing.then(() => {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
    });
  }

  #answer(produce: () => Promise<Buffer | undefined>, startedAt: number): void {
    const { socket } = this;
    this.#unanswered++;
    if (this.#unanswered >= HIGH_WATER) socket.pause();
    this.#writing = this.#writing.then(async () => {
      let out: Buffer | undefined;
      try {
        out = await produce();
      } catch (err) {
        // Only a bug gets here (errors are values in Ingest); answer AR so nothing is lost.
        this.options.logger.error({ err, connectionId: this.info.connectionId }, "frame handling failed");
        out = this.#nak("Internal error; please resend");
      }
      if (out !== undefined && !socket.destroyed) {
        // A group commit settles many of a connection's messages at once: their ACKs leave in one
        // write (one syscall) when the current batch of callbacks is done, not one write each.
        if (socket.writableCorked === 0) {
          socket.cork();
          process.nextTick(() => socket.uncork());
        }
        socket.write(encodeMllp(out));
      }
      this.options.metrics.ackLatency.observe((performance.now() - startedAt) / 1000);
      this.#unanswered--;
      this.#idle.refresh();
      if (this.#unanswered < HIGH_WATER / 2 && socket.isPaused() && !this.#stopped) socket.resume();
    });
  }

  /** A NAK for what has no readable header: AR (resend) unless the fault is final (AE). */
  #nak(text: string, code: "AR" | "AE" = "AR"): Buffer {
    return Buffer.from(
      buildNak("", {
        code,
        controlId: this.options.newControlId(),
        now: this.options.now(),
        errors: [{ code: "207", text }],
      }),
    );
  }
}
