import { AdtEventKind } from "@homeward/contracts";
import { isWebhookSecret, parseSmartPrivateKey, tlsMaterialProblem } from "@homeward/outbound";
import { z } from "zod";
import { DbId } from "../schemas.ts";

/** Da Vinci FHIR notifications, signed webhooks, HL7 v2 forwarding over MLLP (FHIR Subscriptions: later, issue 17). */
export const EndpointKindIn = z.enum(["davinci_fhir", "webhook", "hl7v2_mllp"]);
export const AuthKindIn = z.enum(["none", "bearer", "webhook_secret", "smart_backend"]);

const HttpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((u) => !/[\s]/.test(u), "no spaces");

/** Write-only: the bearer token, webhook secret, or smart_backend private key (PEM or JWK). Never in any answer. */
const Secret = z.string().min(16, "at least 16 characters").max(8000);

/**
 * OAuth 2.0 client credentials with a signed JWT assertion (SMART Backend Services): the EHR's token
 * URL, the client id it registered for Homeward, the id of the key Homeward signs with; the scope
 * asked for (default system/*.write). The private key is the endpoint's secret.
 */
const SmartSettings = z.object({
  tokenUrl: HttpUrl,
  clientId: z.string().trim().min(1).max(500),
  keyId: z.string().trim().min(1).max(200),
  scope: z
    .string()
    .trim()
    .min(1)
    .max(1000)
    .regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, "scopes separated by single spaces")
    .nullable()
    .default(null),
});

const Pem = z.string().trim().min(1).max(20000);

/**
 * The endpoint's own TLS: `mllpTls` wraps HL7 v2's MLLP in TLS; `caPem` is the CA the server's
 * certificate must chain to (none: the system's); `clientCertPem` is Homeward's certificate for
 * mutual TLS (its key goes in `tlsClientKey`, write-only). FHIR and webhooks: https URLs only.
 */
const TlsSettings = z.object({
  mllpTls: z.boolean().default(false),
  caPem: Pem.nullable().default(null),
  clientCertPem: Pem.nullable().default(null),
});
const NO_TLS = { mllpTls: false, caPem: null, clientCertPem: null };

const EndpointFields = z.object({
  name: z.string().trim().min(1).max(200),
  kind: EndpointKindIn,
  /** davinci_fhir: the FHIR base (Homeward posts to [base]/$process-message); webhook: the URL it posts to. */
  url: HttpUrl.nullable().default(null),
  /** hl7v2_mllp: the EHR interface engine's host and port (MLLP, inside TLS with tls.mllpTls). */
  host: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.-]{1,253}$/, "a host name or IPv4 address")
    .nullable()
    .default(null),
  port: z.number().int().min(1).max(65535).nullable().default(null),
  authKind: AuthKindIn,
  /** smart_backend only: where and as whom Homeward gets its access token. */
  smart: SmartSettings.nullable().default(null),
  tls: TlsSettings.default(NO_TLS),
  /** Adt event kinds wanted; empty: every kind the channel carries. */
  eventKinds: z.array(AdtEventKind).max(AdtEventKind.options.length).default([]),
  /** Care-management programs wanted; empty: every record of the organization, enrolled or not. */
  programs: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
  enabled: z.boolean().default(true),
});

type Fields = z.infer<typeof EndpointFields>;

/** A webhook is signed (Standard Webhooks); a FHIR endpoint authenticates with no token or a bearer one. */
function checkAuth(
  f: Pick<Fields, "kind" | "authKind" | "url" | "host" | "port" | "smart" | "tls">,
  secret: string | null | undefined,
  ctx: z.RefinementCtx,
) {
  if (f.kind === "hl7v2_mllp") {
    if (f.host === null || f.port === null)
      ctx.addIssue({ code: "custom", path: ["host"], message: "HL7 forwarding needs host and port" });
    if (f.url !== null)
      ctx.addIssue({ code: "custom", path: ["url"], message: "HL7 forwarding takes host and port" });
    if (f.authKind !== "none")
      ctx.addIssue({
        code: "custom",
        path: ["authKind"],
        message: "HL7 forwarding over MLLP authenticates with none",
      });
  } else {
    if (f.url === null) ctx.addIssue({ code: "custom", path: ["url"], message: "a URL is required" });
    if (f.host !== null || f.port !== null)
      ctx.addIssue({ code: "custom", path: ["host"], message: "host and port are for HL7 forwarding" });
  }
  if (f.kind === "webhook" && f.authKind !== "webhook_secret")
    ctx.addIssue({ code: "custom", path: ["authKind"], message: "a webhook is signed: webhook_secret" });
  if (f.kind === "davinci_fhir" && f.authKind === "webhook_secret")
    ctx.addIssue({
      code: "custom",
      path: ["authKind"],
      message: "a FHIR endpoint takes none, bearer or smart_backend",
    });
  if (f.authKind === "smart_backend" && f.kind !== "davinci_fhir")
    ctx.addIssue({ code: "custom", path: ["authKind"], message: "smart_backend is for FHIR endpoints" });
  if (f.authKind === "smart_backend" && f.smart === null)
    ctx.addIssue({ code: "custom", path: ["smart"], message: "the token URL, client id and key id" });
  if (f.authKind !== "smart_backend" && f.smart !== null)
    ctx.addIssue({ code: "custom", path: ["smart"], message: "only with smart_backend" });
  checkTls(f, ctx);
  if (f.authKind === "smart_backend" && typeof secret === "string") {
    const parsed = parseSmartPrivateKey(secret);
    if ("error" in parsed) ctx.addIssue({ code: "custom", path: ["secret"], message: parsed.error });
  }
  if (f.authKind === "none" && typeof secret === "string")
    ctx.addIssue({ code: "custom", path: ["secret"], message: "no secret without an authentication kind" });
  if (f.authKind === "webhook_secret" && typeof secret === "string" && !isWebhookSecret(secret))
    ctx.addIssue({
      code: "custom",
      path: ["secret"],
      message: "a Standard Webhooks secret: whsec_ and base64 of 24 to 64 random bytes",
    });
}

