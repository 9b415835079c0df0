import { adtEventId, type MatchedEvent } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import { NOW } from "../api.test-support.ts";

/** An instant `n` hours from the test api's clock (negative: before). */
export const hoursFromNow = (n: number) => new Date(NOW.getTime() + n * 3_600_000).toISOString();

export interface Announcement {
  visit: string;
  org: { id: string; code: string; name: string };
  patientId: string;
  kind: "ed-arrival" | "ed-discharge" | "inpatient-admit" | "discharge";
  /** When the event happened (hours from NOW). */
  at: number;
  setting: "ed" | "inpatient" | "observation";
  /** The encounter: in the hospital since `startedAt` (hours from NOW), or discharged at `at`. */
  status: "active" | "discharged";
  startedAt?: number;
  recipients?: string[];
  tier?: "I" | "II" | "III";
  copy?: "lead" | "monitor";
  facility?: { code: string; name: string; timeZone: string };
  location?: { pointOfCare: string; room?: string; bed?: string };
}

const MERCY = { code: "MERCYGEN", name: "Mercy General", timeZone: "America/Chicago" };

/**
 * An announcement as the notifier keeps it (matched_events, match id `match-<visit>`) and its
 * encounter as the matcher keeps it (made, or moved to the announcement's status).
 */
export async function announce(pool: Pool, a: Announcement): Promise<string> {
  const facility = a.facility ?? MERCY;
  const at = hoursFromNow(a.at);
  const startedAt = hoursFromNow(a.startedAt ?? a.at);
  const eventId = adtEventId("EPIC", facility.code, `ctl-${a.visit}-${a.kind}`);
  const matchId = `match-${a.visit}${a.kind === "inpatient-admit" || a.kind === "ed-arrival" ? "" : `-${a.kind}`}`;
  const discharged = a.status === "discharged";
  const record: Omit<MatchedEvent, "event"> & { event: Record<string, unknown> } = {
    schemaVersion: 1,
    matchId,
    kind: "announcement",
    event: {
      schemaVersion: 1,
      eventId,
      kind: a.kind,
      messageType: "ADT",
      occurredAt: at,
      facility: {
        sendingApplication: "EPIC",
        sendingFacility: facility.code,
        displayName: facility.name,
        timeZone: facility.timeZone,
      },
      visit: {
        visitNumber: a.visit,
        location: a.location ?? { pointOfCare: a.setting === "ed" ? "ED" : "4W", room: "12", bed: "A" },
      },
    },
    patientId: a.patientId,
    practice: { organizationId: a.org.id, code: a.org.code, name: a.org.name, timeZone: "America/New_York" },
    ...(a.tier === undefined
      ? {}
      : {
          enrollment: {
            program: "complex-care",
            riskTier: a.tier,
            status: "active" as const,
            leadOrganization: "practice" as const,
            copy: a.copy ?? ("lead" as const),
          },
        }),
    recipients: (a.recipients ?? []).map((recipientId) => ({
      recipientId,
      role: "care-manager" as const,
      copy: a.copy ?? ("lead" as const),
    })),
    flags: {},
    encounter: { facility: facility.code, visitNumber: a.visit, setting: a.setting, status: a.status },
    match: { method: "identifier", fields: [] },
    matchedAt: at,
  };
  await pool.query(
    `INSERT INTO matched_events (match_id, organization_id, patient_id, event_id, event_kind, facility, visit_number,
            occurred_at, copy, record, no_task_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL)`,
    [
      matchId,
      a.org.id,
      a.patientId,
      eventId,
      a.kind,
      facility.code,
      a.visit,
      at,
      a.copy ?? "lead",
      JSON.stringify(record),
    ],
  );
  await pool.query(
    `INSERT INTO encounters (facility, visit_number, patient_id, setting, status, started_at, discharged_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (facility, visit_number) DO UPDATE SET status = EXCLUDED.status, discharged_at = EXCLUDED.discharged_at`,
    [facility.code, a.visit, a.patientId, a.setting, a.status, startedAt, discharged ? at : null],
  );
  return matchId;
}

/** A follow-up task on an encounter (`reached`: completed having reached the patient). */
export async function followUpTask(
  pool: Pool,
  t: {
    id: string;
    orgId: string;
    patientId: string;
    visit: string;
    dueIn: number;
    assignee?: string | null;
    state?: "open" | "reached" | "left_message";
    attempts?: number;
  },
): Promise<void> {
  const closed = t.state === "reached" || t.state === "left_message";
  await pool.query(
    `INSERT INTO tasks (id, organization_id, patient_id, facility, visit_number, protocol_id, step_id, task_type, title,
            status, program, risk_tier, assignee_recipient_id, trigger_event_id, trigger_match_id, triggered_at, due_at,
            completed_at, outcome, completed_by, alert_content)
     VALUES ($1, $2, $3, 'MERCYGEN', $4, 'ed-follow-up', 'call', 'follow-up-call', 'Follow-up call after ED visit',
            $5, 'complex-care', 'I', $6, $7, $8, $9, $10, $11, $12, $13, '{}')`,
    [
      t.id,
      t.orgId,
      t.patientId,
      t.visit,
      closed ? "completed" : (t.attempts ?? 0) > 0 ? "in_progress" : "open",
      t.assignee ?? null,
      `evt-${t.id}`,
      `match-${t.visit}`,
      hoursFromNow(-30),
      hoursFromNow(t.dueIn),
      closed ? hoursFromNow(-1) : null,
      t.state === "reached" ? "reached_patient" : t.state === "left_message" ? "left_message" : null,
      closed ? "seed" : null,
    ],
  );
  for (let i = 0; i < (t.attempts ?? 0); i++)
    await pool.query(
      `INSERT INTO task_history (task_id, at, actor, action, to_status, detail)
       VALUES ($1, $2, 'seed', 'attempt', 'in_progress', '{"method":"phone"}')`,
      [t.id, hoursFromNow(-2 - i)],
    );
}
