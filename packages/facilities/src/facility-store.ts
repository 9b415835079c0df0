import {
  type FacilityMapping,
  FacilityMappingsFile,
  type FacilityMappingsFile as MappingsFile,
} from "@homeward/contracts";
import { inTransaction, type Pool, type PoolClient } from "@homeward/db";
import {
  checkFacilityMapping,
  type Facility,
  FacilityInput,
  type FeedWatch,
  parseStoredMapping,
} from "./facility-schemas.ts";
import { notifyFeedChanged } from "./feed-channel.ts";

/**
 * The owner of `facilities` and `facility_history`: how the adt-listener reads each hospital feed.
 * Every change is checked with the contract's zod schema (the same as the mappings file), written
 * with a history row in one transaction, and NOTIFYs the listeners, which reload without a restart.
 */

type Db = Pick<Pool, "query">;

interface FacilityRow {
  id: string;
  mapping: unknown;
  active: boolean;
  interface_contact_email: string | null;
  silence_minutes: number | null;
  expected_hours: FeedWatch["expectedHours"];
  version: number;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

const COLUMNS = `id::text, mapping, active, interface_contact_email, silence_minutes, expected_hours, version,
                 created_at, created_by, updated_at, updated_by`;

function facilityOf(row: FacilityRow): Facility {
  return {
    id: row.id,
    // A row that no longer parses (written by hand) is still listed, as stored, so it can be fixed.
    mapping: parseStoredMapping(row.mapping) ?? (row.mapping as FacilityMapping),
    active: row.active,
    watch: {
      interfaceContactEmail: row.interface_contact_email,
      silenceMinutes: row.silence_minutes,
      expectedHours: row.expected_hours,
    },
    version: row.version,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
  };
}

/** What a history row keeps of a facility: everything an admin can change. */
const snapshot = (f: Facility) => ({ mapping: f.mapping, active: f.active, watch: f.watch });

export type FacilityWriteResult =
  | { ok: true; facility: Facility }
  | { ok: false; reason: "invalid"; problems: string[] }
  | { ok: false; reason: "duplicate" }
  | { ok: false; reason: "not-found" }
  | { ok: false; reason: "stale"; current: Facility };

/** Every facility, by MSH-4 then MSH-3. */
export async function listFacilities(db: Db): Promise<Facility[]> {
  const { rows } = await db.query<FacilityRow>(
    `SELECT ${COLUMNS} FROM facilities ORDER BY sending_facility, sending_application NULLS FIRST, id`,
  );
  return rows.map(facilityOf);
}

export async function findFacility(db: Db, id: string): Promise<Facility | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const { rows } = await db.query<FacilityRow>(`SELECT ${COLUMNS} FROM facilities WHERE id = $1`, [id]);
  const row = rows[0];
  return row === undefined ? undefined : facilityOf(row);
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === "23505";

type Checked = { ok: true; mapping: FacilityMapping; active: boolean; watch: FeedWatch };

function check(input: unknown): Checked | { ok: false; reason: "invalid"; problems: string[] } {
  const parsed = FacilityInput.safeParse(input);
  if (!parsed.success)
    return {
      ok: false,
      reason: "invalid",
      problems: parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`),
    };
  const mapping = checkFacilityMapping(parsed.data.mapping);
  if (!mapping.ok)
    return { ok: false, reason: "invalid", problems: mapping.problems.map((p) => `mapping.${p}`) };
  return { ok: true, mapping: mapping.mapping, active: parsed.data.active, watch: parsed.data.watch };
}

async function writeHistory(
  tx: PoolClient,
  facility: Pick<Facility, "id" | "mapping">,
  action: "created" | "updated" | "deleted" | "imported" | "seeded",
  actor: string,
  before: Facility | undefined,
  after: Facility | undefined,
): Promise<void> {
  await tx.query(
    `INSERT INTO facility_history (facility_id, sending_facility, sending_application, action, actor, before, after)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      facility.id,
      facility.mapping.sendingFacility,
      facility.mapping.sendingApplication ?? null,
      action,
      actor,
      before === undefined ? null : JSON.stringify(snapshot(before)),
      after === undefined ? null : JSON.stringify(snapshot(after)),
    ],
  );
}

async function insertFacility(tx: PoolClient, c: Checked, actor: string): Promise<Facility> {
  const { rows } = await tx.query<FacilityRow>(
    `INSERT INTO facilities (sending_facility, sending_application, mapping, active, interface_contact_email,
                             silence_minutes, expected_hours, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ${COLUMNS}`,
    [
      c.mapping.sendingFacility,
      c.mapping.sendingApplication ?? null,
      JSON.stringify(c.mapping),
      c.active,
      c.watch.interfaceContactEmail,
      c.watch.silenceMinutes,
      c.watch.expectedHours === null ? null : JSON.stringify(c.watch.expectedHours),
      actor,
    ],
  );
  return facilityOf(rows[0] as FacilityRow);
}

