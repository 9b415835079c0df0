import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Bundle, MessageHeader, OperationOutcome } from "@medplum/fhirtypes";
import { daVinciViolations } from "./davinci-constraints.test-support.ts";
import { uuidFrom } from "./fhir-ids.ts";
import { fhirErrors } from "./fhir-validation.test-support.ts";

/**
 * A FHIR R4 message receiver for tests, as an EHR would be: `POST [base]/$process-message` with a
 * `message` Bundle (application/fhir+json), checked with @medplum/core's validator against the R4
 * definitions and with the Da Vinci constraints, stored once per Bundle identifier (a resend gets
 * the same answer and is not stored again), and answered synchronously with a response message
 * whose MessageHeader.response names the request and says `ok` (FHIR messaging, R4 §4.4.1.4).
 * An invalid message gets 400 with an OperationOutcome; a wrong or missing bearer token 401.
 */
export interface FhirReceiver {
  /** The FHIR base URL to configure as the endpoint. */
  baseUrl: string;
  /** Every message stored, in arrival order. */
  stored: Bundle[];
  /** How many requests arrived (stored, resent, refused, failed). */
  requests: () => number;
  /** The next `n` requests fail with `status` (an outage), before any check. */
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

/**
 * `validate: false` skips the R4 and Da Vinci checks (a benchmark of Homeward's side, where the
 * validator's milliseconds per message would be all that is measured).
 */
export async function startFhirReceiver(
  options: {
    bearerToken?: string;
    /** Which Authorization headers it takes (e.g. tokens a test OAuth server issued); 401 otherwise. */
    authorize?: (authorization: string | undefined) => boolean;
    validate?: boolean;
  } = {},
): Promise<FhirReceiver> {
  const stored: Bundle[] = [];
  const answers = new Map<string, Bundle>();
  let failures: { left: number; status: number } = { left: 0, status: 503 };
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    handle(req, res).catch(() => send(res, 500, outcome("exception", "receiver error")));
  });
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    if (failures.left > 0) {
      failures = { ...failures, left: failures.left - 1 };
      return send(res, failures.status, outcome("transient", "unavailable"));
    }
    if (req.method !== "POST" || !(req.url ?? "").startsWith("/fhir/$process-message"))
      return send(res, 404, outcome("not-found", "only $process-message here"));
    if (options.bearerToken !== undefined && req.headers.authorization !== `Bearer ${options.bearerToken}`)
      return send(res, 401, outcome("login", "bad or missing bearer token"));
    if (options.authorize !== undefined && !options.authorize(req.headers.authorization))
      return send(res, 401, outcome("login", "bad, expired or missing access token"));
    if (!(req.headers["content-type"] ?? "").startsWith("application/fhir+json"))
      return send(res, 415, outcome("not-supported", "application/fhir+json only"));
    let bundle: Bundle;
    try {
      bundle = JSON.parse(body) as Bundle;
    } catch {
      return send(res, 400, outcome("structure", "not JSON"));
    }
    if (bundle.resourceType !== "Bundle" || bundle.type !== "message")
      return send(res, 400, outcome("invalid", "not a message Bundle"));
    const problems = options.validate === false ? [] : [...fhirErrors(bundle), ...daVinciViolations(bundle)];
    if (problems.length > 0) return send(res, 400, outcome("invalid", problems.join("; ")));
    const key = bundle.identifier?.value ?? "";
    const known = answers.get(key);
    if (known !== undefined) return send(res, 200, known);
    stored.push(bundle);
    const answer = responseTo(bundle);
    answers.set(key, answer);
    return send(res, 200, answer);
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/fhir`,
    stored,
    requests: () => requests,
    failNext(n, status) {
      failures = { left: n, status };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function responseTo(request: Bundle): Bundle {
  const header = request.entry?.[0]?.resource as MessageHeader;
  const id = uuidFrom("response", request.identifier?.value ?? "");
  return {
    resourceType: "Bundle",
    type: "message",
    timestamp: new Date().toISOString(),
    identifier: { system: "urn:ietf:rfc:3986", value: `urn:uuid:${id}` },
    entry: [
      {
        fullUrl: `urn:uuid:${id}`,
        resource: {
          resourceType: "MessageHeader",
          id,
          eventCoding: header.eventCoding ?? {},
          source: { endpoint: "http://127.0.0.1/fhir" },
          response: { identifier: header.id ?? "unknown", code: "ok" },
        },
      },
    ],
  };
}

function outcome(code: string, text: string): OperationOutcome {
  return {
    resourceType: "OperationOutcome",
    issue: [{ severity: "error", code: code as "invalid", diagnostics: text }],
  };
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/fhir+json" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
