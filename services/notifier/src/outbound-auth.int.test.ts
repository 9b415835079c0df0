import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool, inTransaction, migrate, type Pool } from "@homeward/db";
import { makeTestPki } from "@homeward/local-stack/test-pki";
import { createLogger } from "@homeward/logger";
import { createEndpoint, type EndpointFields, OUTBOUND_QUEUE } from "@homeward/outbound";
import {
  dischargeEvent,
  type FhirReceiver,
  type MllpReceiver,
  matchedOf,
  startFhirReceiver,
  startMllpReceiver,
} from "@homeward/outbound/test-support";
import { createRedis, type Redis } from "@homeward/redis";
import { createSqsClient, ensureQueue, openWorkQueue, type WorkQueue } from "@homeward/sqs";
import { type Isolation, isolation } from "@homeward/testing";
import type { JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DaVinciFhirSender } from "./outbound/davinci-fhir.sender.ts";
import { Hl7v2MllpSender } from "./outbound/hl7v2-mllp.sender.ts";
import { SmartBackendTokens } from "./outbound/smart-backend-token.ts";
import { type SmartTokenServer, startSmartTokenServer } from "./outbound/smart-token-server.test-support.ts";
import { handleMatchedOutbound } from "./outbound-handle.ts";
import { startOutboundWorkers } from "./outbound-worker.ts";

// Endpoint authentication through the whole outbound path (outbox -> SQS -> worker -> sender) on
// the real engines: a FHIR endpoint with SMART Backend Services (its private key sealed in
// PostgreSQL, a token endpoint that verifies the assertion, a validating FHIR receiver that takes
// only that endpoint's tokens) and an HL7 interface over MLLP/TLS that requires Homeward's client
// certificate (sealed too), both from a CA the test makes.

const logger = createLogger({ service: "outbound-auth-test", level: process.env.LOG_LEVEL ?? "error" });
const key = randomBytes(32);
let iso: Isolation;
let pool: Pool;
let redis: Redis;
let queue: WorkQueue;
let tokens: SmartTokenServer;
let fhir: FhirReceiver;
let mllp: MllpReceiver;
let workers: ReturnType<typeof startOutboundWorkers>;
let dir = "";
const ids: Record<string, string> = {};

beforeAll(async () => {
  iso = isolation("outbound-auth");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  redis = createRedis(iso.settings.redis);
  dir = mkdtempSync(join(tmpdir(), "hw-outbound-auth-"));
  const pki = makeTestPki(dir);
  const read = (p: string) => readFileSync(p, "utf8");
  const keystore = read(pki.brokerKeystorePem);
  const at = keystore.indexOf("-----BEGIN CERTIFICATE-----");

  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  tokens = await startSmartTokenServer({
    clientId: "homeward-sfm",
    keyId: "hw-1",
    publicJwk: pair.publicKey.export({ format: "jwk" }) as JWK,
    alg: "RS384",
    allowedScopes: ["system/*.write"],
  });
  fhir = await startFhirReceiver({ authorize: (h) => tokens.accepts(h) });
  mllp = await startMllpReceiver({
    tls: {
      key: keystore.slice(0, at),
      cert: keystore.slice(at),
      ca: read(pki.caPem),
      requestCert: true,
      rejectUnauthorized: true,
    },
  });
  const org = (
    await pool.query(
      "INSERT INTO organizations (kind, code, name) VALUES ('practice', 'SFM', 'SFM') RETURNING id",
    )
  ).rows[0]?.id as string;
  ids.sfm = String(org);
  const base = { eventKinds: [], programs: [], enabled: true, url: null, host: null, port: null } as const;
  await inTransaction(pool, async (tx) => {
    const add = async (fields: EndpointFields, secret: string | null, tlsClientKey: string | null) => {
      const e = await createEndpoint(tx, key, {
        organizationId: ids.sfm as string,
        fields,
        secret,
        tlsClientKey,
        createdBy: "test",
      });
      if (typeof e === "string") throw new Error(e);
      return e.id;
    };
    ids.fhir = await add(
      {
        ...base,
        name: "EHR (SMART)",
        kind: "davinci_fhir",
        url: fhir.baseUrl,
        authKind: "smart_backend",
        smart: { tokenUrl: tokens.tokenUrl, clientId: "homeward-sfm", keyId: "hw-1", scope: null },
      },
      pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      null,
    );
    ids.mllp = await add(
      {
        ...base,
        name: "HL7 over TLS",
        kind: "hl7v2_mllp",
        host: mllp.host,
        port: mllp.port,
        authKind: "none",
        tls: { mllpTls: true, caPem: read(pki.caPem), clientCertPem: read(pki.clientCertPem) },
      },
      null,
      read(pki.clientKeyPem),
    );
  });
  const sqs = createSqsClient(iso.settings.sqs);
  const urls = await ensureQueue(sqs, OUTBOUND_QUEUE, iso.queuePrefix);
  queue = openWorkQueue(sqs, urls.url);
  workers = startOutboundWorkers(
    {
      queue,
      deadLetterQueue: openWorkQueue(sqs, urls.dlqUrl),
      pool,
      redis,
      secretKey: key,
      senders: {
        davinci_fhir: new DaVinciFhirSender({
          timeoutMs: 5000,
          tokens: new SmartBackendTokens({ timeoutMs: 5000, now: () => Date.now() }),
        }),
        hl7v2_mllp: new Hl7v2MllpSender({ timeoutMs: 5000 }),
      },
      maxAttempts: 3,
      backoff: { baseSeconds: 1, maxSeconds: 1 },
      visibilityTimeoutSeconds: 10,
      idempotencyTtlMs: 60_000,
      logger,
    },
    { concurrency: 2, pollSeconds: 1, outboxIntervalMs: 60_000, outboxGraceSeconds: 0 },
  );
});

afterAll(async () => {
  await workers?.stop();
  await Promise.all([tokens?.close(), fhir?.close(), mllp?.close()]);
  await redis?.quit();
  await pool?.end();
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

describe("endpoint authentication through outbox -> SQS -> worker", () => {
  it("a discharge reaches the SMART-protected FHIR server with a fresh token and the MLLP/TLS interface with Homeward's certificate", async () => {
    const practice = {
      organizationId: ids.sfm as string,
      code: "SFM",
      name: "SFM",
      timeZone: "America/New_York",
    };
    const matched = matchedOf(dischargeEvent(), { matchId: "m-auth-1", practice });
    const planned = await handleMatchedOutbound(matched, {
      pool,
      queue,
      sourceEndpoint: "https://homeward.test",
      maxEventAgeHours: 24 * 365 * 10,
      now: () => new Date(),
      logger,
    });
    expect(planned).toBe(2);
    const until = Date.now() + 20_000;
    let rows: { endpoint_id: string; status: string; attempts: number; response_status: string | null }[] =
      [];
    while (Date.now() < until) {
      rows = (
        await pool.query(
          "SELECT endpoint_id::text, status, attempts, response_status FROM outbound_deliveries WHERE match_id = 'm-auth-1' ORDER BY endpoint_id",
        )
      ).rows;
      if (rows.length === 2 && rows.every((r) => r.status === "sent")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toEqual([
      { endpoint_id: ids.fhir, status: "sent", attempts: 1, response_status: "200 ok" },
      { endpoint_id: ids.mllp, status: "sent", attempts: 1, response_status: "AA" },
    ]);
    expect(fhir.stored).toHaveLength(1);
    expect(tokens.issued).toHaveLength(1);
    expect(tokens.refused).toEqual([]);
    expect(mllp.accepted).toHaveLength(1);
  });
});
