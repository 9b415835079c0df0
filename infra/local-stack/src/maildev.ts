import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { HOST, PORTS } from "./paths.ts";
import { runningPid, spawnDetached } from "./processes.ts";
import { answers, waitUntil } from "./wait.ts";

export const SMTP_URL = `smtp://${HOST}:${PORTS.smtp}`;
export const MAIL_WEB_URL = `http://${HOST}:${PORTS.mailWeb}`;

const webAnswers = async () => {
  const res = await fetch(`${MAIL_WEB_URL}/email`, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) throw new Error(`MailDev answered ${res.status}`);
};

/** MailDev: an SMTP server that keeps what it receives, with a web inbox for people to read it. */
export async function startMailDev(): Promise<{ smtpUrl: string; webUrl: string; started: boolean }> {
  let started = false;
  if (!(await answers(webAnswers))) {
    if (runningPid("maildev") === undefined) {
      const pkg = createRequire(import.meta.url).resolve("maildev/package.json");
      spawnDetached("maildev", process.execPath, [
        join(dirname(pkg), "bin", "maildev"),
        "--ip",
        HOST,
        "--smtp",
        String(PORTS.smtp),
        "--web",
        String(PORTS.mailWeb),
        "--web-ip",
        HOST,
      ]);
      started = true;
    }
    await waitUntil("MailDev", webAnswers, 30_000);
  }
  return { smtpUrl: SMTP_URL, webUrl: MAIL_WEB_URL, started };
}
