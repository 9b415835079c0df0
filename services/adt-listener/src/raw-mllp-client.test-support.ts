import { connect as connectTcp, type Socket } from "node:net";
import { type ConnectionOptions, connect as connectTls } from "node:tls";
import { MllpDecoder } from "@homeward/hl7";
import { vi } from "vitest";
import type { TestListener } from "./harness.test-support.ts";

/** MLLP block characters, for tests that build frames byte by byte. */
export const SB = 0x0b;
export const EB = 0x1c;
export const CR = 0x0d;

/** `0x0B payload 0x1C 0x0D`, built by hand (payload text encoded as `encoding`, UTF-8 by default). */
export function mllpFrame(payload: string | Buffer, encoding: BufferEncoding = "utf8"): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload, encoding) : payload;
  return Buffer.concat([Buffer.from([SB]), body, Buffer.from([EB, CR])]);
}

/**
 * A raw MLLP client over one TCP (or TLS) socket: writes exactly the bytes a test gives it, in the
 * chunks it gives them, and decodes what comes back. It never throws on socket errors: a test reads
 * `error`, `closed` and `frames` and decides what they mean (a refused connection is an outcome).
 */
export class RawMllpClient {
  /** Every frame received so far, in order (payloads, framing removed). */
  readonly frames: Buffer[] = [];
  /** Framing faults in what the listener sent (should stay empty). */
  readonly framingFaults: string[] = [];
  /** The first socket error, if any (e.g. a TLS alert or a reset). */
  error: Error | undefined;
  /** Whether the server ended its side (FIN) before the socket closed. */
  endedByServer = false;
  closed = false;
  readonly #decoder = new MllpDecoder();

  constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      for (const event of this.#decoder.push(chunk)) {
        if (event.type === "frame") this.frames.push(event.payload);
        else this.framingFaults.push(event.reason);
      }
    });
    socket.on("end", () => {
      this.endedByServer = true;
    });
    socket.on("error", (err) => {
      this.error ??= err;
    });
    socket.on("close", () => {
      this.closed = true;
    });
  }

  /** The frames received so far, as text (`latin1` for answers to ISO 8859-1 messages). */
  texts(encoding: BufferEncoding = "utf8"): string[] {
    return this.frames.map((f) => f.toString(encoding));
  }

  /** Writes bytes as one `write` call and resolves once they are handed to the kernel. */
  write(bytes: Buffer | string): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) resolve();
      else this.socket.write(bytes, () => resolve());
    });
  }

  /**
   * Writes each chunk separately with a pause between them, so the listener reads them as separate
   * TCP segments (Nagle is off; the pause stops the kernel from coalescing them on loopback).
   */
  async writeInChunks(chunks: readonly Buffer[], pauseMs = 15): Promise<void> {
    for (const chunk of chunks) {
      await this.write(chunk);
      await sleep(pauseMs);
    }
  }

  /** Waits until at least `count` frames have arrived; returns all frames as text. */
  async waitForFrames(
    count: number,
    timeoutMs = 15_000,
    encoding: BufferEncoding = "utf8",
  ): Promise<string[]> {
    await vi.waitFor(
      () => {
        if (this.frames.length < count) {
          throw new Error(
            `${this.frames.length} of ${count} frames received${this.closed ? " (socket closed)" : ""}`,
          );
        }
      },
      { timeout: timeoutMs, interval: 10 },
    );
    return this.texts(encoding);
  }

  /** Waits until the socket is closed (by either side). */
  async waitForClose(timeoutMs = 5_000): Promise<void> {
    await vi.waitFor(
      () => {
        if (!this.closed) throw new Error("socket still open");
      },
      { timeout: timeoutMs, interval: 10 },
    );
  }

  /** Half-closes our side (FIN), as a sender does when it is done. */
  end(): void {
    this.socket.end();
  }

  /** Closes the socket and waits for it to be closed. */
  async destroy(): Promise<void> {
    this.socket.destroy();
    await this.waitForClose();
  }
}

/** Opens a plain TCP connection to the listener (resolves on connect, or once it failed). */
export async function connectRaw(
  port: number,
  options: { localAddress?: string } = {},
): Promise<RawMllpClient> {
  const socket = connectTcp({ host: "127.0.0.1", port, noDelay: true, ...options });
  const client = new RawMllpClient(socket);
  await new Promise<void>((resolve) => {
    socket.once("connect", () => resolve());
    socket.once("close", () => resolve());
  });
  return client;
}

