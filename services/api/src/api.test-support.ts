import { adtEventId, type MatchedEvent } from "@homeward/contracts";
import { createPool, migrate, type Pool } from "@homeward/db";
import {
  createOrganization,
  createRecipient,
  createUser,
  type OrganizationKind,
  type RecipientRole,
} from "@homeward/directory";
import { createLogger } from "@homeward/logger";
import { isolation } from "@homeward/testing";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { buildApi } from "./app.ts";
import type { Role } from "./auth/principal.ts";
import { loadApiEnv } from "./env.ts";

/** The api's clock in tests: 10:00 in New York on a Tuesday, so "today" is the same day in every zone used. */
export const NOW = new Date("2026-03-10T15:00:00Z");
export const PASSWORD = "correct horse battery staple";
const hours = (n: number) => new Date(NOW.getTime() + n * 3_600_000).toISOString();

export const USERS = {
  cmA: { email: "cm@sfm.example", role: "care_manager", orgs: ["SFM"], recipient: "cm@sfm.example" },
  adminA: { email: "admin@sfm.example", role: "practice_admin", orgs: ["SFM"] },
  qualityA: { email: "quality@sfm.example", role: "quality", orgs: ["SFM"] },
  cmB: { email: "cm@rvp.example", role: "care_manager", orgs: ["RVP"], recipient: "cm@rvp.example" },
  adminB: { email: "admin@rvp.example", role: "practice_admin", orgs: ["RVP"] },
  planCm: { email: "cm@bcp.example", role: "care_manager", orgs: ["BCP"], recipient: "cm@bcp.example" },
  root: { email: "root@homeward.example", role: "system_admin", orgs: [] },
  analyst: { email: "interfaces@homeward.example", role: "interface_analyst", orgs: [] },
} as const satisfies Record<
  string,
  { email: string; role: Role; orgs: readonly string[]; recipient?: string }
>;
export type UserKey = keyof typeof USERS;

