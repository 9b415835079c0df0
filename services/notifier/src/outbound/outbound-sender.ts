import type { SmartBackendSettings } from "@homeward/outbound";

/**
 * The port every outbound channel implements (as providers/provider.ts is for email and pages): one
 * `send`, whose outcome is data. `message` is for operators and is stored with the attempt: never
 * PHI, never text from the remote server (which may echo the payload); `responseStatus` is the
 * receiver's answer (HTTP status, FHIR response code).
 */
export interface OutboundMessage {
  /** The delivery id: the idempotency key the receiver sees (Bundle identifier, webhook-id). */
  deliveryId: string;
  /** Where: the FHIR base, the webhook URL, or `mllp://host:port`. */
  url: string;
  /** The endpoint's id: what a sender's per-endpoint state (an access token) is kept under. */
  endpointId?: string;
  /** The endpoint's bearer token, webhook signing secret or SMART private key, in clear, for this send only. */
  secret: string | undefined;
  /** Set when the endpoint gets its access token with SMART Backend Services (the secret is the private key). */
  smart?: SmartBackendSettings;
  /** The endpoint's own TLS (MLLP over TLS; a private CA or a client certificate for HTTPS); omitted: none of its own. */
  tls?: OutboundTls;
  payload: unknown;
}

/** PEM texts for one connection; the key is in clear for this send only. */
export interface OutboundTls {
  ca?: string;
  cert?: string;
  key?: string;
}

export type OutboundResult =
  | { status: "sent"; responseStatus: string }
  | { status: "failed"; retryable: boolean; code: string; message: string; responseStatus?: string };

export interface OutboundSender {
  send(message: OutboundMessage): Promise<OutboundResult>;
}

/** Whether an HTTP status is worth another try: timeouts, throttling and server errors. */
export const retryableHttpStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/** A network failure as a result (refused, reset, timed out): always worth another try. */
export function networkFailure(err: unknown): OutboundResult {
  const name = err instanceof Error ? err.name : "Error";
  const cause =
    err instanceof Error && err.cause instanceof Error
      ? (err.cause as NodeJS.ErrnoException).code
      : undefined;
  const code =
    name === "TimeoutError" || name === "AbortError" ? "timeout" : (cause ?? "network").toLowerCase();
  return { status: "failed", retryable: true, code, message: `no answer from the endpoint (${code})` };
}
