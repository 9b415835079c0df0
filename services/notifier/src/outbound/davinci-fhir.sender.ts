import type { Bundle, MessageHeader } from "@medplum/fhirtypes";
import {
  networkFailure,
  type OutboundMessage,
  type OutboundResult,
  type OutboundSender,
  retryableHttpStatus,
} from "./outbound-sender.ts";

/**
 * Da Vinci notifications with FHIR messaging's `$process-message` (synchronous): POST the message
 * Bundle to `[base]/$process-message`, with the endpoint's bearer token when it has one. A 2xx is
 * delivered unless the response message says `fatal-error` (never retried) or `transient-error`
 * (retried); 202 (the receiver queued it) is delivered. 408, 429 and 5xx are retried; other 4xx are
 * not (the message or the configuration is wrong: retrying will not fix it).
 */
export class DaVinciFhirSender implements OutboundSender {
  constructor(private readonly options: { timeoutMs: number }) {}

  async send(m: OutboundMessage): Promise<OutboundResult> {
    const url = `${m.url.replace(/\/+$/, "")}/$process-message`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/fhir+json",
          accept: "application/fhir+json",
          ...(m.secret === undefined ? {} : { authorization: `Bearer ${m.secret}` }),
        },
        body: JSON.stringify(m.payload),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      return networkFailure(err);
    }
    const text = await res.text().catch(() => "");
    if (!res.ok) {
      return {
        status: "failed",
        retryable: retryableHttpStatus(res.status),
        code: `http-${res.status}`,
        message: `the FHIR endpoint answered HTTP ${res.status}`,
        responseStatus: String(res.status),
      };
    }
    const code = responseCode(text);
    if (code === "fatal-error" || code === "transient-error") {
      return {
        status: "failed",
        retryable: code === "transient-error",
        code,
        message: `the FHIR endpoint answered the message with ${code}`,
        responseStatus: `${res.status} ${code}`,
      };
    }
    return {
      status: "sent",
      responseStatus: code === undefined ? String(res.status) : `${res.status} ${code}`,
    };
  }
}

/** MessageHeader.response.code of a response message, if the body is one. */
function responseCode(text: string): string | undefined {
  try {
    const bundle = JSON.parse(text) as Bundle;
    const header = bundle.entry?.[0]?.resource as MessageHeader | undefined;
    return header?.resourceType === "MessageHeader" ? header.response?.code : undefined;
  } catch {
    return undefined;
  }
}
