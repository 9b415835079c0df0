import { randomBytes, randomUUID } from "node:crypto";
import { retractNotifications } from "@homeward/outbound";
import {
  planAndSendOnce,
  type SubscriptionReceiver,
  startSubscriptionReceiver,
} from "@homeward/outbound/subscription-test-support";
import type { RestHookOptions } from "@homeward/outbound/subscriptions";
import { edArrivalEvent, fhirErrors, matchedOf } from "@homeward/outbound/test-support";
import type { Parameters, Resource } from "@medplum/fhirtypes";
import type { InjectOptions } from "fastify";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, startTestApi } from "../api.test-support.ts";

// Reads of what an id-only notification names (issue 17), on the real api and PostgreSQL: the
// notifier's plan and send (planAndSendOnce) tells an id-only subscriber `Encounter/<id>` and
// `Patient/<id>`; its registered client reads them with system/Encounter.r and system/Patient.r and
// gets exactly what a full-resource subscriber of the same organization was sent, valid R4, each
// read in the access log. Without the scope: 403. Another organization's client or admin: 404,
// nothing disclosed. A retracted match: the Encounter entered-in-error, the Patient gone.

const BEARER = "Bearer reads-hook-token-0123456789";
const START = "http://homeward.example/fhir/SubscriptionTopic/encounter-start";
const BACKPORT = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition";
const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const READS = "system/Encounter.r system/Patient.r";
/** The fixture patient's medical record number, in the Patient Homeward notifies. */
const MRN = "MRN00417";
const runId = randomUUID().slice(0, 8);
const key = randomBytes(32);

interface Client {
  id: string;
  tokenUrl: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
}

let t: ApiTest;
let hookIds: SubscriptionReceiver;
let hookFull: SubscriptionReceiver;
let clientA: Client;
let clientB: Client;

async function register(as: "adminA" | "adminB", scopes: string[]): Promise<Client> {
  const keys = await generateKeyPair("ES384", { extractable: true });
  const res = await t.call(as, {
    method: "POST",
    url: "/api/admin/fhir-clients",
    payload: { name: "Care platform", jwks: { keys: [await exportJWK(keys.publicKey)] }, scopes },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().clientId, tokenUrl: res.json().tokenUrl, privateKey: keys.privateKey };
}

async function tokenOf(c: Client, scope: string): Promise<string> {
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: "ES384" })
    .setIssuer(c.id)
    .setSubject(c.id)
    .setAudience(c.tokenUrl)
    .setExpirationTime(Math.floor(NOW.getTime() / 1000) + 240)
    .setJti(randomUUID())
    .sign(c.privateKey);
  const res = await t.app.inject({
    method: "POST",
    url: "/api/fhir/token",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams({
      grant_type: "client_credentials",
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion,
      scope,
    }).toString(),
  });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json().scope).toBe(scope);
  return res.json().access_token;
}

const as = (token: string, options: InjectOptions) =>
  t.app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } });

const subscription = (endpoint: string, content: "id-only" | "full-resource") => ({
  resourceType: "Subscription",
  status: "requested",
  reason: "Care management follow-up",
  criteria: START,
  channel: {
    type: "rest-hook",
    endpoint,
    payload: "application/fhir+json",
    header: [`Authorization: ${BEARER}`],
    _payload: { extension: [{ url: `${BACKPORT}/backport-payload-content`, valueCode: content }] },
  },
});

const notifier = (): RestHookOptions => ({
  pool: t.pool,
  secretKey: key,
  base: "https://homeward.test/api/fhir",
  timeoutMs: 5000,
  now: () => new Date(),
});

/** One ED arrival of practice A's patient, planned and sent as the notifier does. */
async function notify(n: string): Promise<string> {
  const matchId = `m-read-${runId}-${n}`;
  await planAndSendOnce(
    notifier(),
    matchedOf(
      { ...edArrivalEvent(), eventId: `evt-read-${runId}-${n}` },
      {
        matchId,
        practice: {
          organizationId: t.ids.practiceA,
          code: "SFM",
          name: "Practice",
          timeZone: "America/New_York",
        },
      },
    ),
  );
  return matchId;
}

