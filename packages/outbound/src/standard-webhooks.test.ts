import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isWebhookSecret, newWebhookSecret, signWebhook, verifyWebhook } from "./standard-webhooks.ts";

const at = new Date("2026-03-10T15:00:00Z");

describe("Standard Webhooks signatures", () => {
  it("sign id.timestamp.body with HMAC-SHA256 under the secret's bytes, as the convention writes it", () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
    const body = '{"type":"encounter.discharge"}';
    const headers = signWebhook(secret, "msg_1", at, body);
    const expected = createHmac("sha256", Buffer.alloc(32, 7))
      .update(`msg_1.${Math.floor(at.getTime() / 1000)}.${body}`)
      .digest("base64");
    expect(headers).toEqual({
      "webhook-id": "msg_1",
      "webhook-timestamp": "1773154800",
      "webhook-signature": `v1,${expected}`,
    });
    expect(verifyWebhook(secret, headers, body, at)).toEqual({ ok: true, id: "msg_1", timestamp: at });
  });

  it("refuse a changed body, another secret, a stale or future timestamp and missing headers", () => {
    const secret = newWebhookSecret();
    expect(isWebhookSecret(secret)).toBe(true);
    const body = '{"a":1}';
    const headers = signWebhook(secret, "msg_2", at, body);
    expect(verifyWebhook(secret, headers, '{"a":2}', at)).toEqual({ ok: false, reason: "bad-signature" });
    expect(verifyWebhook(newWebhookSecret(), headers, body, at)).toEqual({
      ok: false,
      reason: "bad-signature",
    });
    expect(verifyWebhook(secret, headers, body, new Date(at.getTime() + 301_000))).toEqual({
      ok: false,
      reason: "too-old",
    });
    expect(verifyWebhook(secret, headers, body, new Date(at.getTime() - 301_000))).toEqual({
      ok: false,
      reason: "too-new",
    });
    expect(verifyWebhook(secret, { "webhook-id": "x" }, body, at)).toEqual({
      ok: false,
      reason: "missing-headers",
    });
  });

  it("accept any of several signatures (a receiver rotating secrets), and only v1", () => {
    const secret = newWebhookSecret();
    const headers = signWebhook(secret, "msg_3", at, "{}");
    const rotated = { ...headers, "webhook-signature": `v1a,xyz v1,AAAA ${headers["webhook-signature"]}` };
    expect(verifyWebhook(secret, rotated, "{}", at).ok).toBe(true);
    expect(isWebhookSecret("whsec_short")).toBe(false);
    expect(isWebhookSecret("plain-secret-without-prefix-0123456789")).toBe(false);
  });
});
