import { AdtEventKind } from "@homeward/contracts";
import { isWebhookSecret } from "@homeward/outbound";
import { z } from "zod";
import { DbId } from "../schemas.ts";

/** Da Vinci FHIR notifications, signed webhooks, HL7 v2 forwarding over MLLP (FHIR Subscriptions: later, issue 17). */
export const EndpointKindIn = z.enum(["davinci_fhir", "webhook", "hl7v2_mllp"]);
export const AuthKindIn = z.enum(["none", "bearer", "webhook_secret"]);

const HttpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((u) => !/[\s]/.test(u), "no spaces");

/** Write-only: the bearer token or webhook secret. Never in any answer. */
const Secret = z.string().min(16, "at least 16 characters").max(4000);

const EndpointFields = z.object({
  name: z.string().trim().min(1).max(200),
  kind: EndpointKindIn,
  /** davinci_fhir: the FHIR base (Homeward posts to [base]/$process-message); webhook: the URL it posts to. */
  url: HttpUrl.nullable().default(null),
  /** hl7v2_mllp: the EHR interface engine's host and port (plain MLLP; TLS not yet). */
  host: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.-]{1,253}$/, "a host name or IPv4 address")
    .nullable()
    .default(null),
  port: z.number().int().min(1).max(65535).nullable().default(null),
  authKind: AuthKindIn,
  /** Adt event kinds wanted; empty: every kind the channel carries. */
  eventKinds: z.array(AdtEventKind).max(AdtEventKind.options.length).default([]),
  /** Care-management programs wanted; empty: every record of the organization, enrolled or not. */
  programs: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
  enabled: z.boolean().default(true),
});

type Fields = z.infer<typeof EndpointFields>;

/** A webhook is signed (Standard Webhooks); a FHIR endpoint authenticates with no token or a bearer one. */
function checkAuth(
  f: Pick<Fields, "kind" | "authKind" | "url" | "host" | "port">,
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
    ctx.addIssue({ code: "custom", path: ["authKind"], message: "a FHIR endpoint takes none or bearer" });
  if (f.authKind === "none" && typeof secret === "string")
    ctx.addIssue({ code: "custom", path: ["secret"], message: "no secret without an authentication kind" });
  if (f.authKind === "webhook_secret" && typeof secret === "string" && !isWebhookSecret(secret))
    ctx.addIssue({
      code: "custom",
      path: ["secret"],
      message: "a Standard Webhooks secret: whsec_ and base64 of 24 to 64 random bytes",
    });
}

export const NewEndpoint = EndpointFields.extend({
  organizationId: DbId,
  secret: Secret.optional(),
}).superRefine((b, ctx) => {
  checkAuth(b, b.secret, ctx);
  if (b.authKind !== "none" && b.secret === undefined)
    ctx.addIssue({ code: "custom", path: ["secret"], message: `${b.authKind} needs its secret` });
});

/** `secret`: a new one replaces it; omitted keeps the stored one. */
export const EndpointUpdate = EndpointFields.extend({ secret: Secret.optional() }).superRefine((b, ctx) =>
  checkAuth(b, b.secret, ctx),
);

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
    endpointId: DbId,
    endpointName: z.string(),
    kind: z.enum(["davinci_fhir", "webhook", "hl7v2_mllp"]),
    purpose: z.enum(["notification", "retraction"]),
    status: z.string(),
    attempts: z.number().int(),
    responseStatus: z.string().nullable(),
    lastError: z.string().nullable(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: "OutboundDelivery" });