export interface ApiTest {
  app: FastifyInstance;
  pool: Pool;
  ids: Awaited<ReturnType<typeof seed>>;
  tokens: Record<UserKey, string>;
  /** `app.inject` as a user (or without a token when `as` is null). */
  call(as: UserKey | null, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Puts the api on a free local port (for a browser or a raw socket); its base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * An api on its own PostgreSQL schema with two practices (SFM = A, RVP = B), a health plan (BCP),
 * their recipients, patients, rosters, enrollments, encounters, tasks, alerts, a review, and a
 * signed-in token for each test user.
 */
export async function startTestApi(label: string, env: Record<string, string> = {}): Promise<ApiTest> {
  const iso = isolation(label);
  await migrate(iso.settings.postgres);
  const pool = createPool(iso.settings.postgres);
  const ids = await seed(pool);
  for (const u of Object.values(USERS)) {
    await createUser(pool, {
      email: u.email,
      password: PASSWORD,
      role: u.role,
      organizationCodes: u.orgs,
      ...("recipient" in u ? { recipientEmail: u.recipient } : {}),
    });
  }
  const config = loadApiEnv({
    DATABASE_URL: iso.settings.postgres.url,
    DATABASE_SCHEMA: iso.settings.postgres.schema,
    API_TOKEN_SECRET: "test-only-secret-0123456789abcdefghijkl",
    RATE_LIMIT_PER_MINUTE: "100000",
    LOGIN_RATE_LIMIT_PER_MINUTE: "10000",
    ...env,
  });
  const logger = createLogger({ service: "api-test", level: process.env.LOG_LEVEL ?? "warn" });
  const app = await buildApi(config, { pool, logger, now: () => NOW });
  const tokens = {} as Record<UserKey, string>;
  for (const [key, u] of Object.entries(USERS) as [UserKey, (typeof USERS)[UserKey]][]) {
    const res = await app.inject({
      method: "POST",
      url: "/api/login",
      payload: { email: u.email, password: PASSWORD },
    });
    if (res.statusCode !== 200) throw new Error(`login ${key}: ${res.statusCode} ${res.body}`);
    tokens[key] = res.json<{ token: string }>().token;
  }
  return {
    app,
    pool,
    ids,
    tokens,
    call: (as, options) =>
      app.inject({
        ...options,
        headers: { ...options.headers, ...(as === null ? {} : { authorization: `Bearer ${tokens[as]}` }) },
      }),
    listen: async () => {
      await app.listen({ host: "127.0.0.1", port: 0 });
      const address = app.server.address();
      if (address === null || typeof address === "string")
        throw new Error("the api is not listening on a port");
      return `http://127.0.0.1:${address.port}`;
    },
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}

/**
 * A matched announcement as the notifier keeps it (matched_events, match id `match-<visit>`), with
 * its encounter when the seed has none yet: what the event page, patient history and census read.
 */
async function matchedEventRow(
  pool: Pool,
  m: {
    visit: string;
    org: { id: string; code: string; name: string };
    patientId: string;
    patient: { family: string; given: string; birthDate: string; mrn: string };
    kind: "ed-discharge" | "inpatient-admit";
    at: string;
    status: "active" | "discharged";
    noTaskReason: string | null;
    recipients: MatchedEvent["recipients"];
  },
): Promise<void> {
  const ed = m.kind === "ed-discharge";
  const eventId = adtEventId("EPIC", "MERCYGEN", `ctl-${m.visit}`);
  const mrn = { value: m.patient.mrn, typeCode: "MR", assigningAuthority: m.org.code };
  const record: MatchedEvent = {
    schemaVersion: 1,
    matchId: `match-${m.visit}`,
    kind: "announcement",
    event: {
      schemaVersion: 1,
      eventId,
      kind: m.kind,
      messageType: "ADT",
      trigger: ed ? "A03" : "A01",
      hl7Version: "2.5.1",
      processingId: "P",
      controlId: `ctl-${m.visit}`,
      occurredAt: m.at,
      occurredAtSource: "EVN-6",
      recordedAt: m.at,
      facility: {
        sendingApplication: "EPIC",
        sendingFacility: "MERCYGEN",
        displayName: "Mercy General",
        timeZone: "America/Chicago",
      },
      patient: {
        identifiers: [mrn],
        primaryIdentifier: mrn,
        name: { family: m.patient.family, given: m.patient.given },
        birthDate: m.patient.birthDate,
        sex: "F",
        addresses: [],
        telecoms: [],
      },
      visit: {
        visitNumber: m.visit,
        patientClass: ed ? "E" : "I",
        location: { pointOfCare: ed ? "ED" : "4W", room: "12", bed: "A" },
        admitReason: { code: "R07.9", text: "Chest pain", system: "I10" },
        attendingProvider: {
          identifiers: [{ value: "1234567893", typeCode: "NPI" }],
          npi: "1234567893",
          name: { family: "HALVORSEN", given: "INGRID" },
        },
        ...(ed ? { dischargeDisposition: "01", dischargedAt: m.at } : { admittedAt: m.at }),
      },
      diagnoses: [{ code: "R07.9", system: "I10", description: "Chest pain, unspecified", type: "A" }],
      insurances: [],
      flags: { sensitiveFacility: false, isEdVisit: ed, isObservation: false, patientProtected: false },
    },
    patientId: m.patientId,
    practice: { organizationId: m.org.id, code: m.org.code, name: m.org.name, timeZone: "America/New_York" },
    enrollment: {
      program: "complex-care",
      riskTier: "I",
      status: "active",
      leadOrganization: "practice",
      copy: "lead",
    },
    recipients: m.recipients,
    flags: {},
    encounter: {
      facility: "MERCYGEN",
      visitNumber: m.visit,
      setting: ed ? "ed" : "inpatient",
      status: m.status,
    },
    match: { method: "identifier", fields: [{ field: "identifier:MR", agreement: "exact" }] },
    matchedAt: m.at,
  };
  await pool.query(
    `INSERT INTO matched_events (match_id, organization_id, patient_id, event_id, event_kind, facility, visit_number,
            occurred_at, copy, record, no_task_reason)
     VALUES ($1, $2, $3, $4, $5, 'MERCYGEN', $6, $7, 'lead', $8, $9)`,
    [
      record.matchId,
      m.org.id,
      m.patientId,
      eventId,
      m.kind,
      m.visit,
      m.at,
      JSON.stringify(record),
      m.noTaskReason,
    ],
  );
  await pool.query(
    `INSERT INTO encounters (facility, visit_number, patient_id, setting, status, started_at, discharged_at, entries)
     VALUES ('MERCYGEN', $1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [
      m.visit,
      m.patientId,
      ed ? "ed" : "inpatient",
      m.status,
      m.at,
      m.status === "discharged" ? m.at : null,
      JSON.stringify([{ eventId, kind: m.kind, occurredAt: m.at, announced: true }]),
    ],
  );
}

async function seed(pool: Pool) {
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  const org = async (kind: OrganizationKind, code: string, name: string) => {
    const created = await createOrganization(
      pool,
      { kind, code, name, npi: null, tin: null, timeZone: "America/New_York", parentId: null },
      new Date(),
    );
    if (typeof created === "string") throw new Error(`organization ${code} not created: ${created}`);
    return created.id;
  };
  const practiceA = await org("practice", "SFM", "Springvale Family Medicine");
  const practiceB = await org("practice", "RVP", "Riverside Primary Care");
  const plan = await org("health_plan", "BCP", "BlueCare Plan");
  const recipient = async (organizationId: string, role: RecipientRole, name: string, email: string) => {
    const created = await createRecipient(pool, organizationId, {
      role,
      displayName: name,
      email,
      pagerId: null,
      timeZone: "America/New_York",
      active: true,
      npi: null,
    });
    if (typeof created === "string") throw new Error(`recipient ${email} not created: ${created}`);
    return created.id;
  };
  const cmA = await recipient(practiceA, "care_manager", "Casey Morgan", "cm@sfm.example");
  const cmA2 = await recipient(practiceA, "care_manager", "Robin Lee", "cm2@sfm.example");
  const cmB = await recipient(practiceB, "care_manager", "Jordan Price", "cm@rvp.example");
  const cmPlan = await recipient(plan, "care_manager", "Sam Ortiz", "cm@bcp.example");
  const patient = (family: string, given: string, birthDate: string) =>
    one(
      "INSERT INTO patients (family_name, given_name, birth_date, sex) VALUES ($1, $2, $3, 'F') RETURNING id",
      [family, given, birthDate],
    );
  const pA1 = await patient("QUILLFEATHER", "MARISOL", "1958-04-12");
  const pA2 = await patient("ABERNATHY", "OTIS", "1949-11-02");
  const pB1 = await patient("VANTERPOOL", "HENRIETTA", "1961-07-30");
  await pool.query(
    `INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value)
     VALUES ($1, 'SFM', 'MR', 'SFM-1001'), ($2, 'SFM', 'MR', 'SFM-1002'), ($3, 'RVP', 'MR', 'RVP-2001')`,
    [pA1, pA2, pB1],
  );
  await pool.query(
    `INSERT INTO attributions (patient_id, practice_org_id, source, kind, effective_from)
     VALUES ($1, $4, 'bcp-attribution', 'attribution', '2025-01-01'), ($2, $4, 'bcp-attribution', 'attribution', '2025-01-01'),
            ($3, $5, 'bcp-attribution', 'attribution', '2025-01-01')`,
    [pA1, pA2, pB1, practiceA, practiceB],
  );
  const enroll = (patientId: string, listedBy: string, practice: string, source: string, extra: string) =>
    one(
      `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, status, source,
              effective_from, risk_tier, lead_organization, plan_risk_score, practice_flag, goal)
       SELECT $1, 'complex-care', $2, $3, 'active', $4, '2025-06-01', x.tier, x.lead, x.score, x.flag, x.goal
         FROM json_to_record($5::json) AS x(tier text, lead text, score numeric, flag boolean, goal text) RETURNING id`,
      [patientId, listedBy, practice, source, extra],
    );
  const enrollPlanA1 = await enroll(
    pA1,
    plan,
    practiceA,
    "bcp-cm",
    '{"tier":"I","lead":"plan","score":0.91}',
  );
  const enrollA1 = await enroll(
    pA1,
    practiceA,
    practiceA,
    "sfm-cm",
    '{"tier":"I","lead":"practice","flag":true,"goal":"Walk daily"}',
  );
  const enrollA2 = await enroll(
    pA2,
    practiceA,
    practiceA,
    "sfm-cm",
    '{"tier":"II","lead":"practice","flag":true}',
  );
  const enrollB1 = await enroll(
    pB1,
    practiceB,
    practiceB,
    "rvp-cm",
    '{"tier":"I","lead":"practice","flag":true}',
  );
  const enrollPlanB1 = await enroll(
    pB1,
    plan,
    practiceB,
    "bcp-cm",
    '{"tier":"I","lead":"joint","score":0.75}',
  );
  const encounter = (visit: string, patientId: string) =>
    pool.query(
      `INSERT INTO encounters (facility, visit_number, patient_id, setting, status, started_at, discharged_at, entries)
       VALUES ('MERCYGEN', $1, $2, 'ed', 'discharged', $3, $4, $5)`,
      [
        visit,
        patientId,
        hours(-30),
        hours(-26),
        JSON.stringify([
          { eventId: `evt-${visit}-a`, kind: "ed-arrival", occurredAt: hours(-30), announced: true },
          { eventId: `evt-${visit}-d`, kind: "ed-discharge", occurredAt: hours(-26), announced: true },
        ]),
      ],
    );
  await encounter("V-A1", pA1);
  await encounter("V-A2", pA2);
  await encounter("V-B1", pB1);
  const task = async (t: {
    id: string;
    org: string;
    patient: string;
    visit: string;
    due: string;
    assignee: string | null;
  }) => {
    await pool.query(
      `INSERT INTO tasks (id, organization_id, patient_id, facility, visit_number, protocol_id, step_id, task_type, title,
              program, risk_tier, assignee_recipient_id, trigger_event_id, trigger_match_id, triggered_at, due_at, alert_content)
       VALUES ($1, $2, $3, 'MERCYGEN', $4, 'ed-follow-up', 'call', 'follow-up-call', 'Follow-up call after ED visit',
              'complex-care', 'I', $5, $6, $7, $8, $9, $10)`,
      [
        t.id,
        t.org,
        t.patient,
        t.visit,
        t.assignee,
        `evt-${t.visit}-d`,
        `match-${t.visit}`,
        hours(-26),
        t.due,
        JSON.stringify({ eventKind: "ed-discharge", facility: { code: "MERCYGEN", name: "Mercy General" } }),
      ],
    );
    await pool.query(
      "INSERT INTO task_history (task_id, actor, action, to_status) VALUES ($1, 'notifier', 'opened', 'open')",
      [t.id],
    );
    await pool.query(
      `INSERT INTO deliveries (id, purpose, channel, recipient_id, organization_id, match_id, event_id, task_id, content,
              status, attempts, sent_at)
       VALUES ($1, 'alert', 'email', $2, $3, $4, $5, $6, '{}', 'sent', 1, $7)`,
      [`dlv-${t.id}`, t.assignee ?? cmA2, t.org, `match-${t.visit}`, `evt-${t.visit}-d`, t.id, hours(-25.9)],
    );
  };
  await task({ id: "task-a1", org: practiceA, patient: pA1, visit: "V-A1", due: hours(-1), assignee: cmA });
  await task({ id: "task-a2", org: practiceA, patient: pA2, visit: "V-A2", due: hours(3), assignee: null });
  await task({ id: "task-a3", org: practiceA, patient: pA1, visit: "V-A1b", due: hours(72), assignee: cmA });
  await task({ id: "task-b1", org: practiceB, patient: pB1, visit: "V-B1", due: hours(-1), assignee: cmB });
  const matched = (m: {
    visit: string;
    org: { id: string; code: string; name: string };
    patientId: string;
    patient: { family: string; given: string; birthDate: string; mrn: string };
    kind: "ed-discharge" | "inpatient-admit";
    at: string;
    status: "active" | "discharged";
    noTaskReason: string | null;
    recipients: MatchedEvent["recipients"];
  }) => matchedEventRow(pool, m);
  const patientA1 = { family: "QUILLFEATHER", given: "MARISOL", birthDate: "1958-04-12", mrn: "SFM-1001" };
  const patientA2 = { family: "ABERNATHY", given: "OTIS", birthDate: "1949-11-02", mrn: "SFM-1002" };
  const patientB1 = { family: "VANTERPOOL", given: "HENRIETTA", birthDate: "1961-07-30", mrn: "RVP-2001" };
  const orgA = { id: practiceA, code: "SFM", name: "Springvale Family Medicine" };
  const orgB = { id: practiceB, code: "RVP", name: "Riverside Primary Care" };
  const cmOf = (recipientId: string) => [
    {
      recipientId,
      role: "care-manager" as const,
      copy: "lead" as const,
      basis: "care-manager-of-record" as const,
    },
  ];
  // The alerts behind the seeded tasks (match-<visit>), and an admission in progress that opened none.
  await matched({
    visit: "V-A1",
    org: orgA,
    patientId: pA1,
    patient: patientA1,
    kind: "ed-discharge",
    at: hours(-26),
    status: "discharged",
    noTaskReason: null,
    recipients: cmOf(cmA),
  });
  await matched({
    visit: "V-A2",
    org: orgA,
    patientId: pA2,
    patient: patientA2,
    kind: "ed-discharge",
    at: hours(-26),
    status: "discharged",
    noTaskReason: null,
    recipients: cmOf(cmA2),
  });
  await matched({
    visit: "V-A4",
    org: orgA,
    patientId: pA2,
    patient: patientA2,
    kind: "inpatient-admit",
    at: hours(-5),
    status: "active",
    noTaskReason: "no-protocol-for-event",
    recipients: cmOf(cmA2),
  });
  await matched({
    visit: "V-B1",
    org: orgB,
    patientId: pB1,
    patient: patientB1,
    kind: "ed-discharge",
    at: hours(-26),
    status: "discharged",
    noTaskReason: null,
    recipients: cmOf(cmB),
  });
  await matched({
    visit: "V-B2",
    org: orgB,
    patientId: pB1,
    patient: patientB1,
    kind: "inpatient-admit",
    at: hours(-4),
    status: "active",
    noTaskReason: "no-protocol-for-event",
    recipients: cmOf(cmB),
  });
  await pool.query(
    `INSERT INTO match_reviews (event_id, facility, reason, candidates, event_patient, event_kind, event_occurred_at)
     VALUES ('evt-review-1', 'MERCYGEN', 'review', $1, $2, 'ed-arrival', $3)`,
    [
      JSON.stringify([
        { patientId: pA1, score: 0.82, notes: ["birth date agrees", "name is close"] },
        { patientId: pB1, score: 0.61, notes: ["birth date differs"] },
      ]),
      JSON.stringify({
        identifiers: [
          { value: "MG-555001", typeCode: "MR", assigningAuthority: "MERCYGEN" },
          { value: "SFM-1002", typeCode: "MR", assigningAuthority: "SFM" },
          { value: "NOAUTH-1" },
        ],
        name: { family: "QUILFEATHER", given: "MARISOL" },
        birthDate: "1958-04-12",
        sex: "F",
      }),
      hours(-2),
    ],
  );
  return {
    practiceA,
    practiceB,
    plan,
    cmA,
    cmA2,
    cmB,
    cmPlan,
    pA1,
    pA2,
    pB1,
    enrollPlanA1,
    enrollA1,
    enrollA2,
    enrollB1,
    enrollPlanB1,
  };
}
