import type { Bundle, MessageHeader } from "@medplum/fhirtypes";
import { type HttpAnswer, isAnswer, postHttp } from "./outbound-http.ts";
import {
  type OutboundMessage,
  type OutboundResult,
  type OutboundSender,
  retryableHttpStatus,
} from "./outbound-sender.ts";
import type { SmartBackendTokens } from "./smart-backend-token.ts";

/**
 * Da Vinci notifications with FHIR messaging's `$process-message` (synchronous): POST the message
 * Bundle to `[base]/$process-message`, with the endpoint's bearer token when it has one. A 2xx is
 * delivered unless the response message says `fatal-error` (never retried) or `transient-error`
 * (retried); 202 (the receiver queued it) is delivered. 408, 429 and 5xx are retried; other 4xx are
 * not (the message or the configuration is wrong: retrying will not fix it).
 *
 * A `smart_backend` endpoint's access token comes from `tokens` (SMART Backend Services); when the
 * FHIR server answers 401 the token is dropped and the message sent once more with a fresh one.
 */
export class DaVinciFhirSender implements OutboundSender {
  constructor(private readonly options: { timeoutMs: number; tokens?: SmartBackendTokens }) {}

  async send(m: OutboundMessage): Promise<OutboundResult> {
    const url = `${m.url.replace(/\/+$/, "")}/$process-message`;
    let bearer = m.secret;
    const smart = m.smart;
    if (smart !== undefined) {
      const tokens = this.options.tokens;
      if (tokens === undefined || m.secret === undefined)
        return {
          status: "failed",
          retryable: false,
          code: "smart-unavailable",
          message: "no SMART token source",
        };
      const endpointKey = m.endpointId ?? m.url;
      const privateKey = m.secret;
      const got = await tokens.token(endpointKey, smart, privateKey);
      if ("status" in got) return got;
      bearer = got.token;
      const first = await this.post(m, url, bearer);
      if (!isAnswer(first) || first.http !== 401) return this.resultOf(first);
      tokens.forget(endpointKey, smart, privateKey);
      const fresh = await tokens.token(endpointKey, smart, privateKey);
      if ("status" in fresh) return fresh;
      return this.resultOf(await this.post(m, url, fresh.token));
    }
    return this.resultOf(await this.post(m, url, bearer));
  }

  private post(
    m: OutboundMessage,
    url: string,
    bearer: string | undefined,
  ): Promise<HttpAnswer | OutboundResult> {
    return postHttp(url, {
      headers: {
        "content-type": "application/fhir+json",
        accept: "application/fhir+json",
        ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
      },
      body: JSON.stringify(m.payload),
      timeoutMs: this.options.timeoutMs,
      ...(m.tls === undefined ? {} : { tls: m.tls }),
    });
  }

  private resultOf(answer: HttpAnswer | OutboundResult): OutboundResult {
    if (!isAnswer(answer)) return answer;
    const res = { status: answer.http };
    const text = answer.text;
    if (res.status < 200 || res.status > 299) {
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
