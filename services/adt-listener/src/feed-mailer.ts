import nodemailer from "nodemailer";

/** One email to a hospital's interface contact: facility names and times only, never patient data. */
export interface FeedEmail {
  to: string;
  subject: string;
  text: string;
}

/** How silent-feed alarms reach people (a port: the test gives an in-process SMTP server). */
export interface FeedMailer {
  send(email: FeedEmail): Promise<void>;
  close(): void;
}

/**
 * Mail over SMTP_URL (the stack's relay, as the notifier's alerts). A failure rejects; the caller
 * records it and tries again at its next check. nodemailer's types stay in this file.
 */
export function smtpFeedMailer(options: { url: string; from: string }): FeedMailer {
  const url = new URL(options.url);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (url.protocol === "smtps:" ? 465 : 25)),
    secure: url.protocol === "smtps:",
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(email) {
      await transport.sendMail({
        from: options.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
      });
    },
    close: () => transport.close(),
  };
}
