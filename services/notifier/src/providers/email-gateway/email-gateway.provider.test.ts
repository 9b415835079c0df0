import { type SmtpSink, startSmtpSink } from "@homeward/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SmtpProvider } from "../smtp/smtp.provider.ts";
import { EmailGatewayProvider } from "./email-gateway.provider.ts";

describe("EmailGatewayProvider through a real SMTP server", () => {
  let sink: SmtpSink;
  let smtp: SmtpProvider;
  let gateway: EmailGatewayProvider;
  beforeEach(async () => {
    sink = await startSmtpSink();
    smtp = new SmtpProvider({
      host: "127.0.0.1",
      port: sink.port,
      from: "Homeward <alerts@homeward.example>",
    });
    gateway = new EmailGatewayProvider(smtp, { gatewayDomain: "page.carrier.example" });
  });
  afterEach(async () => {
    await gateway.close();
    await smtp.close();
    await sink.close();
  });

  it("mails the page text, text only, to pagerId@gatewayDomain under a fixed subject", async () => {
    const text = "ED ARRIVAL Mercy Gen Tue 14:32 Tier I. homeward.example/e/1";
    const result = await gateway.send({ deliveryId: "dlv-7", pagerId: "5551234", text });
    const [mail] = await sink.waitFor(1);
    expect(mail?.to).toEqual(["5551234@page.carrier.example"]);
    expect(mail?.subject).toBe("Homeward");
    expect(mail?.text.trim()).toBe(text);
    expect(mail?.html).toBe("");
    expect(mail?.messageId).toBe("<dlv-7@homeward.example>");
    expect(result).toEqual({
      status: "sent",
      provider: "email-gateway",
      providerMessageId: "<dlv-7@homeward.example>",
    });
  });

  it("passes a temporary SMTP failure on as retryable, under its own name", async () => {
    sink.failTemporarily(true);
    const result = await gateway.send({ deliveryId: "dlv-8", pagerId: "5551234", text: "x" });
    expect(result).toMatchObject({
      status: "failed",
      provider: "email-gateway",
      retryable: true,
      code: "smtp-451",
    });
  });

  it.each(["555 1234", "a@b", "<x>", "", ".5551234"])(
    "refuses pager id %j without sending anything",
    async (pagerId) => {
      const result = await gateway.send({ deliveryId: "dlv-9", pagerId, text: "x" });
      expect(result).toMatchObject({ status: "failed", retryable: false, code: "invalid-pager-id" });
      expect(result.status === "failed" && result.message).toBe(
        "pager id is not usable as a gateway address",
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sink.received).toHaveLength(0);
    },
  );

  it("uses a configured subject word", async () => {
    const quiet = new EmailGatewayProvider(smtp, { gatewayDomain: "page.carrier.example", subject: "Page" });
    await quiet.send({ deliveryId: "dlv-10", pagerId: "5550000", text: "x" });
    expect((await sink.waitFor(1))[0]?.subject).toBe("Page");
  });
});
