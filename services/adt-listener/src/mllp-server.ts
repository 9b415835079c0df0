import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import { BlockList, createServer as createTcpServer, isIPv4, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import type { ConnectionInfo } from "@homeward/contracts";
import { buildNak, encodeMllp, MllpDecoder } from "@homeward/hl7";
import type { Logger } from "@homeward/logger";
import type { StagedFrame } from "./frame-handler.ts";
import type { ListenerMetrics } from "./listener-metrics.ts";

export interface MllpTlsOptions {
  key: Buffer;
  cert: Buffer;
  /** CA bundle for client certificates; when set, clients are asked for one. */
  clientCa?: Buffer;
  /** Refuse connections without a valid client certificate. */
  requireClientCert: boolean;
}

export interface MllpServerOptions {
  listenerId: string;
  host: string;
  port: number;
  tls?: MllpTlsOptions;
  maxConnections: number;
  idleTimeoutMs: number;
  maxFrameBytes: number;
  /** IP addresses or CIDR blocks allowed to connect; empty allows any. */
  allowedSources: readonly string[];
  /** Queues a frame's messages for Kafka (resolving once queued); `done` settles with the answer. */
  stageFrame: (payload: Buffer, connection: ConnectionInfo, receivedAt: Date) => Promise<StagedFrame>;
  now: () => Date;
  newControlId: () => string;
  logger: Logger;
  metrics: ListenerMetrics;
}

export interface MllpServer {
  readonly port: number;
  /** Stops accepting, lets every received frame get its answer (up to `graceMs`), then closes sockets. */
  close(graceMs?: number): Promise<void>;
}

/** Above this many unanswered frames on one connection, stop reading from it until it drains. */
const HIGH_WATER = 512;

/** Builds the allowlist once; `undefined` means every source is allowed. */
export function sourceAllowlist(entries: readonly string[]): BlockList | undefined {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const type = isIPv4(address) ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

function allowed(list: BlockList | undefined, address: string): boolean {
  if (list === undefined) return true;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return isIPv4(v4) ? list.check(v4, "ipv4") : list.check(address, "ipv6");
}

/**
 * An MLLP listener on `node:net` or `node:tls`. Each connection has its own frame decoder and keeps
 * its answers in the order its frames arrived, while the frames themselves are processed as they
 * come, so a sender that pipelines gets group-committed writes and in-order ACKs.
 */
export async function startMllpServer(options: MllpServerOptions): Promise<MllpServer> {
  const { logger, metrics, listenerId } = options;
  const allowlist = sourceAllowlist(options.allowedSources);
  /** Open sockets, each with a way to wait until every frame it sent has been answered. */
  const sockets = new Map<Socket, () => Promise<void>>();
  let connectionSeq = 0;

  const onConnection = (socket: Socket) => {
    const remoteAddress = socket.remoteAddress ?? "";
    if (!allowed(allowlist, remoteAddress)) {
      metrics.refusedConnections.inc({ listener: listenerId, reason: "source" });
      logger.warn({ remoteAddress, listenerId }, "connection from a source not on the allowlist refused");
      socket.destroy();
      return;
    }
    const tlsSocket = options.tls === undefined ? undefined : (socket as TLSSocket);
    const peer = tlsSocket?.getPeerCertificate();
    const hasCert = peer !== undefined && tlsSocket?.authorized === true && Object.keys(peer).length > 0;
    if (options.tls?.requireClientCert && !hasCert) {
      metrics.refusedConnections.inc({ listener: listenerId, reason: "client-certificate" });
      socket.destroy();
      return;
    }
    const connection: ConnectionInfo = {
      listenerId,
      remoteAddress,
      remotePort: socket.remotePort ?? 0,
      tls: options.tls !== undefined,
      connectionId: `${listenerId}-${++connectionSeq}`,
      ...(hasCert && peer
        ? {
            clientCertificateSubject: String(peer.subject?.CN ?? ""),
            clientCertificateFingerprint: createHash("sha256").update(peer.raw).digest("hex"),
          }
        : {}),
    };
    // Request/response: Nagle's algorithm would hold an ACK back until the sender's TCP stack
    // acknowledges the previous one, which it may delay by tens of milliseconds.
    socket.setNoDelay(true);
    sockets.set(socket, () => writing);
    metrics.openConnections.inc({ listener: listenerId });
    logger.info(
      { connectionId: connection.connectionId, remoteAddress, tls: connection.tls },
      "MLLP connection opened",
    );

    const decoder = new MllpDecoder({ maxFrameBytes: options.maxFrameBytes });
    let staging: Promise<unknown> = Promise.resolve();
    let writing: Promise<void> = Promise.resolve();
    let unanswered = 0;

    const answer = (produce: () => Promise<Buffer | undefined>, startedAt: number) => {
      unanswered++;
      if (unanswered >= HIGH_WATER) socket.pause();
      writing = writing.then(async () => {
        let out: Buffer | undefined;
        try {
          out = await produce();
        } catch (err) {
          // Only a bug gets here (errors are values in Ingest); answer AR so nothing is lost.
          logger.error({ err, connectionId: connection.connectionId }, "frame handling failed");
          out = Buffer.from(nak("Internal error; please resend"));
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
        metrics.ackLatency.observe((performance.now() - startedAt) / 1000);
        unanswered--;
        if (unanswered < HIGH_WATER / 2 && socket.isPaused()) socket.resume();
      });
    };

    const nak = (text: string) =>
      buildNak("", {
        code: "AR",
        controlId: options.newControlId(),
        now: options.now(),
        errors: [{ code: "207", text }],
      });

    socket.setTimeout(options.idleTimeoutMs, () => {
      if (unanswered === 0) {
        logger.info({ connectionId: connection.connectionId }, "idle MLLP connection closed");
        socket.end();
      }
    });
    socket.on("data", (chunk: Buffer) => {
      metrics.bytesReceived.inc({ listener: listenerId }, chunk.length);
      for (const event of decoder.push(chunk)) {
        const startedAt = performance.now();
        if (event.type === "frame") {
          const receivedAt = options.now();
          // Stage in arrival order; the answer waits for durability, also in arrival order.
          const staged = staging.then(() => options.stageFrame(event.payload, connection, receivedAt));
          staging = staged.catch(() => {});
          answer(async () => (await (await staged).done).response, startedAt);
        } else {
          metrics.framingErrors.inc({ listener: listenerId, reason: event.reason });
          logger.warn(
            { connectionId: connection.connectionId, reason: event.reason, bytes: event.discardedBytes },
            "MLLP framing error",
          );
          if (event.reason === "frame-too-large") {
            answer(async () => Buffer.from(nak(`Message exceeds ${options.maxFrameBytes} bytes`)), startedAt);
          } else if (event.reason === "missing-start-block" || event.reason === "invalid-end-block") {
            answer(
              async () => Buffer.from(nak("Message was not framed as MLLP (0x0B … 0x1C 0x0D)")),
              startedAt,
            );
          }
        }
      }
    });
    socket.on("error", (err) =>
      logger.warn({ err, connectionId: connection.connectionId }, "MLLP socket error"),
    );
    socket.on("close", () => {
      sockets.delete(socket);
      metrics.openConnections.dec({ listener: listenerId });
      logger.info({ connectionId: connection.connectionId }, "MLLP connection closed");
    });
    socket.on("end", () => {
      // The sender half-closed: answer what it sent, then close our side.
      void writing.then(() => socket.end());
    });
  };

  const server: Server =
    options.tls === undefined
      ? createTcpServer({ allowHalfOpen: true }, onConnection)
      : createTlsServer(
          {
            key: options.tls.key,
            cert: options.tls.cert,
            allowHalfOpen: true,
            ...(options.tls.clientCa === undefined
              ? {}
              : {
                  ca: options.tls.clientCa,
                  requestCert: true,
                  rejectUnauthorized: options.tls.requireClientCert,
                }),
          },
          onConnection,
        );
  server.maxConnections = options.maxConnections;
  server.on("drop", () =>
    metrics.refusedConnections.inc({ listener: listenerId, reason: "max-connections" }),
  );
  server.on("tlsClientError", (err) => logger.warn({ err, listenerId }, "TLS handshake failed"));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  logger.info(
    { listenerId, port: (server.address() as AddressInfo).port, tls: options.tls !== undefined },
    "MLLP listening",
  );

  return {
    port: (server.address() as AddressInfo).port,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Stop reading new frames; every frame already read still gets its answer (ACK or AR).
      for (const socket of sockets.keys()) socket.pause();
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.all([...sockets.values()].map((drained) => drained())), deadline]);
      for (const socket of sockets.keys()) socket.end();
      await Promise.race([closed, deadline]);
      for (const socket of sockets.keys()) socket.destroy();
    },
  };
}
