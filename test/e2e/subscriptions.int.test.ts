import { randomBytes, randomUUID } from "node:crypto";
import { createPool, migrate, type Pool } from "@homeward/db";
import { ADT_A04_ED } from "@homeward/hl7/fixtures";
import { createLogger } from "@homeward/logger";
import {
  type SubscriptionReceiver,
  startSubscriptionReceiver,
} from "@homeward/outbound/subscription-test-support";
import { createSubscription, sendHandshake } from "@homeward/outbound/subscriptions";
import { type Isolation, isolation } from "@homeward/testing";
import type { Bundle, Encounter, Parameters, Patient } from "@medplum/fhirtypes";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sendWithHl7Client } from "../../services/adt-listener/src/harness.test-support.ts";
import { hl7Time, type Pipeline, startPipeline } from "./pipeline.test-support.ts";

/**
 * ADT over MLLP to a FHIR Subscription: an ED arrival (node-hl7-client) → adt-listener → Kafka →
 * matcher → notifier → the organization's rest-hook subscription to encounter-start, whose receiver
 * (validating every Bundle against R4 and the Subscriptions backport) gets event 1 with the
 * patient's Encounter as focus. A patient of another organization reaches that organization's
 * subscription only. Written at the level of what the receivers get, whichever path inside the
 * notifier sends it.
 */

const AUTH = "Bearer e2e-subscriber-token-0001";
const key = randomBytes(32);
let iso: Isolation;
let pool: Pool;
let pipeline: Pipeline | undefined;
let sfm: SubscriptionReceiver;
let rvp: SubscriptionReceiver;

/** A practice with one care-managed patient (MRN at MERCYGEN), as the roster import would leave it. */
async function practiceWithPatient(
  code: string,
  name: string,
  patient: { family: string; given: string; birthDate: string; mrn: string },
): Promise<string> {
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  const org = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', $1, $2, 'America/New_York') RETURNING id",
    [code, name],
  );
  const cm = await one(
    "INSERT INTO recipients (organization_id, role, display_name, email, time_zone) VALUES ($1, 'care_manager', 'Casey Morgan', $2, 'America/New_York') RETURNING id",
    [org, `cm@${code.toLowerCase()}.example`],
  );
  const id = await one(
    "INSERT INTO patients (family_name, given_name, birth_date, sex, postal_code) VALUES ($1, $2, $3, 'F', '45501') RETURNING id",
    [patient.family, patient.given, patient.birthDate],
  );
  await pool.query(
    "INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value) VALUES ($1, 'MERCYGEN', 'MR', $2)",
    [id, patient.mrn],
  );
  await pool.query(
    "INSERT INTO attributions (patient_id, practice_org_id, source, kind, effective_from) VALUES ($1, $2, 'panel', 'panel', '2020-01-01')",
    [id, org],
  );
  await pool.query(
    `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, risk_tier,
       care_manager_recipient_id, lead_organization, status, source, effective_from)
     VALUES ($1, 'complex-care', $2, $2, 'II', $3, 'practice', 'active', 'cm-list', '2020-01-01')`,
    [id, org, cm],
  );
  return org;
}

/** A full-resource rest-hook subscription to encounter-start, handshaken, as the api leaves one. */
async function subscribe(organizationId: string, endpoint: string): Promise<void> {
  const s = await createSubscription(pool, key, {
    id: randomUUID(),
    organizationId,
    topic: "encounter-start",
    endpoint,
    content: "full-resource",
    heartbeatPeriod: null,
    resource: {
      resourceType: "Subscription",
      status: "requested",
      reason: "e2e: ED arrivals and admissions of our patients",
      criteria: "http://homeward.example/fhir/SubscriptionTopic/encounter-start",
      channel: { type: "rest-hook", endpoint },
    },
    header: `Authorization: ${AUTH}`,
    createdBy: "e2e",
  });
  await sendHandshake(
    { pool, secretKey: key, base: "https://homeward.test/api/fhir", timeoutMs: 5000, now: () => new Date() },
    s,
  );
}

beforeAll(async () => {
  iso = isolation("e2esubs");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const sfmOrg = await practiceWithPatient("SFM", "Springvale Family Medicine", {
    family: "QUILLFEATHER",
    given: "MARISOL",
    birthDate: "1958-04-12",
    mrn: "40012345",
  });
  const rvpOrg = await practiceWithPatient("RVP", "Riverside Primary Care", {
    family: "HOLLOWAYNE",
    given: "BRAMWELL",
    birthDate: "1962-09-23",
    mrn: "40077777",
  });
  sfm = await startSubscriptionReceiver(AUTH, "full-resource");
  rvp = await startSubscriptionReceiver(AUTH, "full-resource");
  await subscribe(sfmOrg, sfm.url);
  await subscribe(rvpOrg, rvp.url);
  const logger = createLogger({ service: "e2e-subscriptions", level: process.env.LOG_LEVEL ?? "warn" });
  pipeline = await startPipeline(iso, logger, {
    notifierEnv: {
      OUTBOUND_SECRET_KEY: key.toString("hex"),
      PUBLIC_BASE_URL: "https://homeward.test",
      DELIVERY_BACKOFF_BASE_SECONDS: "1",
    },
  });
});

