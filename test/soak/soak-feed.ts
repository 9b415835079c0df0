import { connect, type Socket } from "node:net";
import { encodeMllp, MllpDecoder } from "@homeward/hl7";

/**
 * A hospital interface engine as the soak needs it: a few persistent MLLP connections, one message
 * in flight on each, and every message sent again, in order, until it is answered `AA` (after an
 * `AR`/`AE`, no answer within the timeout, or a dropped connection), as real engines do.
 */

export interface SentMessage {
  controlId: string;
  /** When it was first handed to the connection (the ADT's "arrival" for latency). */
  firstSentAt: number;
  acceptedAt?: number;
  attempts: number;
  /** The answers other than AA, by code. */
  refusals: Record<string, number>;
}

const msaCode = (ack: string) => /(?:^|\r)MSA\|([A-Z]{2})\|/.exec(ack)?.[1] ?? "??";

class EngineConnection {
  #socket: Socket | undefined;
  #decoder = new MllpDecoder();
  #waiting: ((answer: string | undefined) => void) | undefined;

  constructor(private readonly port: number) {}

  async #open(): Promise<Socket> {
    if (this.#socket !== undefined && !this.#socket.destroyed) return this.#socket;
    this.#decoder = new MllpDecoder();
    const socket = connect(this.port, "127.0.0.1");
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("error", reject);
    });
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => {
      for (const e of this.#decoder.push(chunk)) {
        if (e.type !== "frame") continue;
        const waiter = this.#waiting;
        this.#waiting = undefined;
        waiter?.(e.payload.toString("utf8"));
      }
    });
    socket.on("close", () => {
      const waiter = this.#waiting;
      this.#waiting = undefined;
      waiter?.(undefined);
    });
    this.#socket = socket;
    return socket;
  }

  /** Sends one frame and waits for its answer; undefined when the connection failed or timed out. */
  async exchange(text: string, timeoutMs: number): Promise<string | undefined> {
    let socket: Socket;
    try {
      socket = await this.#open();
    } catch {
      return undefined;
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting = undefined;
        socket.destroy();
        resolve(undefined);
      }, timeoutMs);
      this.#waiting = (answer) => {
        clearTimeout(timer);
        resolve(answer);
      };
      socket.write(encodeMllp(text));
    });
  }

  close(): void {
    this.#socket?.destroy();
  }
}

export interface FeedOptions {
  port: number;
  connections: number;
  /** Messages per second over all connections. */
  rate: number;
  count: number;
  message: (index: number) => { controlId: string; text: (sentAt: Date) => string };
  ackTimeoutMs?: number;
  /** Pause between resends of a refused or unanswered message. */
  retryDelayMs?: number;
  /** Gives up on a message after this many tries (it then counts as not accepted). */
  maxAttempts?: number;
  /** Stops trying anything after this instant (epoch ms): a broken pipeline fails the run, not hangs it. */
  deadline?: number;
}

/** Feeds `count` messages at `rate`; resolves when every one has been answered AA. */
export async function runFeed(options: FeedOptions): Promise<SentMessage[]> {
  const sent: SentMessage[] = [];
  const connections = Array.from({ length: options.connections }, () => new EngineConnection(options.port));
  const queues: number[][] = connections.map(() => []);
  for (let i = 0; i < options.count; i++) queues[i % options.connections]?.push(i);
  const started = Date.now();
  const interval = 1000 / options.rate;
  const timeout = options.ackTimeoutMs ?? 10_000;
  const retryDelay = options.retryDelayMs ?? 500;
  const maxAttempts = options.maxAttempts ?? 400;

  await Promise.all(
    connections.map(async (conn, c) => {
      for (const index of queues[c] ?? []) {
        const due = started + index * interval;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const { controlId, text } = options.message(index);
        const record: SentMessage = { controlId, firstSentAt: Date.now(), attempts: 0, refusals: {} };
        sent.push(record);
        const body = text(new Date(record.firstSentAt));
        for (;;) {
          record.attempts++;
          const answer = await conn.exchange(body, timeout);
          const code = answer === undefined ? "no-answer" : msaCode(answer);
          if (code === "AA" || code === "CA") {
            record.acceptedAt = Date.now();
            break;
          }
          record.refusals[code] = (record.refusals[code] ?? 0) + 1;
          if (record.attempts >= maxAttempts || Date.now() > (options.deadline ?? Number.POSITIVE_INFINITY))
            break;
          await new Promise((r) => setTimeout(r, retryDelay));
        }
      }
      conn.close();
    }),
  );
  return sent;
}
