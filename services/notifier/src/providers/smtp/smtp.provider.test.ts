import { generateKeyPairSync } from "node:crypto";
import { type SmtpSink, startSmtpSink } from "@homeward/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OutboundEmail } from "../provider.ts";
import { classifySmtpError, DELIVERY_HEADER, deliveryMessageId, SmtpProvider } from "./smtp.provider.ts";
import { freePort, startRejectingServer, verifyRelaxedDkim } from "./smtp.test-support.ts";

const email = (over: Partial<OutboundEmail> = {}): OutboundEmail => ({
  deliveryId: "dlv-0001",
  to: "care.manager@practice.example",
  subject: "[Homeward] ED arrival - Mercy General",
  text: "ED arrival at Mercy General.",
  html: "<p>ED arrival at <b>Mercy General</b>.</p>",
  ...over,
});

const headerOf = (raw: Buffer, name: string) =>
  new RegExp(`^${name}:[ \\t]*(.*(?:\\r\\n[ \\t].*)*)`, "im")
    .exec(raw.toString("utf8"))?.[1]
    ?.replace(/\r\n/g, "");

describe("SmtpProvider against a real SMTP server", () => {
  let sink: SmtpSink;
  let provider: SmtpProvider | undefined;
  const open = (over: Partial<ConstructorParameters<typeof SmtpProvider>[0]> = {}) => {
    provider = new SmtpProvider({
      host: "127.0.0.1",
      port: sink.port,
      from: "Homeward <alerts@homeward.example>",
      ...over,
    });
    return provider;
  };

  beforeEach(async () => {
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    await provider?.close();
    provider = undefined;
    await sink.close();
  });

  it("delivers subject, text, html and the delivery headers, and reports the Message-ID", async () => {
    const result = await open().send(email());
    const [mail] = await sink.waitFor(1);
    expect(mail?.subject).toBe("[Homeward] ED arrival - Mercy General");
    expect(mail?.text.trim()).toBe("ED arrival at Mercy General.");
    expect(mail?.html).toContain("<b>Mercy General</b>");
    expect(mail?.from).toBe("alerts@homeward.example");
    expect(mail?.to).toEqual(["care.manager@practice.example"]);
    expect(mail?.messageId).toBe("<dlv-0001@homeward.example>");
    const raw = mail?.raw ?? Buffer.alloc(0);
    expect(headerOf(raw, DELIVERY_HEADER)).toBe("dlv-0001");
    expect(headerOf(raw, "Auto-Submitted")).toBe("auto-generated");
    expect(result).toEqual({
      status: "sent",
      provider: "smtp",
      providerMessageId: "<dlv-0001@homeward.example>",
    });
  });

  it("gives a resend of the same delivery the same Message-ID, and different deliveries different ones", async () => {
    const p = open({ messageIdDomain: "mail.homeward.example" });
    await p.send(email({ deliveryId: "a:b/c d" }));
    await p.send(email({ deliveryId: "a:b/c d" }));
    await p.send(email({ deliveryId: "a:b/c_d" }));
    const mails = await sink.waitFor(3);
    expect(mails.map((m) => m.messageId)).toEqual([
      "<a%3Ab%2Fc%20d@mail.homeward.example>",
      "<a%3Ab%2Fc%20d@mail.homeward.example>",
      "<a%3Ab%2Fc_d@mail.homeward.example>",
    ]);
    expect(headerOf(mails[0]?.raw ?? Buffer.alloc(0), DELIVERY_HEADER)).toBe("a:b/c d");
  });

  it("sends a text-only mail when html is empty", async () => {
    await open().send(email({ html: "" }));
    const [mail] = await sink.waitFor(1);
    expect(mail?.html).toBe("");
    expect(mail?.raw.toString()).not.toMatch(/text\/html/i);
  });

  it("records a 451 as a retryable failure, and the pool sends again once the server recovers", async () => {
    const p = open();
    sink.failTemporarily(true);
    const failed = await p.send(email());
    expect(failed).toMatchObject({ status: "failed", provider: "smtp", retryable: true, code: "smtp-451" });
    expect(sink.received).toHaveLength(0);
    sink.failTemporarily(false);
    expect(await p.send(email())).toMatchObject({ status: "sent" });
    expect(await sink.waitFor(1)).toHaveLength(1);
  });

  it("signs with DKIM when configured, with a signature that verifies against the public key", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await open({ dkim: { domainName: "homeward.example", keySelector: "hw2024", privateKey: pem } }).send(
      email(),
    );
    const [mail] = await sink.waitFor(1);
    const raw = mail?.raw ?? Buffer.alloc(0);
    const signature = headerOf(raw, "DKIM-Signature") ?? "";
    expect(signature).toMatch(/\bd=homeward\.example\b/);
    expect(signature).toMatch(/\bs=hw2024\b/);
    expect(verifyRelaxedDkim(raw, publicKey)).toBe(true);
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;
    expect(verifyRelaxedDkim(raw, other)).toBe(false);
  });

  it("sends no DKIM signature when not configured", async () => {
    await open().send(email());
    const [mail] = await sink.waitFor(1);
    expect(headerOf(mail?.raw ?? Buffer.alloc(0), "DKIM-Signature")).toBeUndefined();
  });
});

describe("SmtpProvider when the server cannot be used", () => {
  it("records a closed port as a retryable failure", async () => {
    const port = await freePort();
    const provider = new SmtpProvider({ host: "127.0.0.1", port, from: "alerts@homeward.example" });
    const result = await provider.send(email());
    await provider.close();
    expect(result).toMatchObject({ status: "failed", retryable: true });
    expect(result.status === "failed" && result.code).toMatch(/^(econnection|esocket|econnrefused)$/);
  });

  it("records a 550 for the recipient as permanent, without the address in the message", async () => {
    const server = await startRejectingServer();
    const provider = new SmtpProvider({
      host: "127.0.0.1",
      port: server.port,
      from: "alerts@homeward.example",
    });
    const result = await provider.send(email());
    await provider.close();
    await server.close();
    expect(result).toMatchObject({ status: "failed", retryable: false, code: "smtp-550" });
    expect(result.status === "failed" && result.message).toBe(
      "SMTP permanent failure 550 (5.1.1) after RCPT",
    );
  });
});

describe("classifySmtpError", () => {
  it.each([
    [{ code: "EENVELOPE", responseCode: 452, command: "RCPT TO" }, true, "smtp-452"],
    [{ code: "EMESSAGE", responseCode: 554, command: "DATA" }, false, "smtp-554"],
    [{ code: "EAUTH", responseCode: 535, command: "AUTH PLAIN" }, false, "smtp-535"],
    [{ code: "EENVELOPE", command: "API" }, false, "eenvelope"],
    [{ code: "ETIMEDOUT", command: "CONN" }, true, "etimedout"],
    [{ code: "ECONNECTION", command: "CONN" }, true, "econnection"],
    [new Error("something odd"), true, "eunknown"],
  ])("%o -> retryable %s, %s", (error, retryable, code) => {
    expect(classifySmtpError(error)).toMatchObject({ retryable, code });
  });
});

describe("deliveryMessageId", () => {
  it("keeps safe ids readable and encodes the rest one-to-one", () => {
    expect(deliveryMessageId("dlv_01-AB", "h.example")).toBe("<dlv_01-AB@h.example>");
    expect(deliveryMessageId("%41", "h")).not.toBe(deliveryMessageId("A", "h"));
    expect(deliveryMessageId("é<>", "h")).toBe("<%C3%A9%3C%3E@h>");
  });
});
