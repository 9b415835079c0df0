import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DaVinciFhirSender } from "./davinci-fhir.sender.ts";

// How the Da Vinci sender reads a receiver's answer: HTTP status first, then the response message's
// MessageHeader.response.code. A tiny HTTP server plays the receiver.

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve()))),
);

async function receiver(
  status: number,
  body: unknown,
): Promise<{ url: string; seen: { url: string; auth: string }[] }> {
  const seen: { url: string; auth: string }[] = [];
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? "", auth: req.headers.authorization ?? "" });
    req.resume();
    req.on("end", () => {
      res.writeHead(status, { "content-type": "application/fhir+json" });
      res.end(body === undefined ? "" : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir/`, seen };
}

const answer = (code: string) => ({
  resourceType: "Bundle",
  type: "message",
  entry: [{ resource: { resourceType: "MessageHeader", response: { identifier: "x", code } } }],
});
const send = (url: string, secret?: string) =>
  new DaVinciFhirSender({ timeoutMs: 2000 }).send({
    deliveryId: "obd_1",
    url,
    secret,
    payload: { resourceType: "Bundle" },
  });

describe("Da Vinci sender", () => {
  it("posts to [base]/$process-message with the bearer token, and takes 200 ok as delivered", async () => {
    const r = await receiver(200, answer("ok"));
    expect(await send(r.url, "tok")).toEqual({ status: "sent", responseStatus: "200 ok" });
    expect(r.seen).toEqual([{ url: "/fhir/$process-message", auth: "Bearer tok" }]);
  });

  it("a response message's transient-error is retried, fatal-error is not", async () => {
    const t = await receiver(200, answer("transient-error"));
    expect(await send(t.url)).toMatchObject({ status: "failed", retryable: true, code: "transient-error" });
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const f = await receiver(200, answer("fatal-error"));
    expect(await send(f.url)).toMatchObject({ status: "failed", retryable: false, code: "fatal-error" });
  });

  it("202 is delivered; 503 and 429 are retried; 400 and 401 are not; no server is retried", async () => {
    for (const [status, expected] of [
      [202, { status: "sent", responseStatus: "202" }],
      [503, { status: "failed", retryable: true, code: "http-503" }],
      [429, { status: "failed", retryable: true, code: "http-429" }],
      [400, { status: "failed", retryable: false, code: "http-400" }],
      [401, { status: "failed", retryable: false, code: "http-401" }],
    ] as const) {
      const r = await receiver(status, undefined);
      expect(await send(r.url)).toMatchObject(expected);
      await new Promise<void>((resolve) => server?.close(() => resolve()));
      server = undefined;
    }
    expect(await send("http://127.0.0.1:1/fhir")).toMatchObject({ status: "failed", retryable: true });
  });
});
