import { Agent, fetch } from "undici";
import { networkFailure, type OutboundResult, type OutboundTls } from "./outbound-sender.ts";

/** What an HTTP receiver answered: the status and the body as text. */
export interface HttpAnswer {
  http: number;
  text: string;
}

/**
 * One POST for the HTTP channels (FHIR, webhooks), through undici so that an endpoint's own TLS
 * settings apply to it alone: the CA its server's certificate must chain to, and Homeward's client
 * certificate for mutual TLS. Without them the default agent (the system's CAs) is used. A failure
 * to connect, a refused certificate or a timeout is a retryable outcome, not a throw.
 */
export async function postHttp(
  url: string,
  init: { headers: Record<string, string>; body: string; timeoutMs: number; tls?: OutboundTls },
): Promise<HttpAnswer | OutboundResult> {
  const agent =
    init.tls === undefined
      ? undefined
      : new Agent({
          connect: {
            ...(init.tls.ca === undefined ? {} : { ca: init.tls.ca }),
            ...(init.tls.cert === undefined ? {} : { cert: init.tls.cert }),
            ...(init.tls.key === undefined ? {} : { key: init.tls.key }),
          },
        });
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(init.timeoutMs),
      ...(agent === undefined ? {} : { dispatcher: agent }),
    });
    const text = await res.text().catch(() => "");
    return { http: res.status, text };
  } catch (err) {
    return networkFailure(err);
  } finally {
    await agent?.close().catch(() => undefined);
  }
}

/** Whether a POST got an answer (rather than a network failure outcome). */
export const isAnswer = (r: HttpAnswer | OutboundResult): r is HttpAnswer => "http" in r;
