import { signWebhook } from "@homeward/outbound";
import {
  networkFailure,
  type OutboundMessage,
  type OutboundResult,
  type OutboundSender,
  retryableHttpStatus,
} from "./outbound-sender.ts";

/**
 * Standard Webhooks: POST the JSON event with `webhook-id` (the delivery id, the same on every
 * retry, for the receiver's dedupe), `webhook-timestamp` (this attempt) and `webhook-signature`.
 * 2xx is delivered; 408, 429 and 5xx are retried with backoff; 410 Gone and other 4xx are not.
 */
export class WebhookSender implements OutboundSender {
  constructor(private readonly options: { timeoutMs: number; now: () => Date }) {}

  async send(m: OutboundMessage): Promise<OutboundResult> {
    if (m.secret === undefined)
      return {
        status: "failed",
        retryable: false,
        code: "no-secret",
        message: "the webhook has no signing secret",
      };
    const body = JSON.stringify(m.payload);
    let signature: ReturnType<typeof signWebhook>;
    try {
      signature = signWebhook(m.secret, m.deliveryId, this.options.now(), body);
    } catch {
      return {
        status: "failed",
        retryable: false,
        code: "bad-secret",
        message: "the endpoint's signing secret is not a whsec_ secret",
      };
    }
    let res: Response;
    try {
      res = await fetch(m.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...signature },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      return networkFailure(err);
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { status: "sent", responseStatus: String(res.status) };
    return {
      status: "failed",
      retryable: retryableHttpStatus(res.status),
      code: `http-${res.status}`,
      message: `the webhook endpoint answered HTTP ${res.status}`,
      responseStatus: String(res.status),
    };
  }
}
