import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import type { ConnectionInfo } from "@homeward/contracts";
import type { Logger } from "@homeward/logger";
import { ConnectionSlots, type RefusalReason } from "./connection-slots.ts";
import { FaultLog } from "./fault-log.ts";
import type { StagedFrame } from "./frame-handler.ts";
import type { ListenerMetrics } from "./listener-metrics.ts";
import { MllpConnection } from "./mllp-connection.ts";

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
  /** Connections one remote address may hold. */
  maxConnectionsPerAddress: number;
  /** Slots of `maxConnections` kept for each `allowedSources` entry. */
  reservedConnectionsPerSource: number;
  idleTimeoutMs: number;
  /** A started frame must end within this. */
  frameDeadlineMs: number;
  /** Framing errors in a row after which a connection is closed. */
  maxFramingErrors: number;
  /** Repeated faults from one source are logged once per this interval. */
  faultLogIntervalMs: number;
  maxFrameBytes: number;
  /** IP addresses or CIDR blocks allowed to connect; empty allows any. */
  allowedSources: readonly string[];
  /** Queues a frame's messages for Kafka (resolving once queued); `done` settles with the answer. */
  stageFrame: (payload: Buffer, connection: ConnectionInfo, receivedAt: Date) => Promise<StagedFrame>;
  now: () => Date;
  newControlId: () => string;
  logger: Logger;
  metrics: ListenerMetrics;
  /** Told when an admitted connection closes (feed operations: connected now or not). */
  onConnectionClosed?: (connection: ConnectionInfo) => void;
}

export interface MllpServer {
  readonly port: number;
  /** Stops accepting, lets every received frame get its answer (up to `graceMs`), then closes sockets. */
  close(graceMs?: number): Promise<void>;
}

const REFUSAL_LOG: Record<RefusalReason | "client-certificate", string> = {
  source: "connection from a source not on the allowlist refused",
  "per-address": "connection refused: this address holds MLLP_MAX_CONNECTIONS_PER_ADDRESS already",
  "max-connections": "connection refused: no connection slot left for this source",
  "client-certificate": "connection without a valid client certificate refused",
};

/**
 * An MLLP listener on `node:net` or `node:tls`: admits or refuses each TCP connection (allowlist,
 * per-address limit, slots reserved per source; see ConnectionSlots) before TLS or any byte, and
 * hands each admitted socket to an MllpConnection, which frames, answers and polices it.
 */
export async function startMllpServer(options: MllpServerOptions): Promise<MllpServer> {
  const { logger, metrics, listenerId } = options;
  const slots = new ConnectionSlots({
    maxConnections: options.maxConnections,
    maxPerAddress: options.maxConnectionsPerAddress,
    allowedSources: options.allowedSources,
    reservedPerSource: options.reservedConnectionsPerSource,
  });
  const faults = new FaultLog({ logger, intervalMs: options.faultLogIntervalMs });
  const connections = new Set<MllpConnection>();
  let connectionSeq = 0;

  const refuse = (socket: Socket, reason: RefusalReason | "client-certificate") => {
    metrics.refusedConnections.inc({ listener: listenerId, reason });
    faults.report(socket.remoteAddress ?? "", `refused:${reason}`, { listenerId }, REFUSAL_LOG[reason]);
    socket.destroy();
  };

  /** Every TCP connection, before TLS: admitted to a slot, or closed without reading a byte. */
  const onTcpConnection = (socket: Socket) => {
    const admission = slots.admit(socket.remoteAddress ?? "");
    if (!admission.ok) {
      refuse(socket, admission.reason);
      return;
    }
    socket.once("close", () => admission.slot.release());
    if (options.tls === undefined) open(socket);
  };

  const open = (socket: Socket) => {
    const info = connectionInfo(socket, options, `${listenerId}-${++connectionSeq}`);
    if (info === undefined) {
      refuse(socket, "client-certificate");
      return;
    }
    const connection = new MllpConnection(socket, info, { ...options, faults });
    connections.add(connection);
    metrics.openConnections.inc({ listener: listenerId });
    logger.info(
      { connectionId: info.connectionId, remoteAddress: info.remoteAddress, tls: info.tls },
      "MLLP connection opened",
    );
    socket.on("close", () => {
      connections.delete(connection);
      metrics.openConnections.dec({ listener: listenerId });
      options.onConnectionClosed?.(info);
      logger.info({ connectionId: info.connectionId }, "MLLP connection closed");
    });
  };

  const server: Server =
    options.tls === undefined
      ? createTcpServer({ allowHalfOpen: true })
      : createTlsServer(
          {
            key: options.tls.key,
            cert: options.tls.cert,
            allowHalfOpen: true,
            // A handshake is the start of a conversation: it gets no longer than a frame does.
            handshakeTimeout: Math.min(options.frameDeadlineMs, 120_000),
            ...(options.tls.clientCa === undefined
              ? {}
              : {
                  ca: options.tls.clientCa,
                  requestCert: true,
                  rejectUnauthorized: options.tls.requireClientCert,
                }),
          },
          open,
        );
  // For TLS this runs on the raw socket, before the handshake; `open` then runs once it is done.
  server.on("connection", onTcpConnection);
  server.on("tlsClientError", (err: NodeJS.ErrnoException, socket: TLSSocket) =>
    faults.report(
      socket.remoteAddress ?? "",
      "tls-handshake",
      { listenerId, code: err.code ?? err.name },
      "TLS handshake failed",
    ),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  logger.info({ listenerId, host: address, port, tls: options.tls !== undefined }, "MLLP listening");

  return {
    port,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Stop reading new frames; every frame already read still gets its answer (ACK or AR).
      for (const c of connections) c.stopReading();
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.all([...connections].map((c) => c.drained())), deadline]);
      for (const c of connections) c.socket.end();
      await Promise.race([closed, deadline]);
      for (const c of connections) c.socket.destroy();
      faults.close();
    },
  };
}

/** Who is on the other end; undefined when a client certificate is required and missing. */
function connectionInfo(
  socket: Socket,
  options: Pick<MllpServerOptions, "listenerId" | "tls">,
  connectionId: string,
): ConnectionInfo | undefined {
  const tlsSocket = options.tls === undefined ? undefined : (socket as TLSSocket);
  const peer = tlsSocket?.getPeerCertificate();
  const hasCert = peer !== undefined && tlsSocket?.authorized === true && Object.keys(peer).length > 0;
  if (options.tls?.requireClientCert && !hasCert) return undefined;
  return {
    listenerId: options.listenerId,
    remoteAddress: socket.remoteAddress ?? "",
    remotePort: socket.remotePort ?? 0,
    tls: options.tls !== undefined,
    connectionId,
    ...(hasCert && peer
      ? {
          clientCertificateSubject: String(peer.subject?.CN ?? ""),
          clientCertificateFingerprint: createHash("sha256").update(peer.raw).digest("hex"),
        }
      : {}),
  };
}
