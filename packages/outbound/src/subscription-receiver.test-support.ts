import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Bundle, Parameters } from "@medplum/fhirtypes";
import { fhirErrors } from "./fhir-validation.test-support.ts";
import { subscriptionViolations } from "./subscription-constraints.test-support.ts";

/**
 * A rest-hook receiver as a subscribing client writes one: it checks the Authorization header,
 * validates each Bundle against FHIR R4 and the backport's rules (a bad one is refused with 400
 * and its problems kept), and keeps the good ones by type. `down` answers 503 to everything.
 */
export interface SubscriptionReceiver {
  url: string;
  received: { type: string; eventNumbers: number[]; bundle: Bundle }[];
  problems: string[];
  down: boolean;
  close(): Promise<void>;
}

export async function startSubscriptionReceiver(
  expectedAuthorization: string,
  content: "empty" | "id-only" | "full-resource",
): Promise<SubscriptionReceiver> {
  const state: SubscriptionReceiver = {
    url: "",
    received: [],
    problems: [],
    down: false,
    close: async () => {},
  };
  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        if (state.down) return void res.writeHead(503).end();
        if (req.headers.authorization !== expectedAuthorization) return void res.writeHead(401).end();
        const bundle = JSON.parse(body) as Bundle;
        const problems = [...fhirErrors(bundle), ...subscriptionViolations(bundle, content)];
        if (problems.length > 0) {
          state.problems.push(...problems);
          return void res.writeHead(400).end();
        }
        const status = bundle.entry?.[0]?.resource as Parameters;
        const type = status.parameter?.find((p) => p.name === "type")?.valueCode ?? "";
        const eventNumbers = (status.parameter ?? [])
          .filter((p) => p.name === "notification-event")
          .map((p) => Number(p.part?.find((x) => x.name === "event-number")?.valueString));
        state.received.push({ type, eventNumbers, bundle });
        res.writeHead(200).end();
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}/fhir/notify`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
