import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhook } from "./standard-webhooks.ts";

/**
 * A webhook receiver as the docs tell one to be written: it verifies the Standard Webhooks
 * signature over the raw body and the timestamp's age, answers 401 otherwise, and handles each
 * `webhook-id` once (a retry gets 200 and is not handled again).
 */
export interface WebhookReceiver {
  url: string;
  /** Verified, first-time events in arrival order. */
  received: { id: string; body: unknown }[];
  /** Requests refused, with why. */
  refused: string[];
  requests: () => number;
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(
  secret: string,
  now: () => Date = () => new Date(),
): Promise<WebhookReceiver> {
  const received: { id: string; body: unknown }[] = [];
  const refused: string[] = [];
  const seen = new Set<string>();
  let failures = { left: 0, status: 503 };
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    readBody(req).then(
      (body) => {
        if (failures.left > 0) {
          failures = { ...failures, left: failures.left - 1 };
          res.writeHead(failures.status).end();
          return;
        }
        const verified = verifyWebhook(secret, req.headers, body, now());
        if (!verified.ok) {
          refused.push(verified.reason);
          res.writeHead(401).end();
          return;
        }
        if (!seen.has(verified.id)) {
          seen.add(verified.id);
          received.push({ id: verified.id, body: JSON.parse(body) });
        }
        res.writeHead(204).end();
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/homeward`,
    received,
    refused,
    requests: () => requests,
    failNext(n, status) {
      failures = { left: n, status };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
