import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Standard Webhooks (standardwebhooks.com) signing: headers `webhook-id`, `webhook-timestamp`
 * (Unix seconds) and `webhook-signature` = `v1,` + base64(HMAC-SHA256(secret, `id.timestamp.body`)).
 * The secret is `whsec_` + base64 of 24–64 random bytes; the HMAC key is those bytes.
 */

export type WebhookHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

const PREFIX = "whsec_";

/** A new signing secret, shown once to the admin who creates the endpoint. */
export function newWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString("base64");
}

/** Whether `secret` is a Standard Webhooks secret (the prefix and 24 to 64 bytes). */
export function isWebhookSecret(secret: string): boolean {
  if (!secret.startsWith(PREFIX)) return false;
  const body = secret.slice(PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return false;
  const bytes = Buffer.from(body, "base64").length;
  return bytes >= 24 && bytes <= 64;
}

function hmacKey(secret: string): Buffer {
  if (!isWebhookSecret(secret)) throw new Error("not a webhook secret (whsec_ and base64 of 24 to 64 bytes)");
  return Buffer.from(secret.slice(PREFIX.length), "base64");
}

function signature(key: Buffer, id: string, timestamp: string, body: string): string {
  return createHmac("sha256", key).update(`${id}.${timestamp}.${body}`, "utf8").digest("base64");
}

/** The three headers of one attempt. The id stays the same across retries; the timestamp does not. */
export function signWebhook(secret: string, id: string, at: Date, body: string): WebhookHeaders {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return {
    "webhook-id": id,
    "webhook-timestamp": timestamp,
    "webhook-signature": `v1,${signature(hmacKey(secret), id, timestamp, body)}`,
  };
}

export type WebhookVerification =
  | { ok: true; id: string; timestamp: Date }
  | { ok: false; reason: "missing-headers" | "bad-timestamp" | "too-old" | "too-new" | "bad-signature" };

/**
 * What a receiver does before it trusts a webhook: the signature over the exact bytes received, any
 * of the space-separated `v1,` signatures (secret rotation), and the timestamp within `toleranceSeconds`
 * of its own clock (default 5 minutes), so a captured request cannot be replayed later. Within the
 * window, the receiver keeps the ids it has handled and ignores a second one (retries reuse the id).
 */
export function verifyWebhook(
  secret: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: string,
  now: Date,
  toleranceSeconds = 300,
): WebhookVerification {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const id = one("webhook-id");
  const timestamp = one("webhook-timestamp");
  const signatures = one("webhook-signature");
  if (id === undefined || timestamp === undefined || signatures === undefined)
    return { ok: false, reason: "missing-headers" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "bad-timestamp" };
  const skew = Math.floor(now.getTime() / 1000) - Number(timestamp);
  if (skew > toleranceSeconds) return { ok: false, reason: "too-old" };
  if (skew < -toleranceSeconds) return { ok: false, reason: "too-new" };
  const expected = Buffer.from(signature(hmacKey(secret), id, timestamp, body), "base64");
  for (const candidate of signatures.split(" ")) {
    const [version, value] = candidate.split(",", 2);
    if (version !== "v1" || value === undefined) continue;
    const given = Buffer.from(value, "base64");
    if (given.length === expected.length && timingSafeEqual(given, expected))
      return { ok: true, id, timestamp: new Date(Number(timestamp) * 1000) };
  }
  return { ok: false, reason: "bad-signature" };
}
