import { signWebhook } from "@homeward/outbound";
import { isAnswer, postHttp } from "./outbound-http.ts";
import {
  type OutboundMessage,
  type OutboundResult,
  type OutboundSender,
  retryableHttpStatus,
} from "./outbound-sender.ts";

/**
 * Standard Webhooks: POST the JSON event with `webhook-id` (the delivery id, the same on every
 * retry, for the receiver's dedupe), `webhook-timestamp` (this attempt) and `webhook-signature`.
 * 2xx is delivered; 408, 429 and 5xx are retried with backoff; 410 Gone and other 4xx are not.
 * An https endpoint may have its own CA and a client certificate (mutual TLS).
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
    const answer = await postHttp(m.url, {
      headers: { "content-type": "application/json", ...signature },
      body,
      timeoutMs: this.options.timeoutMs,
      ...(m.tls === undefined ? {} : { tls: m.tls }),
    });
    if (!isAnswer(answer)) return answer;
    const res = { status: answer.http };
    if (res.status >= 200 && res.status <= 299) return { status: "sent", responseStatus: String(res.status) };
    return {
      status: "failed",
      retryable: retryableHttpStatus(res.status),
      code: `http-${res.status}`,
      message: `the webhook endpoint answered HTTP ${res.status}`,
      responseStatus: String(res.status),
    };
  }
}
