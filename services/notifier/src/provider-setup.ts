import { readFile } from "node:fs/promises";
import type { NotifierConfig } from "./env.ts";
import { EmailGatewayProvider } from "./providers/email-gateway/email-gateway.provider.ts";
import type { EmailProvider, PagerProvider } from "./providers/provider.ts";
import { SmtpProvider } from "./providers/smtp/smtp.provider.ts";
import { WctpProvider } from "./providers/wctp/wctp.provider.ts";

export interface Providers {
  email: EmailProvider;
  /** Undefined when neither WCTP nor an email-to-pager gateway is configured: pages then fail as undeliverable. */
  pager: PagerProvider | undefined;
  close(): Promise<void>;
}

/** Builds the delivery providers from the environment: SMTP always; WCTP, else the email-to-pager gateway. */
export async function createProviders(config: NotifierConfig, smtpUrl: string): Promise<Providers> {
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  const dkimKey =
    config.DKIM_PRIVATE_KEY_FILE === undefined
      ? undefined
      : await readFile(config.DKIM_PRIVATE_KEY_FILE, "utf8");
  const email = new SmtpProvider({
    host: url.hostname,
    port: url.port === "" ? (secure ? 465 : 25) : Number(url.port),
    secure,
    ...(url.username === ""
      ? {}
      : { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }),
    from: config.MAIL_FROM,
    maxConnections: config.SMTP_POOL_CONNECTIONS,
    ...(config.DKIM_DOMAIN !== undefined && config.DKIM_SELECTOR !== undefined && dkimKey !== undefined
      ? { dkim: { domainName: config.DKIM_DOMAIN, keySelector: config.DKIM_SELECTOR, privateKey: dkimKey } }
      : {}),
  });
  const pager =
    config.WCTP_URL !== undefined
      ? new WctpProvider({ url: config.WCTP_URL, senderId: config.WCTP_SENDER_ID })
      : config.PAGER_EMAIL_GATEWAY_DOMAIN !== undefined
        ? new EmailGatewayProvider(email, { gatewayDomain: config.PAGER_EMAIL_GATEWAY_DOMAIN })
        : undefined;
  return {
    email,
    pager,
    async close() {
      await pager?.close();
      await email.close();
    },
  };
}
