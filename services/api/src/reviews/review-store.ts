import { Address, Identifier, PersonName, Telecom } from "@homeward/contracts";
import { notifyReferenceChanged, type Pool } from "@homeward/db";
import { type Candidate as IdentityCandidate, identifierKey } from "@homeward/identity";
import { addPatientIdentifiers } from "@homeward/rosters";
import { z } from "zod";
import { displayName } from "../tasks/task-queries.ts";
import {
  compareFields,
  compareIdentifiers,
  type FieldComparisonRow,
  type IdentifierComparison,
} from "./review-comparison.ts";

/** The held event's AdtPatient as stored (older reviews may lack parts): what the reviewer compares. */
const EventPatient = z.object({
  identifiers: z.array(Identifier).default([]),
  name: PersonName.partial().optional(),
  birthDate: z.string().optional(),
  sex: z.string().optional(),
  addresses: z.array(Address.partial()).catch([]).default([]),
  telecoms: z.array(Telecom).catch([]).default([]),
  memberId: z.string().optional(),
});

const Candidate = z.object({
  patientId: z.coerce.string(),
  score: z.number(),
  notes: z.array(z.string()).default([]),
});

type ReviewStatus = "pending" | "confirmed" | "rejected";

/** A review as the queue shows it: the event's demographics beside each candidate's, never more. */
export interface ReviewView {
  eventId: string;
  facility: string;
  reason: string;
  status: ReviewStatus;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  /** The deciding user's e-mail, when a signed-in user decided. */
  decidedByName: string | null;
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
    /** The organizations the candidate is on a roster or list of now (names). */
    organizations: string[];
    /** The candidate's identifiers on file. */
    identifiers: { value: string; typeCode: string; assigningAuthority: string }[];
    /** Field by field beside the message; empty when the message's patient was not stored. */
    fields: FieldComparisonRow[];
    /** The message's identifiers and what confirming this candidate would do with each. */
    identifierComparison: IdentifierComparison[];
  }[];
}

interface ReviewRow {
  event_id: string;
  facility: string;
  reason: string;
  status: ReviewStatus;
  candidates: unknown;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_patient_id: string | null;
  created_at: Date;
  decided_at: Date | null;
  event_patient: unknown;
  event_kind: string | null;
  event_occurred_at: Date | null;
}

const REVIEW_SELECT = `SELECT r.event_id, r.facility, r.reason, r.status, r.candidates, r.decided_by, u.email AS decided_by_name,
                              r.decided_patient_id::text, r.created_at, r.decided_at, r.event_patient, r.event_kind,
                              r.event_occurred_at
                         FROM match_reviews r LEFT JOIN users u ON r.decided_by = 'user:' || u.id::text`;

/**
 * Reviews by status with the count of all of that status: the pending queue oldest first (the
 * order to work it in), decided ones newest decision first. Each candidate's record beside the event's.
 */
export async function listReviews(
  pool: Pool,
  filter: { status: ReviewStatus; limit: number; offset: number },
): Promise<{ items: ReviewView[]; total: number }> {
  const order = filter.status === "pending" ? "r.created_at, r.event_id" : "r.decided_at DESC, r.event_id";
  const [{ rows }, count] = await Promise.all([
    pool.query<ReviewRow>(`${REVIEW_SELECT} WHERE r.status = $1 ORDER BY ${order} LIMIT $2 OFFSET $3`, [
      filter.status,
      filter.limit,
      filter.offset,
    ]),
    pool.query<{ n: number }>("SELECT count(*)::int AS n FROM match_reviews WHERE status = $1", [
      filter.status,
    ]),
  ]);
  return { items: await withCandidates(pool, rows), total: count.rows[0]?.n ?? 0 };
}

/** One review by event id (after a decision, to answer with its new state). */
export async function loadReview(pool: Pool, eventId: string): Promise<ReviewView | undefined> {
  const { rows } = await pool.query<ReviewRow>(`${REVIEW_SELECT} WHERE r.event_id = $1`, [eventId]);
  return (await withCandidates(pool, rows))[0];
}

interface PatientRow {
  id: string;
  given_name: string | null;
  family_name: string | null;
  middle_name: string | null;
  birth_date: string | null;
  sex: string | null;
  postal_code: string | null;
  phone: string | null;
  organizations: string[];
}

