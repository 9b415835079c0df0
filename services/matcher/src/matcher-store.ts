import { recordAuditEvent, recordAuditRows } from "@homeward/audit";
import type { AdtEvent } from "@homeward/contracts";
import { inTransaction, type Pool, type PoolClient } from "@homeward/db";
import type { ScoredCandidate } from "@homeward/identity";
import { addPatientIdentifiers } from "@homeward/rosters";
import { type Encounter, type EncounterEntry, encounterId, visitSummaryOf } from "./encounter.ts";
import type { VisitSummary } from "./utilizer-flags.ts";

/** How far back the utilizer flags look at a patient's encounters. */
export const HISTORY_DAYS = 400;

/**
 * The stored encounters for a batch's facility + visit numbers, by `encounterId`, in one query
 * (one round trip per batch, not one per event).
 */
export async function loadEncounters(
  pool: Pool,
  keys: readonly { facility: string; visitNumber: string }[],
): Promise<Map<string, Encounter>> {
  const found = new Map<string, Encounter>();
  if (keys.length === 0) return found;
  const { rows } = await pool.query<{
    facility: string;
    visit_number: string;
    setting: Encounter["setting"];
    status: Encounter["status"];
    entries: EncounterEntry[];
  }>(
    `SELECT facility, visit_number, setting, status, entries FROM encounters
      WHERE (facility, visit_number) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [keys.map((k) => k.facility), keys.map((k) => k.visitNumber)],
  );
  for (const r of rows) {
    const e: Encounter = {
      facility: r.facility,
      visitNumber: r.visit_number,
      setting: r.setting,
      status: r.status,
      entries: r.entries,
    };
    found.set(encounterId(e), e);
  }
  return found;
}

/** The recent encounters (last {@link HISTORY_DAYS} days) of a batch's patients, in one query. */
export async function loadRecentVisits(
  pool: Pool,
  patientIds: readonly string[],
): Promise<{ patientId: string; visit: VisitSummary }[]> {
  if (patientIds.length === 0) return [];
  const { rows } = await pool.query<{
    patient_id: string;
    facility: string;
    visit_number: string;
    setting: VisitSummary["setting"];
    status: string;
    started_at: Date;
    discharged_at: Date | null;
  }>(
    `SELECT patient_id::text, facility, visit_number, setting, status, started_at, discharged_at FROM encounters
      WHERE patient_id = ANY($1::bigint[]) AND started_at > now() - make_interval(days => $2)`,
    [patientIds, HISTORY_DAYS],
  );
  return rows.map((r) => ({
    patientId: r.patient_id,
    visit: {
      encounterKey: encounterId({ facility: r.facility, visitNumber: r.visit_number }),
      setting: r.setting,
      startedAt: r.started_at.toISOString(),
      ...(r.discharged_at === null ? {} : { dischargedAt: r.discharged_at.toISOString() }),
      cancelled: r.status === "cancelled",
    },
  }));
}

/** Everything a batch decided that PostgreSQL keeps. */
export interface BatchWrites {
  /** The final state of each encounter the batch changed (one per encounter). */
  encounters: { encounter: Encounter; patientId: string }[];
  /** Events held back for a person to decide. */
  reviews: { event: AdtEvent; reason: string; candidates: readonly ScoredCandidate[] }[];
  /** Organizations that were not told, and why (audit rows; no PHI). */
  suppressed: { organizationId: string; reason: string; eventId: string; patientId: string }[];
}

/**
 * Stores what a batch decided, after its Kafka records are durable, atomically: the encounters and
 * the review-queue entries in one statement (one round trip), and with them, in the same
 * transaction when there are any, an audit row per suppressed organization (@homeward/audit).
 * Re-running it for a replayed batch changes nothing that matters: encounters are upserted to the
 * same state and a review is kept once per event.
 */
export async function saveBatchOutcome(pool: Pool, writes: BatchWrites): Promise<void> {
  const { encounters, suppressed } = writes;
  const reviews = [...new Map(writes.reviews.map((r) => [r.event.eventId, r])).values()];
  if (encounters.length + reviews.length + suppressed.length === 0) return;
  if (suppressed.length === 0) return saveEncountersAndReviews(pool, encounters, reviews);
  await inTransaction(pool, async (client) => {
    await saveEncountersAndReviews(client, encounters, reviews);
    await recordAuditRows(
      client,
      "matcher",
      "event",
      suppressed.map((s) => ({
        action: "suppress",
        subjectId: s.eventId,
        organizationId: null,
        detail: JSON.stringify({
          organizationId: s.organizationId,
          patientId: s.patientId,
          reason: s.reason,
        }),
      })),
    );
  });
}

/** The encounters and review-queue entries of a batch, in one statement. */
async function saveEncountersAndReviews(
  db: Pool | PoolClient,
  encounters: BatchWrites["encounters"],
  reviews: BatchWrites["reviews"],
): Promise<void> {
  if (encounters.length + reviews.length === 0) return;
  const summaries = encounters.map((e) => visitSummaryOf(e.encounter));
  await db.query(
    `WITH saved_encounters AS (
       INSERT INTO encounters (facility, visit_number, patient_id, setting, status, started_at, discharged_at, entries, updated_at)
       SELECT facility, visit_number, patient_id, setting, status, started_at, discharged_at, entries, now()
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::jsonb[])
           AS e(facility, visit_number, patient_id, setting, status, started_at, discharged_at, entries)
       ON CONFLICT (facility, visit_number) DO UPDATE SET patient_id = EXCLUDED.patient_id, setting = EXCLUDED.setting,
         status = EXCLUDED.status, discharged_at = EXCLUDED.discharged_at, entries = EXCLUDED.entries, updated_at = now()
       RETURNING 1
     ), saved_reviews AS (
       INSERT INTO match_reviews (event_id, facility, reason, candidates, event_patient, event_kind, event_occurred_at)
       SELECT * FROM unnest($9::text[], $10::text[], $11::text[], $12::jsonb[], $13::jsonb[], $14::text[], $15::timestamptz[])
       ON CONFLICT (event_id) DO NOTHING
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM saved_encounters) AS encounters, (SELECT count(*) FROM saved_reviews) AS reviews`,
    [
      encounters.map((e) => e.encounter.facility),
      encounters.map((e) => e.encounter.visitNumber),
      encounters.map((e) => e.patientId),
      encounters.map((e) => e.encounter.setting),
      encounters.map((e) => e.encounter.status),
      summaries.map((s) => s.startedAt),
      summaries.map((s) => s.dischargedAt ?? null),
      encounters.map((e) => JSON.stringify(e.encounter.entries)),
      reviews.map((r) => r.event.eventId),
      reviews.map((r) => r.event.facility.sendingFacility),
      reviews.map((r) => r.reason),
      reviews.map((r) =>
        JSON.stringify(
          r.candidates.map((c) => ({ patientId: c.patientId, score: c.score, notes: c.explanation.notes })),
        ),
      ),
      // The held event's patient block: a reviewer needs it to decide, and confirming teaches its
      // identifiers to the chosen patient (the api's review queue).
      reviews.map((r) => JSON.stringify(r.event.patient)),
      reviews.map((r) => r.event.kind),
      reviews.map((r) => r.event.occurredAt),
    ],
  );
}

/**
 * Adds the event's identifiers (those with an assigning authority and type) to `patientId`, with an
 * audit row; an identifier already held by anyone is left where it is. Returns how many were added.
 */
export async function addIdentifiers(pool: Pool, patientId: string, event: AdtEvent): Promise<number> {
  return inTransaction(pool, async (client) => {
    const { added } = await addPatientIdentifiers(
      client,
      patientId,
      event.patient.identifiers,
      `feed:merge:${event.eventId}`,
    );
    await recordAuditEvent(client, {
      actor: "matcher",
      action: "merge-identifiers",
      subjectType: "patient",
      subjectId: patientId,
      detail: { eventId: event.eventId, added },
    });
    return added;
  });
}

/** The roster patients holding any of these identifiers (with authority and type), by exact key. */
export async function identifierOwners(
  pool: Pool,
  identifiers: AdtEvent["patient"]["identifiers"],
): Promise<string[]> {
  const keyed = identifiers.filter((i) => i.assigningAuthority !== undefined && i.typeCode !== undefined);
  if (keyed.length === 0) return [];
  const { rows } = await pool.query<{ patient_id: string }>(
    `SELECT DISTINCT i.patient_id::text AS patient_id FROM patient_identifiers i
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(authority, type_code, value)
         ON i.assigning_authority = k.authority AND i.type_code = k.type_code AND i.value = k.value
      ORDER BY 1`,
    [keyed.map((i) => i.assigningAuthority), keyed.map((i) => i.typeCode), keyed.map((i) => i.value)],
  );
  return rows.map((r) => r.patient_id);
}