/** The focus and additional-context references of a receiver's last event notification. */
function referencesOf(r: SubscriptionReceiver): string[] {
  const last = r.received.filter((x) => x.type === "event-notification").at(-1)?.bundle;
  const status = last?.entry?.[0]?.resource as Parameters;
  const event = status.parameter?.find((p) => p.name === "notification-event");
  return (event?.part ?? [])
    .filter((p) => p.name === "focus" || p.name === "additional-context")
    .map((p) => p.valueReference?.reference ?? "");
}

/** The resources the full-resource subscriber's last event notification carried. */
function fullResources(): Resource[] {
  const last = hookFull.received.filter((x) => x.type === "event-notification").at(-1)?.bundle;
  return (last?.entry ?? []).slice(1).flatMap((e) => (e.resource === undefined ? [] : [e.resource]));
}

beforeAll(async () => {
  t = await startTestApi("fhir-reads", { OUTBOUND_SECRET_KEY: key.toString("hex") });
  hookIds = await startSubscriptionReceiver(BEARER, "id-only");
  hookFull = await startSubscriptionReceiver(BEARER, "full-resource");
  clientA = await register("adminA", ["system/Subscription.cruds", "system/Encounter.r", "system/Patient.r"]);
  clientB = await register("adminB", ["system/Subscription.cruds", "system/Encounter.r", "system/Patient.r"]);
});
afterAll(async () => {
  await Promise.all([hookIds?.close(), hookFull?.close()]);
  await t?.close();
});

