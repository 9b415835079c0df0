import type { AdtEvent } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import type { ScoredCandidate } from "@homeward/identity";
import type { Encounter, EncounterEntry } from "./encounter.ts";
import type { VisitSummary } from "./utilizer-flags.ts";

type Key = { facility: string; visitNumber: string };

/** The stored encounter for facility + visit number, if any. */
export async function loadEncounter(pool: Pool, key: Key): Promise<Encounter | undefined> {
  const { rows } = await pool.query<{
    setting: Encounter["setting"];
    status: Encounter["status"];
    entries: EncounterEntry[];
  }>("SELECT setting, status, entries FROM encounters WHERE facility = $1 AND visit_number = $2", [
    key.facility,
    key.visitNumber,
  ]);
  const row = rows[0];
  return row === undefined
    ? undefined
    : { ...key, setting: row.setting, status: row.status, entries: row.entries };
}

/** The patient's encounters for the utilizer flags, with the current one as it is after this event. */
export async function patientVisits(
  pool: Pool,
  patientId: string,
  current: Key,
  updated: Encounter,
): Promise<VisitSummary[]> {
  const { rows } = await pool.query<{
    facility: string;
    visit_number: string;
    setting: VisitSummary["setting"];
    status: string;
    started_at: Date;
    discharged_at: Date | null;
  }>(
    `SELECT facility, visit_number, setting, status, started_at, discharged_at FROM encounters
      WHERE patient_id = $1 AND started_at > now() - interval '400 days'`,
    [patientId],
  );
  const others = rows
    .filter((r) => !(r.facility === current.facility && r.visit_number === current.visitNumber))
    .map((r) => ({
      encounterKey: `${r.facility}|${r.visit_number}`,
      setting: r.setting,
      startedAt: r.started_at.toISOString(),
      ...(r.discharged_at === null ? {} : { dischargedAt: r.discharged_at.toISOString() }),
      cancelled: r.status === "cancelled",
    }));
  return [...others, summaryOf(current, updated)];
}

function summaryOf(key: Key, e: Encounter): VisitSummary {
  const started = e.entries[0]?.occurredAt ?? new Date().toISOString();
  const discharge = [...e.entries]
    .reverse()
    .find((x) => !x.retracted && (x.kind === "discharge" || x.kind === "ed-discharge"));
  return {
    encounterKey: `${key.facility}|${key.visitNumber}`,
    setting: e.setting,
    startedAt: started,
    ...(e.status === "discharged" && discharge !== undefined ? { dischargedAt: discharge.occurredAt } : {}),
    cancelled: e.status === "cancelled",
  };
}

/**
 * Stores what the matcher decided, in one transaction, after its Kafka records are durable:
 * the encounter, the review-queue entry, and an audit row per suppressed organization.
 */
export async function saveMatchOutcome(
  pool: Pool,
  outcome: {
    encounter?: { encounter: Encounter; patientId: string } | undefined;
    review?: { event: AdtEvent; reason: string; candidates: readonly ScoredCandidate[] } | undefined;
    suppressed?: { organizationId: string; reason: string; eventId: string; patientId: string }[];
  },
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    if (outcome.encounter !== undefined) {
      const { encounter: e, patientId } = outcome.encounter;
      const s = summaryOf(e, e);
      await client.query(
        `INSERT INTO encounters (facility, visit_number, patient_id, setting, status, started_at, discharged_at, entries, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
         ON CONFLICT (facility, visit_number) DO UPDATE SET patient_id = EXCLUDED.patient_id, setting = EXCLUDED.setting,
           status = EXCLUDED.status, discharged_at = EXCLUDED.discharged_at, entries = EXCLUDED.entries, updated_at = now()`,
        [
          e.facility,
          e.visitNumber,
          patientId,
          e.setting,
          e.status,
          s.startedAt,
          s.dischargedAt ?? null,
          JSON.stringify(e.entries),
        ],
      );
    }
    if (outcome.review !== undefined) {
      const { event, reason, candidates } = outcome.review;
      await client.query(
        `INSERT INTO match_reviews (event_id, facility, reason, candidates) VALUES ($1, $2, $3, $4)
         ON CONFLICT (event_id) DO NOTHING`,
        [
          event.eventId,
          event.facility.sendingFacility,
          reason,
          JSON.stringify(
            candidates.map((c) => ({ patientId: c.patientId, score: c.score, notes: c.explanation.notes })),
          ),
        ],
      );
    }
    for (const s of outcome.suppressed ?? []) {
      await client.query(
        `INSERT INTO audit_log (actor, action, subject_type, subject_id, detail) VALUES ('matcher', 'suppress', 'event', $1, $2)`,
        [
          s.eventId,
          JSON.stringify({ organizationId: s.organizationId, patientId: s.patientId, reason: s.reason }),
        ],
      );
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Adds the event's identifiers (those with an assigning authority and type) to `patientId`, with an
 * audit row; an identifier already held by anyone is left where it is. Returns how many were added.
 */
export async function addIdentifiers(pool: Pool, patientId: string, event: AdtEvent): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    let added = 0;
    for (const id of event.patient.identifiers) {
      if (id.assigningAuthority === undefined || id.typeCode === undefined) continue;
      const result = await client.query(
        `INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value) VALUES ($1, $2, $3, $4)
         ON CONFLICT (assigning_authority, type_code, value) DO NOTHING`,
        [patientId, id.assigningAuthority, id.typeCode, id.value],
      );
      added += result.rowCount ?? 0;
    }
    await client.query(
      `INSERT INTO audit_log (actor, action, subject_type, subject_id, detail) VALUES ('matcher', 'merge-identifiers', 'patient', $1, $2)`,
      [patientId, JSON.stringify({ eventId: event.eventId, added })],
    );
    await client.query("COMMIT");
    return added;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