async function withCandidates(pool: Pool, rows: ReviewRow[]): Promise<ReviewView[]> {
  const parsed = rows.map((r) => ({
    row: r,
    candidates: z.array(Candidate).catch([]).parse(r.candidates),
    event: EventPatient.safeParse(r.event_patient).data,
  }));
  const ids = [...new Set(parsed.flatMap((p) => p.candidates.map((c) => c.patientId)))];
  const eventIds = parsed.flatMap((p) => p.event?.identifiers ?? []).filter((i) => i.assigningAuthority);
  const [people, identifiers, holders] = await Promise.all([
    pool.query<PatientRow>(
      `SELECT p.id::text, p.given_name, p.family_name, p.middle_name, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date,
              p.sex, p.postal_code, p.phone,
              ARRAY(SELECT DISTINCT o.name FROM organizations o
                     WHERE o.id IN (SELECT practice_org_id FROM attributions a
                                     WHERE a.patient_id = p.id AND a.effective_to IS NULL
                                    UNION SELECT listed_by_org_id FROM care_management_enrollments e
                                     WHERE e.patient_id = p.id AND e.effective_to IS NULL AND e.status <> 'ended')
                     ORDER BY o.name) AS organizations
         FROM patients p WHERE p.id = ANY($1::bigint[])`,
      [ids],
    ),
    pool.query<{ patient_id: string; value: string; type_code: string; assigning_authority: string }>(
      `SELECT patient_id::text, value, type_code, assigning_authority FROM patient_identifiers
        WHERE patient_id = ANY($1::bigint[]) ORDER BY assigning_authority, type_code, value`,
      [ids],
    ),
    pool.query<{ patient_id: string; value: string; type_code: string; assigning_authority: string }>(
      `SELECT i.patient_id::text, i.value, i.type_code, i.assigning_authority
         FROM patient_identifiers i
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS e(authority, type_code, value)
           ON i.assigning_authority = e.authority AND i.type_code = e.type_code AND i.value = e.value`,
      [
        eventIds.map((i) => i.assigningAuthority),
        eventIds.map((i) => i.typeCode ?? ""),
        eventIds.map((i) => i.value),
      ],
    ),
  ]);
  const byId = new Map(people.rows.map((p) => [p.id, p]));
  const idsOf = new Map<string, { value: string; typeCode: string; assigningAuthority: string }[]>();
  for (const i of identifiers.rows) {
    const list = idsOf.get(i.patient_id) ?? [];
    list.push({ value: i.value, typeCode: i.type_code, assigningAuthority: i.assigning_authority });
    idsOf.set(i.patient_id, list);
  }
  const heldBy = new Map<string, string>();
  for (const h of holders.rows) {
    const key = identifierKey({
      value: h.value,
      typeCode: h.type_code,
      assigningAuthority: h.assigning_authority,
    });
    if (key !== undefined) heldBy.set(key, h.patient_id);
  }
  return parsed.map(({ row, candidates, event }) => {
    const incoming = event;
    return {
      eventId: row.event_id,
      facility: row.facility,
      reason: row.reason,
      status: row.status,
      createdAt: row.created_at.toISOString(),
      decidedAt: row.decided_at?.toISOString() ?? null,
      decidedBy: row.decided_by,
      decidedByName: row.decided_by_name,
      decidedPatientId: row.decided_patient_id,
      eventKind: row.event_kind,
      eventOccurredAt: row.event_occurred_at?.toISOString() ?? null,
      eventPatient:
        event === undefined
          ? null
          : {
              displayName: displayName(event.name?.given ?? null, event.name?.family ?? null),
              birthDate: event.birthDate ?? null,
              sex: event.sex ?? null,
              identifiers: event.identifiers.map((i) => ({
                value: i.value,
                typeCode: i.typeCode ?? null,
                assigningAuthority: i.assigningAuthority ?? null,
              })),
            },
      candidates: candidates.map((c) => {
        const p = byId.get(c.patientId);
        const held = idsOf.get(c.patientId) ?? [];
        const record: IdentityCandidate = {
          patientId: c.patientId,
          identifiers: held,
          family: p?.family_name ?? "",
          given: p?.given_name ?? "",
          middle: p?.middle_name ?? undefined,
          birthDate: p?.birth_date ?? "",
          sex: p?.sex ?? "",
          postalCode: p?.postal_code ?? undefined,
          phone: p?.phone ?? undefined,
          memberIds: held.filter((i) => i.typeCode === "MB").map((i) => i.value),
        };
        return {
          ...c,
          displayName: displayName(p?.given_name ?? null, p?.family_name ?? null),
          birthDate: p?.birth_date ?? null,
          sex: p?.sex ?? null,
          postalCode: p?.postal_code ?? null,
          organizations: p?.organizations ?? [],
          identifiers: held,
          fields: incoming === undefined ? [] : compareFields(incoming, record),
          identifierComparison: incoming === undefined ? [] : compareIdentifiers(incoming, record, heldBy),
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
