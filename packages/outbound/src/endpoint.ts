import { AdtEventKind, type MatchedEvent } from "@homeward/contracts";
import { z } from "zod";
import { notificationEventOf } from "./fhir-codes.ts";

/** How Homeward reaches an organization's system. FHIR Subscriptions and OAuth come later (issue 17). */
export const EndpointKind = z.enum(["davinci_fhir", "webhook", "hl7v2_mllp"]);
export type EndpointKind = z.infer<typeof EndpointKind>;

/**
 * How a request proves it is Homeward: a bearer token, a Standard Webhooks signature, or (FHIR) an
 * access token obtained with OAuth 2.0 client credentials and a signed JWT assertion, as SMART
 * Backend Services do.
 */
export const EndpointAuthKind = z.enum(["none", "bearer", "webhook_secret", "smart_backend"]);
export type EndpointAuthKind = z.infer<typeof EndpointAuthKind>;

/**
 * What a `smart_backend` endpoint needs besides its private key (the sealed secret): where to get a
 * token, as whom, with which of the client's keys, for what scope.
 */
export interface SmartBackendSettings {
  /** The EHR's OAuth 2.0 token endpoint: the assertion's `aud`. */
  tokenUrl: string;
  /** The client id the EHR registered for Homeward: the assertion's `iss` and `sub`. */
  clientId: string;
  /** The JWT header's `kid`: which of the client's registered keys signed. */
  keyId: string;
  /** The scope asked for; null: {@link DEFAULT_SMART_SCOPE}. */
  scope: string | null;
}

/** What Homeward asks for when the endpoint names no scope: writing (posting messages) to any resource. */
export const DEFAULT_SMART_SCOPE = "system/*.write";

/**
 * An endpoint's TLS: for FHIR and webhooks TLS comes with an https URL and these add a client
 * certificate (mutual TLS) or a private CA; for HL7 v2, `mllpTls` wraps MLLP in TLS.
 */
export interface EndpointTls {
  mllpTls: boolean;
  /** PEM: the CA certificates the server's certificate must chain to; null: the system's CAs. */
  caPem: string | null;
  /** PEM: Homeward's client certificate for this endpoint (its key is sealed, never returned). */
  clientCertPem: string | null;
}

/** What routing to an endpoint looks at. */
export interface EndpointInterest {
  kind: EndpointKind;
  enabled: boolean;
  /** Empty: every kind the channel carries. */
  eventKinds: readonly AdtEventKind[];
  /** Empty: every record, enrolled or not. */
  programs: readonly string[];
}

/**
 * Whether an announcement goes to this endpoint: enabled, the event kind carried by the channel (a
 * Da Vinci message exists only for admits, discharges and transfers; webhooks and HL7 forwarding
 * carry every kind) and wanted, the program wanted. Which organization's patients it is about was decided by
 * routing: the caller passes only the endpoints of the record's own organization.
 */
export function endpointWants(endpoint: EndpointInterest, matched: MatchedEvent): boolean {
  if (!endpoint.enabled || matched.kind !== "announcement") return false;
  const kind = matched.event.kind;
  if (endpoint.kind === "davinci_fhir" && notificationEventOf(kind) === undefined) return false;
  if (endpoint.eventKinds.length > 0 && !endpoint.eventKinds.includes(kind)) return false;
  if (endpoint.programs.length > 0) {
    const program = matched.enrollment?.program;
    if (program === undefined || !endpoint.programs.includes(program)) return false;
  }
  return true;
}

export const EventKindList = z.array(AdtEventKind).max(AdtEventKind.options.length);
