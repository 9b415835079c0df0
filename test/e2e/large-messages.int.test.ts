import { createPool, migrate, type Pool } from "@homeward/db";
import { ADT_A04_ED } from "@homeward/hl7/fixtures";
import { createLogger } from "@homeward/logger";
import { type Isolation, isolation, type SmtpSink } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RunningListener } from "../../services/adt-listener/src/app.ts";
import { sendWithHl7Client } from "../../services/adt-listener/src/harness.test-support.ts";
import { largeAdt } from "../../services/adt-listener/src/large-message.test-support.ts";
import { hl7Time, type Pipeline, startPipeline } from "./pipeline.test-support.ts";

/**
 * ED arrivals of 1 MB and 4 MiB (an embedded document and a thousand-odd diagnoses, which the
 * event, the matched record and the alert's task all carry) go the whole way: MLLP → adt-listener
 * → Kafka → matcher → Kafka → notifier → a task in PostgreSQL and an email. Kafka's default 1 MiB
 * record limit made the listener answer "resend" for ever, and consumers fetched 1 MiB per partition.
 */

const MiB = 1024 * 1024;

let iso: Isolation;
let pool: Pool;
let smtp: SmtpSink;
let listener: RunningListener;
let pipeline: Pipeline | undefined;
let patientId = "";

beforeAll(async () => {
  iso = isolation("e2e-large");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  const practice = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'SFM', 'Springvale Family Medicine', 'America/New_York') RETURNING id",
  );
  const cm = await one(
    "INSERT INTO recipients (organization_id, role, display_name, email, time_zone) VALUES ($1, 'care_manager', 'Casey Morgan', 'cm@springvale.example', 'America/New_York') RETURNING id",
    [practice],
  );
  await pool.query(
    "INSERT INTO notification_rules (organization_id, recipient_role, channel, active_from) VALUES ($1, 'care_manager', 'email', '2020-01-01')",
    [practice],
  );
  patientId = await one(
    "INSERT INTO patients (family_name, given_name, birth_date, sex, postal_code) VALUES ('QUILLFEATHER', 'MARISOL', '1958-04-12', 'F', '45501') RETURNING id",
  );
  await pool.query(
    "INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value) VALUES ($1, 'MERCYGEN', 'MR', '40012345')",
    [patientId],
  );
  await pool.query(
    "INSERT INTO attributions (patient_id, practice_org_id, source, kind, effective_from) VALUES ($1, $2, 'sfm-panel', 'panel', '2020-01-01')",
    [patientId, practice],
  );
  await pool.query(
    `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, risk_tier,
       care_manager_recipient_id, lead_organization, status, source, effective_from)
     VALUES ($1, 'complex-care', $2, $2, 'II', $3, 'practice', 'active', 'sfm-cm', '2020-01-01')`,
    [patientId, practice, cm],
  );

  const logger = createLogger({ service: "e2e-large", level: process.env.LOG_LEVEL ?? "warn" });
  pipeline = await startPipeline(iso, logger);
  ({ smtp, listener } = pipeline);
});

afterAll(async () => {
  await pipeline?.stop();
  await pool?.end();
});

/** The ED fixture a few minutes ago, as its own visit, grown to `bytes`. */
function edArrival(visitNumber: string, bytes: number): string {
  const now = hl7Time(new Date(Date.now() - 5 * 60_000));
  const message = ADT_A04_ED.replaceAll("20240305143015-0500", now)
    .replaceAll("20240305143000-0500", now)
    .replaceAll("20240305142500-0500", now)
    .replace("MG20240305143015001", `E2E-${visitNumber}`)
    .replace("V40012345001^^^MERCYGEN^VN", `${visitNumber}^^^MERCYGEN^VN`);
  return largeAdt(message, bytes);
}

describe("large ADT messages through the whole pipeline", () => {
  it("1 MB and 4 MiB ED arrivals each open the follow-up task and alert the care manager", async () => {
    const visits = [`V1MB${Date.now()}`, `V4MB${Date.now()}`];
    const messages = [edArrival(visits[0] as string, 1_000_000), edArrival(visits[1] as string, 4 * MiB)];
    const acks = await sendWithHl7Client(listener.mllpPort, messages);
    expect(acks.map((a) => a.match(/MSA\|(\w\w)\|/)?.[1])).toEqual(["CA", "CA"]);

    await vi.waitFor(
      async () => {
        const { rows } = await pool.query<{ visit_number: string; step_id: string }>(
          "SELECT visit_number, step_id FROM tasks WHERE patient_id = $1 ORDER BY visit_number",
          [patientId],
        );
        expect(rows.map((r) => [r.visit_number, r.step_id])).toEqual(
          [...visits].sort().map((v) => [v, "follow-up-call"]),
        );
      },
      { timeout: 60_000, interval: 250 },
    );
    await vi.waitFor(
      () => expect(smtp.received.filter((m) => m.to.includes("cm@springvale.example"))).toHaveLength(2),
      { timeout: 60_000, interval: 250 },
    );
  });
});
