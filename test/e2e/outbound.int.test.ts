import { randomBytes } from "node:crypto";
import { createPool, inTransaction, migrate, type Pool } from "@homeward/db";
import { ADT_A04_ED } from "@homeward/hl7/fixtures";
import { createLogger } from "@homeward/logger";
import { createEndpoint, type EndpointFields, newWebhookSecret } from "@homeward/outbound";
import {
  type FhirReceiver,
  type MllpReceiver,
  startFhirReceiver,
  startMllpReceiver,
  startWebhookReceiver,
  type WebhookReceiver,
} from "@homeward/outbound/test-support";
import { type Isolation, isolation } from "@homeward/testing";
import type { Encounter, MessageHeader, Patient } from "@medplum/fhirtypes";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sendWithHl7Client } from "../../services/adt-listener/src/harness.test-support.ts";
import { hl7Time, type Pipeline, startPipeline } from "./pipeline.test-support.ts";

/**
 * ADT over MLLP to the practice's EHR: an ED arrival (node-hl7-client) → adt-listener → Kafka →
 * matcher → notifier → outbox → SQS → outbound worker → a Da Vinci notification Bundle stored by a
 * FHIR receiver that validates it against R4 and the IG's constraints, a signed webhook and the ADT
 * forwarded to an HL7 interface that ACKs; then the hospital cancels the visit (A11) and all three get
 * the cancel. Another practice's endpoint gets nothing.
 */

let iso: Isolation;
let pool: Pool;
let pipeline: Pipeline | undefined;
let fhir: FhirReceiver;
let hook: WebhookReceiver;
let otherFhir: FhirReceiver;
let mllp: MllpReceiver;
const key = randomBytes(32);
const token = "e2e-ehr-bearer-token-000001";
const hookSecret = newWebhookSecret();

const endpoint = (over: Partial<EndpointFields>): EndpointFields => ({
  name: "EHR",
  kind: "davinci_fhir",
  url: null,
  host: null,
  port: null,
  authKind: "none",
  eventKinds: [],
  programs: [],
  enabled: true,
  ...over,
});

beforeAll(async () => {
  iso = isolation("e2eoutbound");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  const practice = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'SFM', 'Springvale Family Medicine', 'America/New_York') RETURNING id",
  );
  const other = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'RVP', 'Riverside Primary Care', 'America/New_York') RETURNING id",
  );
  const cm = await one(
    "INSERT INTO recipients (organization_id, role, display_name, email, time_zone) VALUES ($1, 'care_manager', 'Casey Morgan', 'cm@springvale.example', 'America/New_York') RETURNING id",
    [practice],
  );
  await pool.query(
    "INSERT INTO notification_rules (organization_id, recipient_role, channel, active_from) VALUES ($1, 'care_manager', 'email', '2020-01-01')",
    [practice],
  );
  const patient = await one(
    "INSERT INTO patients (family_name, given_name, birth_date, sex, postal_code) VALUES ('QUILLFEATHER', 'MARISOL', '1958-04-12', 'F', '45501') RETURNING id",
  );
  await pool.query(
    "INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value) VALUES ($1, 'MERCYGEN', 'MR', '40012345')",
    [patient],
  );
  await pool.query(
    "INSERT INTO attributions (patient_id, practice_org_id, source, kind, effective_from) VALUES ($1, $2, 'sfm-panel', 'panel', '2020-01-01')",
    [patient, practice],
  );
  await pool.query(
    `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, risk_tier,
       care_manager_recipient_id, lead_organization, status, source, effective_from)
     VALUES ($1, 'complex-care', $2, $2, 'II', $3, 'practice', 'active', 'sfm-cm', '2020-01-01')`,
    [patient, practice, cm],
  );
  fhir = await startFhirReceiver({ bearerToken: token });
  hook = await startWebhookReceiver(hookSecret);
  otherFhir = await startFhirReceiver();
  mllp = await startMllpReceiver();
  await inTransaction(pool, async (tx) => {
    for (const [organizationId, fields, secret] of [
      [practice, endpoint({ url: fhir.baseUrl, authKind: "bearer" }), token],
      [
        practice,
        endpoint({ name: "Hook", kind: "webhook", url: hook.url, authKind: "webhook_secret" }),
        hookSecret,
      ],
      [practice, endpoint({ name: "HL7", kind: "hl7v2_mllp", host: mllp.host, port: mllp.port }), null],
      [other, endpoint({ name: "RVP EHR", url: otherFhir.baseUrl }), null],
    ] as const) {
      await createEndpoint(tx, key, { organizationId, fields, secret, createdBy: "e2e" });
    }
  });
  const logger = createLogger({ service: "e2e-outbound", level: process.env.LOG_LEVEL ?? "warn" });
  pipeline = await startPipeline(iso, logger, {
    notifierEnv: { OUTBOUND_SECRET_KEY: key.toString("hex"), DELIVERY_BACKOFF_BASE_SECONDS: "1" },
  });
});

