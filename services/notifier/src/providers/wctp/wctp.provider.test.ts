import { type AddressInfo, createServer } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OutboundPage } from "../provider.ts";
import { WctpProvider } from "./wctp.provider.ts";
import { startWctpFakeServer, type WctpFakeServer } from "./wctp-fake-server.test-support.ts";

const page = (over: Partial<OutboundPage> = {}): OutboundPage => ({
  deliveryId: "dlv-0001",
  pagerId: "5551234",
  text: "ED ARRIVAL Mercy Gen Tue 14:32 Tier I. homeward.example/e/1",
  ...over,
});

describe("WctpProvider against a WCTP endpoint", () => {
  let carrier: WctpFakeServer;
  let provider: WctpProvider;
  beforeEach(async () => {
    carrier = await startWctpFakeServer();
    provider = new WctpProvider({
      url: carrier.url,
      senderId: "homeward",
      securityCode: "s3cret",
      timeoutMs: 2_000,
    });
  });
  afterEach(async () => {
    await provider.close();
    await carrier.close();
  });

  it("submits a v1r3 SubmitRequest as text/xml and records the carrier's success", async () => {
    const result = await provider.send(page());
    expect(result).toEqual({ status: "sent", provider: "wctp", providerMessageId: "dlv-0001" });
    expect(carrier.received).toEqual([
      {
        contentType: "text/xml; charset=utf-8",
        hasDoctype: true,
        wctpVersion: "wctp-dtd-v1r3",
        senderId: "homeward",
        securityCode: "s3cret",
        messageId: "dlv-0001",
        recipientId: "5551234",
        authorizationCode: undefined,
        text: "ED ARRIVAL Mercy Gen Tue 14:32 Tier I. homeward.example/e/1",
      },
    ]);
  });

  it("sends a resend of the same delivery with the same messageID, so the carrier can drop it", async () => {
    await provider.send(page());
    await provider.send(page());
    expect(carrier.received.map((p) => p.messageId)).toEqual(["dlv-0001", "dlv-0001"]);
  });

  it("escapes XML-special characters, and the carrier reads back exactly the text", async () => {
    const text = `Tier <I> & "II" 'III' ]]> <![CDATA[x]]> &amp; é 😷`;
    const result = await provider.send(page({ text, pagerId: `55<5>&"1'`, deliveryId: "d&<1>" }));
    expect(result.status).toBe("sent");
    expect(carrier.received[0]).toMatchObject({ text, recipientId: `55<5>&"1'`, messageId: "d&<1>" });
  });

  it.each([
    ["403", false, "WCTP permanent failure 403: invalid recipientID"],
    ["401", false, "WCTP permanent failure 401: invalid senderID"],
    ["411", false, "WCTP permanent failure 411: message exceeds allowable length"],
    ["503", false, "WCTP permanent failure 503: sender permanently disabled"],
    ["602", true, "WCTP temporary failure 602: traffic rate exceeded"],
    ["604", true, "WCTP temporary failure 604: internal server error"],
  ])("classifies wctp-Failure %s as retryable=%s", async (errorCode, retryable, message) => {
    carrier.failWith({ errorCode, errorText: "recipient 5551234 rejected" });
    const result = await provider.send(page());
    expect(result).toEqual({
      status: "failed",
      provider: "wctp",
      retryable,
      code: `wctp-${errorCode}`,
      message,
    });
    expect(JSON.stringify(result)).not.toContain("5551234");
  });

  it("records HTTP 503 as retryable and HTTP 404 as permanent, and succeeds once the carrier recovers", async () => {
    carrier.failWith({ httpStatus: 503 });
    expect(await provider.send(page())).toMatchObject({
      status: "failed",
      retryable: true,
      code: "http-503",
    });
    carrier.failWith({ httpStatus: 404 });
    expect(await provider.send(page())).toMatchObject({
      status: "failed",
      retryable: false,
      code: "http-404",
    });
    carrier.failWith(undefined);
    expect(await provider.send(page())).toMatchObject({ status: "sent" });
  });

  it("gives up after its timeout and records a retryable failure", async () => {
    carrier.respondWith({ kind: "hang", ms: 5_000 });
    const quick = new WctpProvider({ url: carrier.url, senderId: "homeward", timeoutMs: 200 });
    const started = Date.now();
    const result = await quick.send(page());
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({ status: "failed", retryable: true, code: "timeout" });
    expect(carrier.received).toHaveLength(1);
  });

  it("records an unreadable answer as retryable", async () => {
    carrier.respondWith({ kind: "raw", body: "<html><body>Welcome to nginx</body></html>" });
    expect(await provider.send(page())).toMatchObject({
      status: "failed",
      retryable: true,
      code: "wctp-malformed-response",
    });
  });

  // The fake carrier speaks the protocol, so a client bug shows up as the error a real carrier would give.
  it.each([
    [
      "an incomplete SubmitRequest",
      `<wctp-Operation wctpVersion="wctp-dtd-v1r3"><wctp-SubmitRequest/></wctp-Operation>`,
      "302",
    ],
    [
      "an unknown version",
      `<wctp-Operation wctpVersion="wctp-dtd-v9"><wctp-SubmitRequest/></wctp-Operation>`,
      "303",
    ],
    [
      "another operation",
      `<wctp-Operation wctpVersion="wctp-dtd-v1r3"><wctp-VersionQuery inquirer="x"/></wctp-Operation>`,
      "300",
    ],
    ["broken XML", `<wctp-Operation wctpVersion="wctp-dtd-v1r3"><wctp-SubmitRequest>`, "301"],
  ])("is answered with a WCTP error for %s", async (_, body, errorCode) => {
    const response = await fetch(carrier.url, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body,
    });
    expect(await response.text()).toContain(`<wctp-Failure errorCode="${errorCode}"`);
    expect(carrier.received).toHaveLength(0);
  });
});

describe("WctpProvider when the endpoint cannot be reached", () => {
  it("records a refused connection as retryable", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const provider = new WctpProvider({ url: `http://127.0.0.1:${port}/wctp`, senderId: "homeward" });
    expect(await provider.send(page())).toMatchObject({
      status: "failed",
      retryable: true,
      code: "econnrefused",
    });
  });

  it("refuses a non-HTTP URL when it is configured, not when it sends", () => {
    expect(() => new WctpProvider({ url: "ftp://carrier.example/wctp", senderId: "homeward" })).toThrow(
      RangeError,
    );
  });
});
