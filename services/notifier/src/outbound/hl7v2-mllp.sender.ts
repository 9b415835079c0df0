import { connect, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { encodeMllp, MllpDecoder, parseHl7 } from "@homeward/hl7";
import type { OutboundMessage, OutboundResult, OutboundSender, OutboundTls } from "./outbound-sender.ts";

/**
 * HL7 v2 forwarding over MLLP: one connection per message to the EHR interface (`mllp://host:port`),
 * the frame written, the ACK awaited and matched by MSA-2 to the message's control id. With `tls`
 * the connection is MLLP inside TLS: the server's certificate checked against the endpoint's CA (or
 * the system's) and its host, and Homeward's client certificate presented when it has one.
 *
 * - `AA` / `CA`: delivered.
 * - `AR` / `CR` (rejected for a reason unrelated to the content, e.g. the interface is down):
 *   retried with backoff, as is no answer within the timeout or a refused connection.
 * - `AE` / `CE` (an error in the message's content): not retried, since the same message would
 *   fail again; recorded and kept on the dead-letter queue for the interface analysts.
 */
export class Hl7v2MllpSender implements OutboundSender {
  constructor(private readonly options: { timeoutMs: number }) {}

  async send(m: OutboundMessage): Promise<OutboundResult> {
    const target = /^mllp:\/\/([^:/]+):(\d{1,5})$/.exec(m.url);
    const text = (m.payload as { hl7?: unknown }).hl7;
    if (target === null || typeof text !== "string")
      return {
        status: "failed",
        retryable: false,
        code: "bad-target",
        message: "not an MLLP endpoint or message",
      };
    // MSH-10: the ACK's MSA-2 must name it.
    const controlId = text.split("\r")[0]?.split("|")[9] ?? "";
    let ack: string;
    try {
      ack = await this.exchange(target[1] ?? "", Number(target[2]), text, m.tls);
    } catch (err) {
      const code =
        err instanceof Error && err.message === "timeout"
          ? "timeout"
          : ((err as NodeJS.ErrnoException).code?.toLowerCase() ?? "network");
      return { status: "failed", retryable: true, code, message: `no ACK from the interface (${code})` };
    }
    const parsed = parseHl7(ack);
    const msa = parsed.ok ? parsed.message.segments("MSA")[0] : undefined;
    const ackCode = msa?.readText(1);
    if (msa === undefined || ackCode === undefined)
      return { status: "failed", retryable: true, code: "bad-ack", message: "the answer was not an ACK" };
    if (msa.readText(2) !== controlId)
      return {
        status: "failed",
        retryable: true,
        code: "ack-mismatch",
        message: "the ACK names another message",
      };
    switch (ackCode) {
      case "AA":
      case "CA":
        return { status: "sent", responseStatus: ackCode };
      case "AR":
      case "CR":
        return {
          status: "failed",
          retryable: true,
          code: ackCode,
          message: `the interface rejected the message (${ackCode})`,
          responseStatus: ackCode,
        };
      default:
        return {
          status: "failed",
          retryable: false,
          code: ackCode,
          message: `the interface refused the message's content (${ackCode})`,
          responseStatus: ackCode,
        };
    }
  }

  private exchange(host: string, port: number, text: string, tls: OutboundTls | undefined): Promise<string> {
    return new Promise((resolve, reject) => {
      const decoder = new MllpDecoder({ maxFrameBytes: 1024 * 1024 });
      const socket: Socket =
        tls === undefined
          ? connect({ host, port })
          : connectTls({
              host,
              port,
              // A name, not an address: SNI and the certificate's DNS name.
              ...(/^[\d.]+$/.test(host) ? {} : { servername: host }),
              ...(tls.ca === undefined ? {} : { ca: tls.ca }),
              ...(tls.cert === undefined ? {} : { cert: tls.cert }),
              ...(tls.key === undefined ? {} : { key: tls.key }),
            });
      const ready = tls === undefined ? "connect" : "secureConnect";
      const done = (err: Error | undefined, ack?: string) => {
        clearTimeout(timer);
        socket.destroy();
        if (err === undefined && ack !== undefined) resolve(ack);
        else reject(err ?? new Error("closed"));
      };
      const timer = setTimeout(() => done(new Error("timeout")), this.options.timeoutMs);
      socket.on(ready, () => socket.write(encodeMllp(text)));
      socket.on("data", (chunk: Buffer) => {
        for (const event of decoder.push(chunk)) {
          if (event.type === "frame") return done(undefined, event.payload.toString("utf8"));
        }
      });
      socket.on("error", (err) => done(err));
      socket.on("close", () => done(new Error("closed")));
    });
  }
}
