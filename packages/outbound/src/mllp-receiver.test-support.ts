import { createServer, type Socket } from "node:net";
import { createServer as createTlsServer, type TlsOptions } from "node:tls";
import { buildAck, encodeMllp, MllpDecoder, parseHl7 } from "@homeward/hl7";

/**
 * An EHR interface engine for tests: takes MLLP frames, parses each message and answers an ACK
 * (`AA` unless told otherwise with `answerNext`), keeping every message it acknowledged with AA.
 * With `tls` it listens for MLLP inside TLS (its certificate; `requestCert` and `ca` for mutual TLS).
 */
export interface MllpReceiver {
  host: string;
  port: number;
  /** Messages acknowledged with AA, as text. */
  accepted: string[];
  requests: () => number;
  /** The next messages get these ACK codes (e.g. AR, AE), in order. */
  answerNext(...codes: ("AA" | "AE" | "AR")[]): void;
  close(): Promise<void>;
}

export async function startMllpReceiver(options: { tls?: TlsOptions } = {}): Promise<MllpReceiver> {
  const accepted: string[] = [];
  const codes: ("AA" | "AE" | "AR")[] = [];
  const sockets = new Set<Socket>();
  let requests = 0;
  let acks = 0;
  const onSocket = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    const decoder = new MllpDecoder();
    socket.on("data", (chunk: Buffer) => {
      for (const event of decoder.push(chunk)) {
        if (event.type !== "frame") continue;
        requests += 1;
        const text = event.payload.toString("utf8");
        const parsed = parseHl7(text);
        if (!parsed.ok) {
          socket.write(encodeMllp("MSH|^~\\&|EHR|EHR|||20260101000000+0000||ACK|X|P|2.5.1\rMSA|AR|"));
          continue;
        }
        const code = codes.shift() ?? "AA";
        if (code === "AA") accepted.push(text);
        acks += 1;
        socket.write(
          encodeMllp(buildAck(parsed.message, { code, controlId: `ACK${acks}`, now: new Date() })),
        );
      }
    });
  };
  const server =
    options.tls === undefined
      ? createServer(onSocket)
      : createTlsServer(options.tls, onSocket).on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    host: "127.0.0.1",
    port,
    accepted,
    requests: () => requests,
    answerNext(...next) {
      codes.push(...next);
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
