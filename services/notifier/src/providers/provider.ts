/**
 * The delivery ports. A delivery worker knows these few types and nothing of nodemailer, WCTP or any
 * other vendor: each provider folder (smtp, wctp, email-gateway) implements one of them and keeps its
 * library types inside its own file.
 *
 * `send()` never throws for a delivery failure: the outcome is data, recorded as a delivery attempt,
 * and `retryable` tells the worker whether to let SQS redeliver the job (a temporary failure) or to
 * give up at once (a permanent one). A throw from `send()` means a bug, not a failed delivery.
 */

/** One email to send. `deliveryId` is the idempotency key; providers put it where a resend is recognizable. */
export interface OutboundEmail {
  deliveryId: string;
  to: string;
  subject: string;
  text: string;
  /** The HTML alternative; `""` sends a text-only mail. */
  html: string;
}

/** One page to send. `pagerId` is the carrier's recipient id (a pager or phone number, a WCTP address). */
export interface OutboundPage {
  deliveryId: string;
  pagerId: string;
  text: string;
}

/**
 * What a send came to. `message` is for operators and is stored with the attempt: it never holds PHI,
 * addresses or text from the remote server (which may echo either); `code` is stable for dashboards.
 */
export type DeliveryResult =
  | { status: "sent"; provider: string; providerMessageId?: string }
  | { status: "failed"; provider: string; retryable: boolean; code: string; message: string };

/** Sends email. */
export interface EmailProvider {
  readonly name: string;
  send(email: OutboundEmail): Promise<DeliveryResult>;
  /** Closes pooled connections; called once at shutdown, after the last send. */
  close(): Promise<void>;
}

/** Sends pages. */
export interface PagerProvider {
  readonly name: string;
  send(page: OutboundPage): Promise<DeliveryResult>;
  close(): Promise<void>;
}
