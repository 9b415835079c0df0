import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { XMLBuilder, XMLParser } from "fast-xml-parser";

/** One SubmitRequest as the carrier read it. */
export interface ReceivedPage {
  contentType: string;
  hasDoctype: boolean;
  wctpVersion: string;
  senderId: string;
  securityCode: string | undefined;
  messageId: string;
  recipientId: string;
  authorizationCode: string | undefined;
  text: string;
}

/** How the carrier answers the next requests. */
export type WctpBehavior =
  | { kind: "success"; successCode?: string }
  | { kind: "wctp-failure"; errorCode: string; errorText?: string }
  | { kind: "http-status"; status: number }
  | { kind: "hang"; ms: number }
  | { kind: "raw"; body: string };

export interface WctpFakeServer {
  readonly url: string;
  readonly received: readonly ReceivedPage[];
  respondWith(behavior: WctpBehavior): void;
  /** Fails every request with a WCTP errorCode or an HTTP status, or answers success again (`undefined`). */
  failWith(failure: { errorCode: string; errorText?: string } | { httpStatus: number } | undefined): void;
  close(): Promise<void>;
}

// Parses with its own settings and builds answers with XMLBuilder, so it shares no code with the client.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
});
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  suppressEmptyNode: true,
});

type Node = Record<string, unknown>;
const node = (parent: unknown, name: string): Node | undefined => {
  const value = typeof parent === "object" && parent !== null ? (parent as Node)[name] : undefined;
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Node) : undefined;
};
const str = (parent: Node | undefined, name: string) => {
  const value = parent?.[name];
  return typeof value === "string" ? value : undefined;
};

function confirmation(inner: Node): string {
  const body = builder.build({
    "wctp-Operation": { "@_wctpVersion": "wctp-dtd-v1r3", "wctp-Confirmation": inner },
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE wctp-Operation SYSTEM "http://dtd.wctp.org/wctp-dtd-v1r3.dtd">\n${body}`;
}
const failure = (errorCode: string, errorText: string) =>
  confirmation({ "wctp-Failure": { "@_errorCode": errorCode, "@_errorText": errorText } });

/** Reads a SubmitRequest the way a carrier would, or says which WCTP error a carrier would answer. */
function readSubmitRequest(
  body: string,
  contentType: string,
): ReceivedPage | { errorCode: string; errorText: string } {
  let doc: unknown;
  try {
    doc = parser.parse(body, true);
  } catch {
    return { errorCode: "301", errorText: "Input can not be parsed" };
  }
  const operation = node(doc, "wctp-Operation");
  if (operation === undefined) return { errorCode: "302", errorText: "XML validation error" };
  const wctpVersion = str(operation, "@_wctpVersion") ?? "";
  if (!/^wctp-dtd-v1r[0-3]$/.test(wctpVersion)) return { errorCode: "303", errorText: "Version error" };
  if (!("wctp-SubmitRequest" in operation)) return { errorCode: "300", errorText: "Operation not supported" };
  const request = node(operation, "wctp-SubmitRequest");
  const header = node(request, "wctp-SubmitHeader");
  const originator = node(header, "wctp-Originator");
  const control = node(header, "wctp-MessageControl");
  const recipient = node(header, "wctp-Recipient");
  const payload = node(request, "wctp-Payload");
  const alpha = payload?.["wctp-Alphanumeric"];
  const text = typeof alpha === "string" ? alpha : str(node(payload, "wctp-Alphanumeric"), "#text");
  const senderId = str(originator, "@_senderID");
  const messageId = str(control, "@_messageID");
  const recipientId = str(recipient, "@_recipientID");
  if (
    senderId === undefined ||
    messageId === undefined ||
    recipientId === undefined ||
    payload === undefined
  ) {
    return { errorCode: "302", errorText: "XML validation error" };
  }
  return {
    contentType,
    hasDoctype: /<!DOCTYPE\s+wctp-Operation\b/.test(body),
    wctpVersion,
    senderId,
    securityCode: str(originator, "@_securityCode"),
    messageId,
    recipientId,
    authorizationCode: str(recipient, "@_authorizationCode"),
    text: text ?? "",
  };
}

/**
 * A paging carrier's WCTP endpoint in the test process (node:http): it parses real SubmitRequests,
 * keeps them, and answers a `wctp-Confirmation` the way the behavior set by `respondWith` says.
 */
export async function startWctpFakeServer(): Promise<WctpFakeServer> {
  const received: ReceivedPage[] = [];
  let behavior: WctpBehavior = { kind: "success" };

  const answer = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { "content-type": "text/xml; charset=utf-8" }).end(body);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST") return void res.writeHead(405, { allow: "POST" }).end();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const contentType = req.headers["content-type"] ?? "";
    if (!/^text\/xml\b/i.test(contentType)) return void res.writeHead(415).end();
    const page = readSubmitRequest(Buffer.concat(chunks).toString("utf8"), contentType);
    if ("errorCode" in page) return answer(res, 200, failure(page.errorCode, page.errorText));
    received.push(page);
    const now = behavior;
    switch (now.kind) {
      case "success":
        return answer(
          res,
          200,
          confirmation({
            "wctp-Success": {
              "@_successCode": now.successCode ?? "200",
              "@_successText": "Message queued for delivery",
            },
          }),
        );
      case "wctp-failure":
        return answer(res, 200, failure(now.errorCode, now.errorText ?? `error for ${page.recipientId}`));
      case "http-status":
        return answer(res, now.status, "<html><body>unavailable</body></html>");
      case "hang":
        await new Promise((resolve) => setTimeout(resolve, now.ms));
        if (!res.destroyed) answer(res, 200, confirmation({ "wctp-Success": { "@_successCode": "200" } }));
        return;
      case "raw":
        return answer(res, 200, now.body);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/wctp`,
    received,
    respondWith: (next) => {
      behavior = next;
    },
    failWith: (failure) => {
      if (failure === undefined) behavior = { kind: "success" };
      else if ("httpStatus" in failure) behavior = { kind: "http-status", status: failure.httpStatus };
      else behavior = { kind: "wctp-failure", ...failure };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
