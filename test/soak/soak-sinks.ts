import { createServer, type Server } from "node:http";
import { SMTPServer } from "smtp-server";

/**
 * The outside world of a soak run, counting what reaches it: an SMTP server and a WCTP paging
 * endpoint, each on a fixed port so the soak can stop and restart it while the notifier sends.
 * They speak the real protocols (SMTP through smtp-server; WCTP 1.3 SubmitRequest/Confirmation
 * over HTTP), so the notifier's own providers talk to them as to a real carrier.
 */

/** One delivery as it arrived: the notifier's idempotency key, to whom, and when. */
export interface Arrival {
  deliveryId: string;
  channel: "email" | "pager";
  recipient: string;
  at: number;
}

export interface Sink {
  readonly arrivals: readonly Arrival[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Reads a header's value from a raw RFC 5322 message (only the header block, unfolded). */
function headerOf(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** An SMTP server on `port` that keeps, for each mail, its X-Homeward-Delivery header and recipients. */
export function smtpSink(port: number): Sink {
  const arrivals: Arrival[] = [];
  let server: SMTPServer | undefined;
  return {
    arrivals,
    async start() {
      const s = new SMTPServer({
        authOptional: true,
        disabledCommands: ["STARTTLS"],
        logger: false,
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            const deliveryId = headerOf(Buffer.concat(chunks).toString("utf8"), "X-Homeward-Delivery") ?? "";
            const at = Date.now();
            for (const to of session.envelope.rcptTo)
              arrivals.push({ deliveryId, channel: "email", recipient: to.address, at });
            callback();
          });
        },
      });
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(port, "127.0.0.1", () => resolve());
      });
      // A client killed mid-conversation resets its connection: the server reports it as an
      // error event, which is the client's fault, not the sink's.
      s.on("error", () => undefined);
      server = s;
    },
    async stop() {
      const s = server;
      server = undefined;
      if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}

const attr = (xml: string, element: string, name: string) =>
  new RegExp(`<${element}\\b[^>]*\\b${name}="([^"]*)"`).exec(xml)?.[1];

/**
 * A WCTP 1.3 carrier on `port`: takes each SubmitRequest, answers wctp-Confirmation/wctp-Success,
 * and keeps the page's messageID (the notifier's delivery id) and recipientID.
 */
export function wctpSink(port: number): Sink {
  const arrivals: Arrival[] = [];
  let server: Server | undefined;
  return {
    arrivals,
    async start() {
      const s = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const xml = Buffer.concat(chunks).toString("utf8");
          const deliveryId = attr(xml, "wctp-MessageControl", "messageID") ?? "";
          const recipient = attr(xml, "wctp-Recipient", "recipientID") ?? "";
          arrivals.push({ deliveryId, channel: "pager", recipient, at: Date.now() });
          res.writeHead(200, { "content-type": "text/xml" });
          res.end(
            '<?xml version="1.0"?><!DOCTYPE wctp-Operation SYSTEM "http://dtd.wctp.org/wctp-dtd-v1r3.dtd">' +
              '<wctp-Operation wctpVersion="wctp-dtd-v1r3"><wctp-Confirmation>' +
              '<wctp-Success successCode="200" successText="Accepted"/></wctp-Confirmation></wctp-Operation>',
          );
        });
      });
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(port, "127.0.0.1", () => resolve());
      });
      server = s;
    },
    async stop() {
      const s = server;
      server = undefined;
      if (s === undefined) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
