import type { DeliveryResult, OutboundPage, PagerProvider } from "../provider.ts";
import { buildSubmitRequest, classifyWctpErrorCode, parseWctpConfirmation } from "./wctp-protocol.ts";

/** The carrier's WCTP endpoint and Homeward's credentials there. Plain data, filled from env.ts by main.ts. */
export interface WctpProviderConfig {
  /** The carrier's WCTP URL (http or https), e.g. `https://wctp.carrier.example/wctp`. */
  url: string;
  /** `wctp-Originator senderID`: Homeward's account at the carrier. */
  senderId: string;
  /** `wctp-Originator securityCode`, when the carrier requires one. */
  securityCode?: string | undefined;
  /** `wctp-Recipient authorizationCode`, when the carrier requires one. */
  authorizationCode?: string | undefined;
  /** Milliseconds for the whole exchange, response body included (default 15 000). */
  timeoutMs?: number;
  /** The provider name recorded with each attempt (default "wctp"). */
  name?: string;
}

/**
 * Pages through a carrier's WCTP 1.3 gateway: one `wctp-SubmitRequest` per page, POSTed as text/xml
 * with node's fetch. The delivery id is the WCTP messageID, so when a timeout hides a page the carrier
 * did accept, the retry carries the same messageID and the carrier can drop the duplicate.
 * Hand-written (see wctp-protocol.ts): there is no maintained WCTP client library for Node.
 */
export class WctpProvider implements PagerProvider {
  readonly name: string;
  readonly #config: WctpProviderConfig;
  readonly #url: URL;
  readonly #timeoutMs: number;

  constructor(config: WctpProviderConfig) {
    this.name = config.name ?? "wctp";
    this.#config = config;
    this.#url = new URL(config.url);
    if (this.#url.protocol !== "https:" && this.#url.protocol !== "http:") {
      throw new RangeError(`WCTP provider: ${this.#url.protocol} is not an HTTP(S) URL`);
    }
    this.#timeoutMs = config.timeoutMs ?? 15_000;
  }

  async send(page: OutboundPage): Promise<DeliveryResult> {
    const body = buildSubmitRequest({
      senderId: this.#config.senderId,
      securityCode: this.#config.securityCode,
      recipientId: page.pagerId,
      authorizationCode: this.#config.authorizationCode,
      messageId: page.deliveryId,
      text: page.text,
    });
    let status: number;
    let responseText: string;
    try {
      const signal = AbortSignal.timeout(this.#timeoutMs);
      const response = await fetch(this.#url, {
        method: "POST",
        headers: { "content-type": "text/xml; charset=utf-8", accept: "text/xml, application/xml" },
        body,
        signal,
        // A redirect would re-send PHI somewhere not configured: record it instead (a config problem).
        redirect: "manual",
      });
      status = response.status;
      responseText = await response.text();
    } catch (error) {
      return this.#failed(true, fetchErrorCode(error), "WCTP request did not complete");
    }
    if (status < 200 || status > 299) {
      // 408, 429 and 5xx are the gateway's passing trouble; other statuses (404, 401, 3xx) need a config fix.
      const retryable = status >= 500 || status === 408 || status === 429;
      return this.#failed(retryable, `http-${status}`, `WCTP endpoint answered HTTP ${status}`);
    }
    const confirmation = parseWctpConfirmation(responseText);
    switch (confirmation.kind) {
      case "success":
        return { status: "sent", provider: this.name, providerMessageId: page.deliveryId };
      case "failure": {
        const { retryable, label } = classifyWctpErrorCode(confirmation.code);
        const code = /^[A-Za-z0-9_-]{1,16}$/.test(confirmation.code) ? confirmation.code : "unknown";
        const kind = retryable ? "temporary" : "permanent";
        return this.#failed(retryable, `wctp-${code}`, `WCTP ${kind} failure ${code}: ${label}`);
      }
      case "malformed":
        // The page may or may not have been taken; a retry is safe because the carrier de-duplicates on messageID.
        return this.#failed(
          true,
          "wctp-malformed-response",
          `WCTP response unreadable: ${confirmation.reason}`,
        );
    }
  }

  async close(): Promise<void> {
    // fetch keeps no connection of ours open beyond undici's idle pool, which needs no explicit close.
  }

  #failed(retryable: boolean, code: string, message: string): DeliveryResult {
    return { status: "failed", provider: this.name, retryable, code, message };
  }
}

/** A stable code for a fetch that threw: a timeout, a socket error code, or a generic network error. */
function fetchErrorCode(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return "timeout";
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === "string" ? cause.code.toLowerCase() : "network-error";
}
