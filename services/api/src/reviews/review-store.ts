import { Identifier } from "@homeward/contracts";
import { notifyReferenceChanged, type Pool } from "@homeward/db";
import { addPatientIdentifiers } from "@homeward/rosters";
import { z } from "zod";
import { displayName } from "../tasks/task-queries.ts";

/** The part of the held event's AdtPatient a reviewer needs; the rest is ignored. */
const EventPatient = z.object({
  identifiers: z.array(Identifier).default([]),
  name: z.object({ family: z.string().optional(), given: z.string().optional() }).partial().optional(),
  birthDate: z.string().optional(),
  sex: z.string().optional(),
});

const Candidate = z.object({
  patientId: z.coerce.string(),
  score: z.number(),
  notes: z.array(z.string()).default([]),
});

/** A review as the queue shows it: the event's demographics beside each candidate's, never more. */
export interface ReviewView {
  eventId: string;
  facility: string;
  reason: string;
  status: "pending" | "confirmed" | "rejected";
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  decidedPatientId: string | null;
  eventKind: string | null;
  eventOccurredAt: string | null;
  /** What the hospital sent; null when the matcher did not store it (older reviews). */
  eventPatient: {
    displayName: string;
    birthDate: string | null;
    sex: string | null;
    identifiers: { value: string; typeCode: string | null; assigningAuthority: string | null }[];
  } | null;
  candidates: {
    patientId: string;
    score: number;
    notes: string[];
    displayName: string;
    birthDate: string | null;
    sex: string | null;
    postalCode: string | null;
  }[];
}

interface ReviewRow {
  event_id: string;
  facility: string;
  reason: string;
  status: ReviewView["status"];
  candidates: unknown;
  decided_by: string | null;
  decided_patient_id: string | null;
  created_at: Date;
  decided_at: Date | null;
  event_patient: unknown;
  event_kind: string | null;
  event_occurred_at: Date | null;
}

const REVIEW_SELECT = `SELECT event_id, facility, reason, status, candidates, decided_by, decided_patient_id::text,
                              created_at, decided_at, event_patient, event_kind, event_occurred_at FROM match_reviews`;

/** Reviews by status, oldest first (the queue order), with each candidate's demographics beside the event's. */
export async function listReviews(
  pool: Pool,
  filter: { status: ReviewView["status"]; limit: number; offset: number },
): Promise<ReviewView[]> {
  const { rows } = await pool.query<ReviewRow>(
    `${REVIEW_SELECT} WHERE status = $1 ORDER BY created_at, event_id LIMIT $2 OFFSET $3`,
    [filter.status, filter.limit, filter.offset],
  );
  return withCandidates(pool, rows);
}

/** One review by event id (after a decision, to answer with its new state). */
export async function loadReview(pool: Pool, eventId: string): Promise<ReviewView | undefined> {
  const { rows } = await pool.query<ReviewRow>(`${REVIEW_SELECT} WHERE event_id = $1`, [eventId]);
  return (await withCandidates(pool, rows))[0];
}

async function withCandidates(pool: Pool, rows: ReviewRow[]): Promise<ReviewView[]> {
  const parsed = rows.map((r) => ({ row: r, candidates: z.array(Candidate).catch([]).parse(r.candidates) }));
  const ids = [...new Set(parsed.flatMap((p) => p.candidates.map((c) => c.patientId)))];
  const { rows: people } = await pool.query<{
    id: string;
    given_name: string | null;
    family_name: string | null;
    birth_date: string | null;
    sex: string | null;
    postal_code: string | null;
  }>(
    `SELECT id::text, given_name, family_name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, sex, postal_code
       FROM patients WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  const byId = new Map(people.map((p) => [p.id, p]));
  return parsed.map(({ row, candidates }) => {
    const event = EventPatient.safeParse(row.event_patient);
    return {
      eventId: row.event_id,
      facility: row.facility,
      reason: row.reason,
      status: row.status,
      createdAt: row.created_at.toISOString(),
      decidedAt: row.decided_at?.toISOString() ?? null,
      decidedBy: row.decided_by,
      decidedPatientId: row.decided_patient_id,
      eventKind: row.event_kind,
      eventOccurredAt: row.event_occurred_at?.toISOString() ?? null,
      eventPatient: event.success
        ? {
            displayName: displayName(event.data.name?.given ?? null, event.data.name?.family ?? null),
            birthDate: event.data.birthDate ?? null,
            sex: event.data.sex ?? null,
            identifiers: event.data.identifiers.map((i) => ({
              value: i.value,
              typeCode: i.typeCode ?? null,
              assigningAuthority: i.assigningAuthority ?? null,
            })),
          }
        : null,
      candidates: candidates.map((c) => {
        const p = byId.get(c.patientId);
        return {
          ...c,
          displayName: displayName(p?.given_name ?? null, p?.family_name ?? null),
          birthDate: p?.birth_date ?? null,
          sex: p?.sex ?? null,
          postalCode: p?.postal_code ?? null,
        };
      }),
    };
  });
}

export type ReviewDecision = { kind: "confirm"; patientId: string } | { kind: "reject" };

/** What a decision did: for a confirmation, how many identifiers the patient gained and how many belong to someone else. */
export interface DecisionOutcome {
  identifiersAdded: number;
  identifiersHeldByOthers: number;
}

/**
 * Decides a pending review in one transaction. Confirming teaches the identifier cross-reference:
 * the event's identifiers (those with an assigning authority and type) are added to the chosen
 * patient, so the hospital's next message under them matches at once; an identifier another patient
 * already holds is left alone and counted. Matchers are told to reload (NOTIFY at commit).
 * Throws `"not-pending"` / `"not-candidate"` / `"not-found"` as values the route maps to 409/400/404.
 */
export async function decideReview(
  pool: Pool,
  input: { eventId: string; decision: ReviewDecision; actor: string; now: Date },
): Promise<DecisionOutcome | "not-found" | "not-pending" | "not-candidate"> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ status: string; candidates: unknown; event_patient: unknown }>(
      "SELECT status, candidates, event_patient FROM match_reviews WHERE event_id = $1 FOR UPDATE",
      [input.eventId],
    );
    const review = rows[0];
    const refuse = async (why: "not-found" | "not-pending" | "not-candidate") => {
      await client.query("ROLLBACK");
      return why;
    };
    if (review === undefined) return await refuse("not-found");
    if (review.status !== "pending") return await refuse("not-pending");
    const outcome: DecisionOutcome = { identifiersAdded: 0, identifiersHeldByOthers: 0 };
    if (input.decision.kind === "confirm") {
      const patientId = input.decision.patientId;
      const candidates = z.array(Candidate).catch([]).parse(review.candidates);
      if (!candidates.some((c) => c.patientId === patientId)) return await refuse("not-candidate");
      const identifiers = EventPatient.safeParse(review.event_patient).data?.identifiers ?? [];
      const taught = await addPatientIdentifiers(client, patientId, identifiers, `review:${input.eventId}`);
      outcome.identifiersAdded = taught.added;
      outcome.identifiersHeldByOthers = taught.heldByOthers;
      if (outcome.identifiersAdded > 0) await notifyReferenceChanged(client);
    }
    await client.query(
      `UPDATE match_reviews SET status = $2, decided_by = $3, decided_patient_id = $4, decided_at = $5
        WHERE event_id = $1`,
      [
        input.eventId,
        input.decision.kind === "confirm" ? "confirmed" : "rejected",
        input.actor,
        input.decision.kind === "confirm" ? input.decision.patientId : null,
        input.now,
      ],
    );
    await client.query("COMMIT");
    return outcome;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