function checkTls(f: Pick<Fields, "kind" | "url" | "tls">, ctx: z.RefinementCtx) {
  const { tls } = f;
  const own = tls.caPem !== null || tls.clientCertPem !== null;
  if (f.kind !== "hl7v2_mllp" && tls.mllpTls)
    ctx.addIssue({
      code: "custom",
      path: ["tls", "mllpTls"],
      message: "MLLP over TLS is for HL7 forwarding",
    });
  if (f.kind === "hl7v2_mllp" && own && !tls.mllpTls)
    ctx.addIssue({
      code: "custom",
      path: ["tls", "mllpTls"],
      message: "a CA or client certificate needs TLS on",
    });
  if (f.kind !== "hl7v2_mllp" && own && !(f.url ?? "").startsWith("https:"))
    ctx.addIssue({ code: "custom", path: ["url"], message: "TLS settings need an https URL" });
  const problem = tlsMaterialProblem({ caPem: tls.caPem, clientCertPem: tls.clientCertPem });
  if (problem !== undefined)
    ctx.addIssue({ code: "custom", path: ["tls", problem.field], message: problem.message });
}

/** Write-only: the client certificate's private key (PEM). */
const TlsClientKey = z.string().trim().min(1).max(20000);

/** The client key must belong to the client certificate; no key without a certificate. */
function checkTlsKey(b: Pick<Fields, "tls"> & { tlsClientKey?: string | undefined }, ctx: z.RefinementCtx) {
  if (b.tlsClientKey === undefined) return;
  if (b.tls.clientCertPem === null) {
    ctx.addIssue({ code: "custom", path: ["tlsClientKey"], message: "a key only with a client certificate" });
    return;
  }
  const problem = tlsMaterialProblem({ clientCertPem: b.tls.clientCertPem, clientKeyPem: b.tlsClientKey });
  if (problem?.field === "tlsClientKey")
    ctx.addIssue({ code: "custom", path: ["tlsClientKey"], message: problem.message });
}

export const NewEndpoint = EndpointFields.extend({
  organizationId: DbId,
  secret: Secret.optional(),
  tlsClientKey: TlsClientKey.optional(),
}).superRefine((b, ctx) => {
  checkAuth(b, b.secret, ctx);
  checkTlsKey(b, ctx);
  if (b.tls.clientCertPem !== null && b.tlsClientKey === undefined)
    ctx.addIssue({ code: "custom", path: ["tlsClientKey"], message: "the client certificate's key" });
  if (b.authKind !== "none" && b.secret === undefined)
    ctx.addIssue({ code: "custom", path: ["secret"], message: `${b.authKind} needs its secret` });
});

/** `secret`: a new one replaces it; omitted keeps the stored one. */
export const EndpointUpdate = EndpointFields.extend({
  secret: Secret.optional(),
  tlsClientKey: TlsClientKey.optional(),
}).superRefine((b, ctx) => {
  checkAuth(b, b.secret, ctx);
  checkTlsKey(b, ctx);
});

export const EndpointOut = z
  .object({
    id: DbId,
    organizationId: DbId,
    name: z.string(),
    kind: z.enum(["davinci_fhir", "webhook", "hl7v2_mllp"]),
    url: z.string().nullable(),
    host: z.string().nullable(),
    port: z.number().int().nullable(),
    authKind: AuthKindIn,
    smart: z
      .object({ tokenUrl: z.string(), clientId: z.string(), keyId: z.string(), scope: z.string().nullable() })
      .nullable(),
    tls: z.object({
      mllpTls: z.boolean(),
      caPem: z.string().nullable(),
      clientCertPem: z.string().nullable(),
    }),
    /** Whether the client certificate's key is stored; the key itself is never returned. */
    hasTlsClientKey: z.boolean(),
    /** Whether a secret is stored; the secret itself is never returned. */
    hasSecret: z.boolean(),
    eventKinds: z.array(AdtEventKind),
    programs: z.array(z.string()),
    enabled: z.boolean(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "OutboundEndpoint" });

export const OutboundDeliveryOut = z
  .object({
    id: z.string(),
    /** The endpoint; null for a FHIR Subscription's event notification (then subscriptionId is set). */
    endpointId: DbId.nullable(),
    subscriptionId: z.string().nullable(),
    /** The endpoint's name, or "FHIR Subscription <start of its id> (<topic>)". */
    endpointName: z.string(),
    kind: z.enum(["davinci_fhir", "webhook", "hl7v2_mllp", "fhir_subscription"]),
    purpose: z.enum(["notification", "retraction"]),
    status: z.string(),
    attempts: z.number().int(),
    responseStatus: z.string().nullable(),
    lastError: z.string().nullable(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: "OutboundDelivery" });
