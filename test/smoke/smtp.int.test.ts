import { randomUUID } from "node:crypto";
import { readMailDevInbox, startSmtpSink, testStack } from "@homeward/testing";
import nodemailer from "nodemailer";
import { describe, expect, it, vi } from "vitest";

describe("SMTP (real servers)", () => {
  it("sends with nodemailer to the stack's mail server and reads it back from its inbox API", async () => {
    const stack = testStack();
    const to = `cm-${randomUUID()}@practice.example`;
    const transport = nodemailer.createTransport(stack.settings.smtp.url);
    const info = await transport.sendMail({
      from: "alerts@homeward.example",
      to,
      subject: "Homeward alert",
      text: "Open Homeward to see the task.",
    });
    expect(info.accepted).toEqual([to]);
    transport.close();
    await vi.waitFor(
      async () => {
        const inbox = await readMailDevInbox(stack.mailWebUrl, to);
        expect(inbox.map((m) => m.subject)).toEqual(["Homeward alert"]);
      },
      { timeout: 10_000, interval: 200 },
    );
  });

  it("an in-process SMTP sink receives, parses, and can refuse temporarily", async () => {
    const sink = await startSmtpSink();
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: sink.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      sink.failTemporarily(true);
      await expect(
        transport.sendMail({ from: "a@x.example", to: "b@y.example", subject: "s", text: "t" }),
      ).rejects.toThrow(/451/);
      sink.failTemporarily(false);
      await transport.sendMail({
        from: "a@x.example",
        to: "b@y.example",
        subject: "Follow-up due",
        text: "body",
      });
      const [mail] = await sink.waitFor(1);
      expect(mail).toMatchObject({
        from: "a@x.example",
        to: ["b@y.example"],
        subject: "Follow-up due",
        text: "body\n",
      });
    } finally {
      transport.close();
      await sink.close();
    }
  });
});