/** Onboards a facility: checked like an entry of the mappings file; its MSH-4/MSH-3 must be new. */
export async function createFacility(
  pool: Pool,
  input: unknown,
  actor: string,
): Promise<FacilityWriteResult> {
  const c = check(input);
  if (!c.ok) return c;
  try {
    return await inTransaction(pool, async (tx) => {
      const facility = await insertFacility(tx, c, actor);
      await writeHistory(tx, facility, "created", actor, undefined, facility);
      await notifyFeedChanged(tx, "facilities");
      return { ok: true as const, facility };
    });
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, reason: "duplicate" };
    throw err;
  }
}

/**
 * Changes a facility as a whole (mapping, active, alarm). `version` is the one the change was made
 * on: a facility changed since is refused as stale, with what it is now.
 */
export async function updateFacility(
  pool: Pool,
  id: string,
  input: unknown,
  version: number,
  actor: string,
): Promise<FacilityWriteResult> {
  const c = check(input);
  if (!c.ok) return c;
  try {
    return await inTransaction(pool, async (tx): Promise<FacilityWriteResult> => {
      const before = await lockFacility(tx, id);
      if (before === undefined) return { ok: false, reason: "not-found" };
      if (before.version !== version) return { ok: false, reason: "stale", current: before };
      const { rows } = await tx.query<FacilityRow>(
        `UPDATE facilities SET sending_facility = $2, sending_application = $3, mapping = $4, active = $5,
                interface_contact_email = $6, silence_minutes = $7, expected_hours = $8,
                version = version + 1, updated_at = now(), updated_by = $9
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [
          id,
          c.mapping.sendingFacility,
          c.mapping.sendingApplication ?? null,
          JSON.stringify(c.mapping),
          c.active,
          c.watch.interfaceContactEmail,
          c.watch.silenceMinutes,
          c.watch.expectedHours === null ? null : JSON.stringify(c.watch.expectedHours),
          actor,
        ],
      );
      const facility = facilityOf(rows[0] as FacilityRow);
      await writeHistory(tx, facility, "updated", actor, before, facility);
      await notifyFeedChanged(tx, "facilities");
      return { ok: true, facility };
    });
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, reason: "duplicate" };
    throw err;
  }
}

async function lockFacility(tx: PoolClient, id: string): Promise<Facility | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const { rows } = await tx.query<FacilityRow>(`SELECT ${COLUMNS} FROM facilities WHERE id = $1 FOR UPDATE`, [
    id,
  ]);
  const row = rows[0];
  return row === undefined ? undefined : facilityOf(row);
}

/** Removes a facility (its history stays): the listener refuses its messages from the next reload. */
export async function deleteFacility(
  pool: Pool,
  id: string,
  version: number,
  actor: string,
): Promise<FacilityWriteResult> {
  return inTransaction(pool, async (tx): Promise<FacilityWriteResult> => {
    const before = await lockFacility(tx, id);
    if (before === undefined) return { ok: false, reason: "not-found" };
    if (before.version !== version) return { ok: false, reason: "stale", current: before };
    await tx.query("DELETE FROM facilities WHERE id = $1", [id]);
    await writeHistory(tx, before, "deleted", actor, before, undefined);
    await notifyFeedChanged(tx, "facilities");
    return { ok: true, facility: before };
  });
}

export interface FacilityHistoryEntry {
  id: string;
  action: "created" | "updated" | "deleted" | "imported" | "seeded";
  actor: string;
  at: string;
  before: ReturnType<typeof snapshot> | null;
  after: ReturnType<typeof snapshot> | null;
}

/** A facility's changes, newest first (also after it was deleted). */
export async function facilityHistory(db: Db, id: string): Promise<FacilityHistoryEntry[]> {
  if (!/^\d{1,18}$/.test(id)) return [];
  const { rows } = await db.query<Omit<FacilityHistoryEntry, "at"> & { at: Date }>(
    `SELECT id::text, action, actor, at, before, after FROM facility_history
      WHERE facility_id = $1 ORDER BY at DESC, id DESC`,
    [id],
  );
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}

/** JSON with object keys sorted: jsonb keeps its own key order, so equal mappings compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export type ImportResult =
  | { ok: true; created: number; updated: number; unchanged: number }
  | { ok: false; problems: string[] };

/**
 * Imports a facility mappings file (the JSON the listener used to read at start): each entry
 * creates its facility or replaces the mapping of the one with its MSH-4/MSH-3; active state and
 * alarm settings stay; facilities the file does not name are left alone. All or nothing: a file
 * with any problem changes nothing and every problem is reported.
 */
export async function importFacilities(pool: Pool, file: unknown, actor: string): Promise<ImportResult> {
  const parsed = FacilityMappingsFile.safeParse(file);
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`),
    };
  return inTransaction(pool, async (tx) => {
    const counts = { created: 0, updated: 0, unchanged: 0 };
    for (const mapping of parsed.data.facilities) {
      const { rows } = await tx.query<FacilityRow>(
        `SELECT ${COLUMNS} FROM facilities
          WHERE sending_facility = $1 AND coalesce(sending_application, '') = coalesce($2, '') FOR UPDATE`,
        [mapping.sendingFacility, mapping.sendingApplication ?? null],
      );
      const existing = rows[0] === undefined ? undefined : facilityOf(rows[0]);
      if (existing === undefined) {
        const watch = { interfaceContactEmail: null, silenceMinutes: null, expectedHours: null };
        const created = await insertFacility(tx, { ok: true, mapping, active: true, watch }, actor);
        await writeHistory(tx, created, "imported", actor, undefined, created);
        counts.created++;
        continue;
      }
      if (canonical(existing.mapping) === canonical(mapping)) {
        counts.unchanged++;
        continue;
      }
      const updated = await tx.query<FacilityRow>(
        `UPDATE facilities SET mapping = $2, version = version + 1, updated_at = now(), updated_by = $3
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [existing.id, JSON.stringify(mapping), actor],
      );
      const after = facilityOf(updated.rows[0] as FacilityRow);
      await writeHistory(tx, after, "imported", actor, existing, after);
      counts.updated++;
    }
    if (counts.created + counts.updated > 0) await notifyFeedChanged(tx, "facilities");
    return { ok: true as const, ...counts };
  });
}

/**
 * The active facilities as a facility mappings file (schemas/facility-mappings.v1.json): what the
 * listener would read with FACILITY_SOURCE=file, and what `importFacilities` takes back. Alarm
 * settings and inactive facilities are not part of that format.
 */
export async function exportFacilities(db: Db): Promise<Pick<MappingsFile, "schemaVersion" | "facilities">> {
  const { mappings } = await activeMappings(db);
  return { schemaVersion: 1, facilities: mappings };
}

/**
 * The mappings the listener indexes: every active facility whose stored mapping still parses.
 * `problems` names the others (by id and MSH-4, no patient data), which the listener logs.
 */
export async function activeMappings(db: Db): Promise<{ mappings: FacilityMapping[]; problems: string[] }> {
  const { rows } = await db.query<{ id: string; sending_facility: string; mapping: unknown }>(
    `SELECT id::text, sending_facility, mapping FROM facilities WHERE active
      ORDER BY sending_facility, sending_application NULLS FIRST, id`,
  );
  const mappings: FacilityMapping[] = [];
  const problems: string[] = [];
  for (const row of rows) {
    const mapping = parseStoredMapping(row.mapping);
    if (mapping === undefined)
      problems.push(`facility ${row.id} (${row.sending_facility}): mapping does not parse`);
    else mappings.push(mapping);
  }
  return { mappings, problems };
}

/**
 * Fills an empty facilities table from the mappings file, once: the first start of a listener on a
 * new database (the demo, tests) works as it did with the file alone. A table that has ever held a
 * facility (there is history) is never seeded again, so facilities deleted on purpose stay deleted.
 * Concurrent starts seed once (the table is locked for the check).
 */
export async function seedFacilitiesIfNew(
  pool: Pool,
  mappings: readonly FacilityMapping[],
  actor: string,
): Promise<number> {
  return inTransaction(pool, async (tx) => {
    await tx.query("LOCK TABLE facilities IN SHARE ROW EXCLUSIVE MODE");
    const { rows } = await tx.query<{ used: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM facilities) OR EXISTS (SELECT 1 FROM facility_history) AS used",
    );
    if (rows[0]?.used === true) return 0;
    const watch = { interfaceContactEmail: null, silenceMinutes: null, expectedHours: null };
    for (const mapping of mappings) {
      const created = await insertFacility(tx, { ok: true, mapping, active: true, watch }, actor);
      await writeHistory(tx, created, "seeded", actor, undefined, created);
    }
    if (mappings.length > 0) await notifyFeedChanged(tx, "facilities");
    return mappings.length;
  });
}
