import nodemailer from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool/index.js";
import type { DeliveryResult, EmailProvider, OutboundEmail } from "../provider.ts";

/** How to reach the SMTP relay and how to sign what is sent. Plain data, filled from env.ts by main.ts. */
export interface SmtpProviderConfig {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  /** Refuse to send unless STARTTLS succeeds: PHI never crosses the network in clear text. */
  requireTLS?: boolean;
  tls?: {
    /** PEM CA certificate(s) to trust for a relay signed by a private CA. */
    ca?: string | readonly string[];
    /** Defaults to true; false only for a lab relay with a self-signed certificate. */
    rejectUnauthorized?: boolean;
    /** The name to verify the certificate against when it differs from `host`. */
    servername?: string;
  };
  auth?: { user: string; pass: string };
  /** The From header and envelope sender, e.g. `Homeward <alerts@homeward.example>`. */
  from: string;
  /** The right-hand side of Message-IDs; defaults to the From address's domain. */
  messageIdDomain?: string;
  /** DKIM signing, so that receiving systems can trust the From domain. */
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  /** Pooled connections kept open to the relay (default 5). */
  maxConnections?: number;
  /** Messages per connection before it is recycled (default 100). */
  maxMessages?: number;
  /** Milliseconds to open the TCP connection, to get the greeting, and of socket inactivity. */
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
  /** The provider name recorded with each attempt (default "smtp"). */
  name?: string;
}

/** The header that carries the delivery id, for support staff and for recognizing a resend. */
export const DELIVERY_HEADER = "X-Homeward-Delivery";

/**
 * Email over SMTP with nodemailer's pooled transport: a few long-lived connections to the relay, so a
 * burst of alerts does not open a connection per message. The delivery id goes into a header and into
 * the Message-ID, so a resend of the same delivery (at-least-once redelivery) carries the same
 * Message-ID and mail systems that de-duplicate on it show it once.
 */
export class SmtpProvider implements EmailProvider {
  readonly name: string;
  readonly #transport: nodemailer.Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;
  readonly #from: string;
  readonly #messageIdDomain: string;

  constructor(config: SmtpProviderConfig) {
    this.name = config.name ?? "smtp";
    this.#from = config.from;
    const domain = config.messageIdDomain ?? /@([^\s<>@]+)>?\s*$/.exec(config.from)?.[1];
    if (domain === undefined) throw new RangeError("SMTP provider: give messageIdDomain or a From address");
    this.#messageIdDomain = domain;
    const options: SMTPPool.Options = {
      pool: true,
      host: config.host,
      port: config.port,
      secure: config.secure ?? false,
      requireTLS: config.requireTLS ?? false,
      maxConnections: config.maxConnections ?? 5,
      maxMessages: config.maxMessages ?? 100,
      connectionTimeout: config.connectionTimeoutMs ?? 10_000,
      greetingTimeout: config.greetingTimeoutMs ?? 10_000,
      socketTimeout: config.socketTimeoutMs ?? 30_000,
      ...(config.tls === undefined ? {} : { tls: tlsOptions(config.tls) }),
      ...(config.auth === undefined ? {} : { auth: { user: config.auth.user, pass: config.auth.pass } }),
      ...(config.dkim === undefined ? {} : { dkim: { ...config.dkim } }),
    };
    this.#transport = nodemailer.createTransport(options);
  }

  async send(email: OutboundEmail): Promise<DeliveryResult> {
    const messageId = deliveryMessageId(email.deliveryId, this.#messageIdDomain);
    try {
      const info = await this.#transport.sendMail({
        from: this.#from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        ...(email.html === "" ? {} : { html: email.html }),
        messageId,
        headers: {
          [DELIVERY_HEADER]: email.deliveryId,
          // RFC 3834: an automatic message, so vacation responders stay quiet.
          "Auto-Submitted": "auto-generated",
          "X-Auto-Response-Suppress": "All",
        },
      });
      return { status: "sent", provider: this.name, providerMessageId: info.messageId || messageId };
    } catch (error) {
      return { status: "failed", provider: this.name, ...classifySmtpError(error) };
    }
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}

function tlsOptions(tls: NonNullable<SmtpProviderConfig["tls"]>): NonNullable<SMTPPool.Options["tls"]> {
  return {
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
    ...(tls.ca === undefined ? {} : { ca: typeof tls.ca === "string" ? tls.ca : [...tls.ca] }),
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
  };
}

/**
 * The Message-ID of a delivery: `<id@domain>`, the same for every attempt. Characters outside
 * `[A-Za-z0-9_-]` are percent-encoded (UTF-8), which keeps the id-left a valid RFC 5322 dot-atom
 * and the mapping one-to-one, so two deliveries never share a Message-ID.
 */
export function deliveryMessageId(deliveryId: string, domain: string): string {
  const left = [...new TextEncoder().encode(deliveryId)]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9_-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
  return `<${left}@${domain}>`;
}

/**
 * How a failed send is recorded. SMTP reply codes decide when there is one (4xx temporary, 5xx
 * permanent, RFC 5321 §4.2.1); without one, connection trouble is temporary and a message nodemailer
 * refused before sending it (bad address, empty message) is permanent. The text is built here, never
 * copied from the server's reply, which may echo the recipient's address. Exported for its tests.
 */
export function classifySmtpError(error: unknown): { retryable: boolean; code: string; message: string } {
  const e = (typeof error === "object" && error !== null ? error : {}) as {
    code?: unknown;
    responseCode?: unknown;
    command?: unknown;
    response?: unknown;
  };
  const command = typeof e.command === "string" ? ` after ${e.command.split(" ")[0]}` : "";
  if (typeof e.responseCode === "number" && e.responseCode >= 400 && e.responseCode < 600) {
    const enhanced =
      typeof e.response === "string" ? /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(e.response) : null;
    const detail = enhanced?.[1] === undefined ? "" : ` (${enhanced[1]})`;
    const retryable = e.responseCode < 500;
    const kind = retryable ? "temporary" : "permanent";
    return {
      retryable,
      code: `smtp-${e.responseCode}`,
      message: `SMTP ${kind} failure ${e.responseCode}${detail}${command}`,
    };
  }
  const code = typeof e.code === "string" ? e.code : "EUNKNOWN";
  if (code === "EENVELOPE" || code === "EMESSAGE") {
    return {
      retryable: false,
      code: code.toLowerCase(),
      message: `message refused before sending${command}`,
    };
  }
  // Everything else is about the connection or the session (refused, reset, timed out, TLS, a
  // garbled reply), not about this message: a later attempt may succeed, and SQS caps the attempts.
  return {
    retryable: true,
    code: code.toLowerCase(),
    message: `SMTP connection or session failed (${code})${command}`,
  };
}
