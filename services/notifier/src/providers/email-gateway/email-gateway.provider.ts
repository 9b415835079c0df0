import type { DeliveryResult, EmailProvider, OutboundPage, PagerProvider } from "../provider.ts";

export interface EmailGatewayProviderConfig {
  /** The carrier's email-to-pager domain: a page to `5551234` goes to `5551234@<domain>`. */
  gatewayDomain: string;
  /** The mail's subject. Gateways often prepend it to the page, so it is one fixed word without PHI. */
  subject?: string;
  /** The provider name recorded with each attempt (default "email-gateway"). */
  name?: string;
}

// Pager ids are numbers or short handles; anything else in an address local-part is a configuration error.
const PAGER_ID = /^[A-Za-z0-9._+-]{1,64}$/;

/**
 * Pages through a carrier's email-to-pager gateway, for practices whose pagers have no WCTP access:
 * the short text goes as a plain-text mail through the given EmailProvider (the same pooled SMTP
 * relay as alerts). The mail's Message-ID still comes from the delivery id, so a resend is recognizable.
 */
export class EmailGatewayProvider implements PagerProvider {
  readonly name: string;
  readonly #email: EmailProvider;
  readonly #domain: string;
  readonly #subject: string;

  constructor(email: EmailProvider, config: EmailGatewayProviderConfig) {
    if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(config.gatewayDomain)) {
      throw new RangeError("email gateway: gatewayDomain must be a domain name");
    }
    this.#email = email;
    this.#domain = config.gatewayDomain;
    this.#subject = config.subject ?? "Homeward";
    this.name = config.name ?? "email-gateway";
  }

  async send(page: OutboundPage): Promise<DeliveryResult> {
    if (!PAGER_ID.test(page.pagerId) || page.pagerId.startsWith(".") || page.pagerId.endsWith(".")) {
      return {
        status: "failed",
        provider: this.name,
        retryable: false,
        code: "invalid-pager-id",
        message: "pager id is not usable as a gateway address",
      };
    }
    const result = await this.#email.send({
      deliveryId: page.deliveryId,
      to: `${page.pagerId}@${this.#domain}`,
      subject: this.#subject,
      text: page.text,
      html: "",
    });
    return { ...result, provider: this.name };
  }

  /** The EmailProvider is shared with email alerts; whoever built it closes it. */
  async close(): Promise<void> {}
}