afterAll(async () => {
  await pipeline?.stop();
  await Promise.all([fhir?.close(), hook?.close(), otherFhir?.close(), mllp?.close()]);
  await pool?.end();
});

const now = new Date(Date.now() - 5 * 60_000);
const arrival = ADT_A04_ED.replaceAll("20240305143015-0500", hl7Time(now))
  .replaceAll("20240305143000-0500", hl7Time(now))
  .replaceAll("20240305142500-0500", hl7Time(now))
  .replace("MG20240305143015001", `OUT${Date.now()}`);

describe("ADT over MLLP to the practice's systems", () => {
  it("an ED arrival becomes a Da Vinci admit notification stored by the EHR's FHIR server, a signed webhook and a forwarded ADT", async () => {
    const listener = pipeline?.listener;
    if (listener === undefined) throw new Error("no pipeline");
    const acks = await sendWithHl7Client(listener.mllpPort, [arrival]);
    expect(acks[0]).toMatch(/MSA\|CA\|/);
    await vi.waitFor(() => expect(fhir.stored).toHaveLength(1), { timeout: 45_000, interval: 200 });
    await vi.waitFor(() => expect(hook.received).toHaveLength(1), { timeout: 15_000, interval: 200 });
    const bundle = fhir.stored[0];
    const header = bundle?.entry?.[0]?.resource as MessageHeader;
    expect(header.eventCoding?.code).toBe("notification-admit");
    const byType = (type: string) => bundle?.entry?.find((e) => e.resource?.resourceType === type)?.resource;
    const encounter = byType("Encounter") as Encounter;
    expect(encounter).toMatchObject({ status: "in-progress", class: { code: "EMER" } });
    expect(encounter.identifier?.[0]?.value).toBe("V40012345001");
    expect(encounter.reasonCode?.[0]?.text).toBe("Chest pain, unspecified");
    const patient = byType("Patient") as Patient;
    expect(patient.identifier?.map((i) => i.value)).toContain("40012345");
    expect(patient.name?.[0]?.family).toBe("QUILLFEATHER");
    const coverages = bundle?.entry?.filter((e) => e.resource?.resourceType === "Coverage") ?? [];
    expect(coverages).toHaveLength(2);
    expect(hook.received[0]?.body).toMatchObject({
      type: "encounter.ed-arrival",
      data: { organization: { code: "SFM" }, encounter: { visitNumber: "V40012345001" } },
    });
    expect(hook.refused).toEqual([]);
    // The EHR's HL7 interface gets the ADT re-encoded, with Homeward's patient id, and ACKs it.
    await vi.waitFor(() => expect(mllp.accepted).toHaveLength(1), { timeout: 15_000, interval: 200 });
    expect(mllp.accepted[0]).toMatch(/\|ADT\^A04/);
    expect(mllp.accepted[0]).toContain("40012345^^^MERCYGEN^MR");
    expect(mllp.accepted[0]).toMatch(/~\d+\^\^\^HOMEWARD\^PI/);
    expect(otherFhir.requests()).toBe(0);
  });

  it("the hospital's A11 cancel reaches the same receivers as entered-in-error and event.retracted", async () => {
    const listener = pipeline?.listener;
    if (listener === undefined) throw new Error("no pipeline");
    const cancel = arrival
      .replace("ADT^A04^ADT_A01", "ADT^A11^ADT_A09")
      .replace("EVN|A04|", "EVN|A11|")
      .replace(/\|OUT(\d+)\|P\|/, "|CXL$1|P|");
    const acks = await sendWithHl7Client(listener.mllpPort, [cancel]);
    expect(acks[0]).toMatch(/MSA\|CA\|/);
    await vi.waitFor(() => expect(fhir.stored).toHaveLength(2), { timeout: 45_000, interval: 200 });
    await vi.waitFor(() => expect(hook.received).toHaveLength(2), { timeout: 15_000, interval: 200 });
    const encounter = fhir.stored[1]?.entry?.find((e) => e.resource?.resourceType === "Encounter")
      ?.resource as Encounter;
    expect(encounter.status).toBe("entered-in-error");
    expect(encounter.identifier?.[0]?.value).toBe("V40012345001");
    expect(hook.received[1]?.body).toMatchObject({ type: "event.retracted", data: { kind: "cancel-admit" } });
    await vi.waitFor(() => expect(mllp.accepted).toHaveLength(2), { timeout: 15_000, interval: 200 });
    expect(mllp.accepted[1]).toMatch(/\|ADT\^A11/);
    expect(otherFhir.requests()).toBe(0);
  });
});