afterAll(async () => {
  await pipeline?.stop();
  await Promise.all([sfm?.close(), rvp?.close()]);
  await pool?.end();
});

/** The ED arrival fixture, happening now, with its own control id; `patient` swaps in another person. */
function arrivalOf(
  tag: string,
  patient?: { mrn: string; family: string; given: string; dob: string },
): string {
  const now = hl7Time(new Date(Date.now() - 5 * 60_000));
  let text = ADT_A04_ED.replaceAll("20240305143015-0500", now)
    .replaceAll("20240305143000-0500", now)
    .replaceAll("20240305142500-0500", now)
    .replace("MG20240305143015001", `${tag}${Date.now()}`);
  if (patient !== undefined)
    text = text
      .replaceAll("40012345", patient.mrn)
      .replaceAll("999120001", "999120077")
      .replaceAll("999-12-0001", "999-12-0077")
      .replaceAll("QUILLFEATHER", patient.family)
      .replaceAll("QUILL^MARI", `${patient.family}^${patient.given}`)
      .replaceAll("MARISOL", patient.given)
      .replaceAll("19580412", patient.dob)
      // Not Springvale's: no PCP of record there either (PD1-4, ROL PP).
      .replace(/\rPD1\|[^\r]*/, "")
      .replace(/\rROL\|1\|[^\r]*/, "");
  return text;
}

const events = (r: SubscriptionReceiver) => r.received.filter((x) => x.type === "event-notification");

/** The focus of a full-resource notification, resolved in its Bundle, and the focus's subject. */
function focusOf(bundle: Bundle): { encounter: Encounter; patient: Patient } {
  const status = bundle.entry?.[0]?.resource as Parameters;
  const event = status.parameter?.find((p) => p.name === "notification-event");
  const focus = event?.part?.find((p) => p.name === "focus")?.valueReference?.reference;
  const byUrl = new Map(bundle.entry?.map((e) => [e.fullUrl, e.resource]));
  const encounter = byUrl.get(focus) as Encounter;
  const patient = (bundle.entry ?? [])
    .map((e) => e.resource)
    .find(
      (r) => r?.resourceType === "Patient" && encounter.subject?.reference?.endsWith(r.id ?? "?"),
    ) as Patient;
  return { encounter, patient };
}

describe("ADT over MLLP to a FHIR Subscription", () => {
  it("an ED arrival reaches the organization's rest-hook subscription as event 1, its focus the patient's Encounter", async () => {
    const listener = pipeline?.listener;
    if (listener === undefined) throw new Error("no pipeline");
    expect(sfm.received.map((x) => x.type)).toEqual(["handshake"]);
    const acks = await sendWithHl7Client(listener.mllpPort, [arrivalOf("SUB")]);
    expect(acks[0]).toMatch(/MSA\|CA\|/);
    await vi.waitFor(() => expect(events(sfm)).toHaveLength(1), { timeout: 60_000, interval: 200 });
    const [notification] = events(sfm);
    expect(notification?.eventNumbers).toEqual([1]);
    const { encounter, patient } = focusOf(notification?.bundle as Bundle);
    expect(encounter.resourceType).toBe("Encounter");
    expect(encounter.class?.code).toBe("EMER");
    expect(encounter.identifier?.map((i) => i.value)).toContain("V40012345001");
    expect(patient.identifier?.map((i) => i.value)).toContain("40012345");
    expect(patient.name?.[0]?.family).toBe("QUILLFEATHER");
    // The receiver refused nothing: every Bundle was valid R4 and met the backport's rules.
    expect(sfm.problems).toEqual([]);
    expect(events(rvp)).toEqual([]);
  });

  it("a patient of another organization reaches that organization's subscription, never this one", async () => {
    const listener = pipeline?.listener;
    if (listener === undefined) throw new Error("no pipeline");
    const other = arrivalOf("SUBO", {
      mrn: "40077777",
      family: "HOLLOWAYNE",
      given: "BRAMWELL",
      dob: "19620923",
    });
    const acks = await sendWithHl7Client(listener.mllpPort, [other]);
    expect(acks[0]).toMatch(/MSA\|CA\|/);
    // Waiting on the other subscriber's event (not a sleep): once it is there, the ADT was matched and
    // routed; a record for this organization would have come out of the same matcher step.
    await vi.waitFor(() => expect(events(rvp)).toHaveLength(1), { timeout: 60_000, interval: 200 });
    expect(events(rvp)[0]?.eventNumbers).toEqual([1]);
    expect(focusOf(events(rvp)[0]?.bundle as Bundle).patient.name?.[0]?.family).toBe("HOLLOWAYNE");
    expect(events(sfm)).toHaveLength(1);
    expect(JSON.stringify(sfm.received)).not.toContain("HOLLOWAYNE");
    expect([...sfm.problems, ...rvp.problems]).toEqual([]);
  });
});
