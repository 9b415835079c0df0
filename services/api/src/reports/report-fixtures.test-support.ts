import type { Pool } from "@homeward/db";
import type { ProtocolsFile } from "@homeward/protocols";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import type { Principal } from "../auth/principal.ts";
import { registerReportRoutes } from "./index.ts";

/** Rows for the report tests, inserted directly: the reports read tables, not services. */
export function reportFixtures(pool: Pool) {
  const one = async (sql: string, params: unknown[]) => String((await pool.query(sql, params)).rows[0]?.id);
  let taskSeq = 0;
  return {
    organization: (code: string, name: string, timeZone = "America/New_York", kind = "practice") =>
      one("INSERT INTO organizations (kind, code, name, time_zone) VALUES ($1, $2, $3, $4) RETURNING id", [
        kind,
        code,
        name,
        timeZone,
      ]),
    careManager: (organizationId: string, name: string) =>
      one(
        `INSERT INTO recipients (organization_id, role, display_name, email, time_zone)
         VALUES ($1, 'care_manager', $2, $3, 'America/New_York') RETURNING id`,
        [organizationId, name, `${name.replace(/\W/g, "").toLowerCase()}${organizationId}@cm.example`],
      ),
    patient: (family: string, given: string) =>
      one("INSERT INTO patients (family_name, given_name) VALUES ($1, $2) RETURNING id", [family, given]),
    /** A task of a protocol step; `completed` sets status, time and outcome together (the table's CHECKs). */
    task: async (t: {
      organizationId: string;
      patientId: string;
      protocolId?: string;
      stepId?: string;
      triggeredAt: string;
      assignee?: string;
      program?: string;
      tier?: "I" | "II" | "III";
      completed?: { at: string; outcome: string };
      cancelled?: boolean;
      /**
       * Excluded by the notifier (tasks.excluded_reason, with the words in cancel_reason): an open task
       * becomes cancelled; a completed one keeps its completion, as the notifier does.
       */
      excluded?: { reason: string; detail: string };
      /** Visit number (PV1-19); default one of its own per task. */
      visitNumber?: string;
    }) => {
      taskSeq += 1;
      const id = `task-${t.organizationId}-${taskSeq}`;
      const status = t.completed ? "completed" : t.cancelled || t.excluded ? "cancelled" : "open";
      await pool.query(
        `INSERT INTO tasks (id, organization_id, patient_id, facility, visit_number, protocol_id, step_id, task_type,
                            title, status, program, risk_tier, assignee_recipient_id, trigger_event_id,
                            trigger_match_id, triggered_at, due_at, completed_at, outcome, cancelled_at, cancel_reason,
                            alert_content)
         VALUES ($1, $2, $3, 'MERCYGEN', $4, $5, $6, 'follow-up-call', 'Follow-up', $7, $8, $9, $10, $11, $11,
                 $12::timestamptz, $12::timestamptz + interval '2 days', $13, $14,
                 CASE WHEN $7 = 'cancelled' THEN $12::timestamptz + interval '1 hour' END,
                 CASE WHEN $7 = 'cancelled' THEN COALESCE($15, 'A11') END, '{}'::jsonb)`,
        [
          id,
          t.organizationId,
          t.patientId,
          t.visitNumber ?? `V-${id}`,
          t.protocolId ?? "ed-follow-up",
          t.stepId ?? "follow-up-call",
          status,
          t.program ?? null,
          t.tier ?? null,
          t.assignee ?? null,
          `event-${id}`,
          t.triggeredAt,
          t.completed?.at ?? null,
          t.completed?.outcome ?? null,
          t.excluded?.detail ?? null,
        ],
      );
      if (t.excluded !== undefined)
        await pool.query(
          "UPDATE tasks SET excluded_reason = $2, excluded_at = triggered_at + interval '1 hour' WHERE id = $1",
          [id, t.excluded.reason],
        );
      return id;
    },
    /** An alert (or other) delivery whose content carries the event time, as the notifier stores it. */
    delivery: async (d: {
      organizationId: string;
      recipientId: string;
      occurredAt: string;
      delaySeconds: number;
      status?: string;
      purpose?: string;
      channel?: "email" | "pager";
    }) => {
      taskSeq += 1;
      await pool.query(
        `INSERT INTO deliveries (id, purpose, channel, recipient_id, organization_id, content, status, sent_at)
         VALUES ($1, $2, $3, $4, $5, jsonb_build_object('occurredAt', $6::text), $7,
                 CASE WHEN $7 = 'sent' THEN $6::timestamptz + make_interval(secs => $8) END)`,
        [
          `delivery-${taskSeq}`,
          d.purpose ?? "alert",
          d.channel ?? "email",
          d.recipientId,
          d.organizationId,
          d.occurredAt,
          d.status ?? "sent",
          d.delaySeconds,
        ],
      );
    },
    /** A care-management enrollment row of a list (a practice's own or a plan's). */
    enrollment: async (e: {
      patientId: string;
      listedBy: string;
      practiceOrgId?: string;
      source: string;
      status: "active" | "monitor" | "tracking_list" | "ended";
      tier?: "I" | "II" | "III";
      goal?: string;
      goalMet?: boolean;
      score?: number;
      flag?: boolean;
      from?: string;
      to?: string;
      program?: string;
    }) => {
      await pool.query(
        `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, risk_tier,
                   status, goal, goal_met, plan_risk_score, practice_flag, source, effective_from, effective_to)
         VALUES ($1, $13, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          e.patientId,
          e.listedBy,
          e.practiceOrgId ?? null,
          e.tier ?? null,
          e.status,
          e.goal ?? null,
          e.goalMet ?? null,
          e.score ?? null,
          e.flag ?? null,
          e.source,
          e.from ?? "2024-01-01",
          e.to ?? null,
          e.program ?? "complex-care",
        ],
      );
    },
    complete: (taskId: string, at: string, outcome: string) =>
      pool.query("UPDATE tasks SET status = 'completed', completed_at = $2, outcome = $3 WHERE id = $1", [
        taskId,
        at,
        outcome,
      ]),
  };
}

/** The principal the test app reads from `x-test-principal` (JSON), standing in for the auth hook. */
export const principalHeader = (principal: Principal) => ({ "x-test-principal": JSON.stringify(principal) });

/**
 * A minimal fastify app around the report routes: an onRequest hook sets `request.principal` from a
 * header, and the error handler answers in the API's error shape. Nothing of the real app.ts.
 */
export async function reportTestApp(
  pool: Pool,
  options: {
    now?: () => Date;
    audit?: (request: FastifyRequest, patientIds: string[]) => Promise<void>;
    protocols?: ProtocolsFile;
  } = {},
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.addHook("onRequest", async (request) => {
    const header = request.headers["x-test-principal"];
    if (typeof header === "string") request.principal = JSON.parse(header) as Principal;
  });
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    void reply
      .code(status)
      .send({ error: { code: status === 400 ? "validation" : "internal", message: error.message } });
  });
  await app.register(registerReportRoutes, { prefix: "/api/reports", pool, ...options });
  await app.ready();
  return app;
}

/** GET a report as `principal`; the status and the parsed body. */
export async function getReport<T>(
  app: FastifyInstance,
  principal: Principal,
  path: string,
  query: string,
): Promise<{ status: number; body: T }> {
  const res = await app.inject({
    method: "GET",
    url: `${path}?${query}`,
    headers: principalHeader(principal),
  });
  return { status: res.statusCode, body: res.json<T>() };
}