describe("reading what a notification names (Encounter, Patient)", () => {
  let encounter = "";
  let patient = "";

  it("an id-only subscriber's client reads the notified Encounter and Patient: valid R4, as full-resource carries them, in the access log", async () => {
    const token = await tokenOf(clientA, `system/Subscription.cruds ${READS}`);
    const ids = await as(token, {
      method: "POST",
      url: "/api/fhir/Subscription",
      payload: subscription(hookIds.url, "id-only"),
    });
    expect(ids.statusCode, ids.body).toBe(201);
    const full = await t.call("adminA", {
      method: "POST",
      url: "/api/fhir/Subscription",
      payload: subscription(hookFull.url, "full-resource"),
    });
    expect(full.statusCode, full.body).toBe(201);
    await notify("1");
    expect(hookIds.problems).toEqual([]);
    const refs = referencesOf(hookIds);
    encounter = refs[0] ?? "";
    patient = refs.find((r) => r.startsWith("Patient/")) ?? "";
    expect(encounter).toMatch(/^Encounter\/[0-9a-f-]{36}$/);
    expect(patient).toMatch(/^Patient\/[0-9a-f-]{36}$/);

    const carried = fullResources();
    for (const ref of [encounter, patient]) {
      const res = await as(token, { url: `/api/fhir/${ref}` });
      expect(res.statusCode, `${ref} ${res.body}`).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^application\/fhir\+json/);
      const body = res.json();
      expect(fhirErrors(body)).toEqual([]);
      expect(`${body.resourceType}/${body.id}`).toBe(ref);
      expect(body).toEqual(carried.find((r) => `${r.resourceType}/${r.id}` === ref));
    }
    expect((await as(token, { url: `/api/fhir/${encounter}` })).json().status).not.toBe("entered-in-error");

    // The organization's admin reads them too, with their session.
    const byAdmin = await t.call("adminA", { url: `/api/fhir/${patient}` });
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.body).toContain(MRN);

    const access = await t.pool.query<{ actor: string; action: string; subject_id: string }>(
      `SELECT actor, action, subject_id FROM audit_log
        WHERE subject_type = 'patient' AND action IN ('fhir-encounter.read', 'fhir-patient.read')
          AND detail->>'resource' = ANY($1) ORDER BY id`,
      [[encounter, patient]],
    );
    expect(access.rows).toEqual([
      { actor: `fhir-client:${clientA.id}`, action: "fhir-encounter.read", subject_id: "417" },
      { actor: `fhir-client:${clientA.id}`, action: "fhir-patient.read", subject_id: "417" },
      { actor: `fhir-client:${clientA.id}`, action: "fhir-encounter.read", subject_id: "417" },
      { actor: expect.stringMatching(/^user:/), action: "fhir-patient.read", subject_id: "417" },
    ]);
  });

  it("a token without the resource type's read scope is refused (403 insufficient_scope)", async () => {
    const subscriptionsOnly = await tokenOf(clientA, "system/Subscription.cruds");
    for (const ref of [encounter, patient]) {
      const res = await as(subscriptionsOnly, { url: `/api/fhir/${ref}` });
      expect(res.statusCode, ref).toBe(403);
      expect(res.json().error.code).toBe("insufficient_scope");
    }
    const encounterOnly = await tokenOf(clientA, "system/Encounter.r");
    expect((await as(encounterOnly, { url: `/api/fhir/${encounter}` })).statusCode).toBe(200);
    expect((await as(encounterOnly, { url: `/api/fhir/${patient}` })).statusCode).toBe(403);
    // No token, or a care manager's session (not an admin): no read.
    expect((await t.app.inject({ url: `/api/fhir/${encounter}` })).statusCode).toBe(401);
    expect((await t.call("cmA", { url: `/api/fhir/${encounter}` })).statusCode).toBe(403);
  });

  it("another organization's client and admin get 404 as an OperationOutcome, with nothing of the patient", async () => {
    const tokenB = await tokenOf(clientB, READS);
    const attempts = [
      ...[encounter, patient].map((ref) => () => as(tokenB, { url: `/api/fhir/${ref}` })),
      ...[encounter, patient].map((ref) => () => t.call("adminB", { url: `/api/fhir/${ref}` })),
      () => t.call("adminA", { url: `/api/fhir/${encounter}?organizationId=${t.ids.practiceB}` }),
      () => as(tokenB, { url: `/api/fhir/Encounter/${randomUUID()}` }),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect(res.statusCode, res.body).toBe(404);
      expect(res.headers["content-type"]).toMatch(/^application\/fhir\+json/);
      const outcome = res.json();
      expect(fhirErrors(outcome)).toEqual([]);
      expect(outcome).toMatchObject({ resourceType: "OperationOutcome", issue: [{ code: "not-found" }] });
      expect(res.body).not.toContain(MRN);
    }
    const logged = await t.pool.query(
      "SELECT 1 FROM audit_log WHERE actor = $1 AND action IN ('fhir-encounter.read', 'fhir-patient.read')",
      [`fhir-client:${clientB.id}`],
    );
    expect(logged.rows).toEqual([]);
  });

  it("a retracted match: its Encounter reads entered-in-error (valid R4), its Patient is no longer served", async () => {
    const token = await tokenOf(clientA, READS);
    const matchId = await notify("2");
    const refs = referencesOf(hookIds);
    const [enc, pat] = [refs[0] ?? "", refs.find((r) => r.startsWith("Patient/")) ?? ""];
    expect(enc).not.toBe(encounter);
    expect((await as(token, { url: `/api/fhir/${enc}` })).json().status).not.toBe("entered-in-error");
    const tx = await t.pool.connect();
    try {
      await tx.query("BEGIN");
      await retractNotifications(tx, matchId);
      await tx.query("COMMIT");
    } finally {
      tx.release();
    }
    const withdrawn = await as(token, { url: `/api/fhir/${enc}` });
    expect(withdrawn.statusCode).toBe(200);
    expect(fhirErrors(withdrawn.json())).toEqual([]);
    expect(withdrawn.json()).toMatchObject({ resourceType: "Encounter", status: "entered-in-error" });
    // Nothing of what was withdrawn: no patient reference, identifiers, period or diagnoses.
    expect(Object.keys(withdrawn.json()).sort()).toEqual(["class", "id", "resourceType", "status"]);
    const gone = await as(token, { url: `/api/fhir/${pat}` });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().resourceType).toBe("OperationOutcome");
    // The first event's resources are not touched by the second's retraction.
    expect((await as(token, { url: `/api/fhir/${encounter}` })).json().status).not.toBe("entered-in-error");
    expect((await as(token, { url: `/api/fhir/${patient}` })).statusCode).toBe(200);
  });

  it("the smart-configuration and the CapabilityStatement offer the reads", async () => {
    const smart = (await t.app.inject({ url: "/api/fhir/.well-known/smart-configuration" })).json();
    expect(smart.scopes_supported).toEqual(
      expect.arrayContaining(["system/Encounter.r", "system/Patient.r"]),
    );
    const cs = (await t.app.inject({ url: "/api/fhir/metadata" })).json();
    expect(fhirErrors(cs)).toEqual([]);
    const types = cs.rest[0].resource.map((r: { type: string }) => r.type);
    expect(types).toEqual(expect.arrayContaining(["Encounter", "Patient"]));
  });
});