/**
 * Opens a TLS connection (resolves once the client side of the handshake is done, or it failed).
 * With TLS 1.3 a server that refuses the client's certificate says so only after this point.
 */
export async function connectRawTls(port: number, options: ConnectionOptions): Promise<RawMllpClient> {
  const socket = connectTls({ host: "127.0.0.1", port, ...options });
  socket.setNoDelay(true);
  const client = new RawMllpClient(socket);
  await new Promise<void>((resolve) => {
    socket.once("secureConnect", () => resolve());
    socket.once("close", () => resolve());
  });
  return client;
}

/** Connects, sends one message, waits for its answer, closes. */
export async function sendOne(port: number, message: string): Promise<string> {
  const client = await connectRaw(port);
  try {
    await client.write(mllpFrame(message));
    const [answer = ""] = await client.waitForFrames(1);
    return answer;
  } finally {
    await client.destroy();
  }
}

/**
 * Returns `message` with MSH-`n` replaced by `value` (MSH-1 is the field separator itself, so
 * MSH-n is the n-th piece of the MSH line split on it). Pads with empty fields when needed.
 */
export function withMshField(message: string, n: number, value: string): string {
  const end = message.search(/[\r\n]/);
  const msh = end === -1 ? message : message.slice(0, end);
  const rest = end === -1 ? "" : message.slice(end);
  const separator = msh.charAt(3);
  const pieces = msh.split(separator);
  while (pieces.length < n) pieces.push("");
  pieces[n - 1] = value;
  return pieces.join(separator) + rest;
}

/** Unique control ids for one test file: `<prefix>-<n>`, so resends are never mistaken for duplicates. */
export function controlIds(prefix: string): () => string {
  let n = 0;
  const run = Date.now().toString(36);
  return () => `${prefix}-${run}-${++n}`;
}

/** Segments of a message or ACK (CR, LF or CRLF terminated). */
export function segmentsOf(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((s) => s !== "");
}

/** The ERR segments of an answer, as `{ location: ERR-2, code: ERR-3.1 }`. */
export function errsOf(ack: string): { location: string; code: string }[] {
  return segmentsOf(ack)
    .filter((s) => s.startsWith("ERR|"))
    .map((s) => {
      const fields = s.split("|");
      return { location: fields[2] ?? "", code: (fields[3] ?? "").split("^")[0] ?? "" };
    });
}

type Tapped = Parameters<TestListener["records"]>[0];

/** Control id of a record on any of the tapped topics (events carry it on top, raw/rejected in `header`). */
function controlIdOf(record: unknown): string | undefined {
  const r = record as { controlId?: string; header?: { controlId?: string } };
  return r.controlId ?? r.header?.controlId;
}

/**
 * Waits until a record with each of `ids` is on the topic, and returns them in the order of `ids`
 * (tests in one file share the topics, so they look for their own control ids, not for counts).
 */
export async function waitForControlIds<T = unknown>(
  t: TestListener,
  base: Tapped,
  ids: readonly string[],
  timeoutMs = 20_000,
): Promise<T[]> {
  let found: T[] = [];
  await vi.waitFor(
    () => {
      const byId = new Map(t.records(base).map((r) => [controlIdOf(r), r as T]));
      const missing = ids.filter((id) => !byId.has(id));
      if (missing.length > 0)
        throw new Error(`${missing.length} of ${ids.length} records missing on ${base}`);
      found = ids.map((id) => byId.get(id) as T);
    },
    { timeout: timeoutMs, interval: 50 },
  );
  return found;
}

/** Records on the topic with this control id (to check that something did *not* get there). */
export function recordsWithControlId(t: TestListener, base: Tapped, id: string): unknown[] {
  return t.records(base).filter((r) => controlIdOf(r) === id);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The value of one Prometheus sample on the listener's /metrics, e.g.
 * `metricValue(port, 'homeward_mllp_refused_connections_total{listener="mllp",reason="source"}')`; 0 when absent.
 */
export async function metricValue(opsPort: number, sample: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}

/**
 * Waits (up to 5 s) until the listener counts no open MLLP connection: after a test closes its
 * clients, so that the next test starts from zero.
 */
export async function waitForNoOpenConnections(opsPort: number): Promise<void> {
  await vi.waitFor(
    async () => {
      const open = await metricValue(opsPort, 'homeward_mllp_open_connections{listener="mllp"}');
      if (open !== 0) throw new Error(`${open} connections still open`);
    },
    { timeout: 5_000, interval: 20 },
  );
}
