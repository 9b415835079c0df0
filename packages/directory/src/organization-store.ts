import { inTransaction, type Pool, type PoolClient } from "@homeward/db";

/**
 * The organizations table's owner, with the settings an admin keeps beside each (organization_settings:
 * alert detail level and holiday calendar; the caseload targets there belong to the caseload screen)
 * and the days it is closed (organization_closures). Deadlines count business days in the
 * organization's zone, without its public holidays and closures.
 */

export type OrganizationKind = "practice" | "health_plan" | "aco";
export type AlertDetailLevel = "minimal" | "limited" | "full";

export interface Organization {
  id: string;
  kind: OrganizationKind;
  code: string;
  name: string;
  npi: string | null;
  tin: string | null;
  timeZone: string;
  parentId: string | null;
  settings: OrganizationSettings;
  /** Closed days from today on (in the organization's zone), however far ahead. */
  upcomingClosures: number;
}

export interface OrganizationSettings {
  alertDetailLevel: AlertDetailLevel;
  holidayCountry: string;
  holidayState: string | null;
}

export interface Closure {
  day: string;
  reason: string | null;
}

/** What creating an organization takes. */
export interface NewOrganization {
  kind: OrganizationKind;
  code: string;
  name: string;
  npi: string | null;
  tin: string | null;
  timeZone: string;
  parentId: string | null;
}

/** What an admin changes: name and zone on the organization row, the rest on its settings. */
export interface OrganizationChange {
  name: string;
  timeZone: string;
  settings: OrganizationSettings;
}

/** The select of organizations with settings; `$1` is the clock that says which closures are ahead. */
const SELECT = `SELECT o.id::text, o.kind, o.code, o.name, o.npi, o.tin, o.time_zone AS "timeZone",
                       o.parent_id::text AS "parentId",
                       coalesce(s.alert_detail_level, 'minimal') AS "alertDetailLevel",
                       coalesce(s.holiday_country, 'US') AS "holidayCountry", s.holiday_state AS "holidayState",
                       (SELECT count(*)::int FROM organization_closures c
                         WHERE c.organization_id = o.id
                           AND c.day >= ($1::timestamptz AT TIME ZONE o.time_zone)::date) AS "upcomingClosures"
                  FROM organizations o LEFT JOIN organization_settings s ON s.organization_id = o.id`;

type Row = Omit<Organization, "settings"> & OrganizationSettings;

const toOrganization = ({ alertDetailLevel, holidayCountry, holidayState, ...o }: Row): Organization => ({
  ...o,
  settings: { alertDetailLevel, holidayCountry, holidayState },
});

/** Organizations by name: these ids, or all when `ids` is null; closures counted from `now`. */
export async function listOrganizations(
  pool: Pool,
  ids: readonly string[] | null,
  now: Date,
): Promise<Organization[]> {
  const { rows } = await pool.query<Row>(
    `${SELECT} WHERE $2::bigint[] IS NULL OR o.id = ANY($2::bigint[]) ORDER BY o.name, o.id`,
    [now, ids],
  );
  return rows.map(toOrganization);
}

export async function findOrganization(
  db: Pool | PoolClient,
  id: string,
  now: Date,
): Promise<Organization | undefined> {
  const { rows } = await db.query<Row>(`${SELECT} WHERE o.id = $2`, [now, id]);
  const row = rows[0];
  return row === undefined ? undefined : toOrganization(row);
}

/** The organization a roster or user definition names by its code. */
export async function findOrganizationByCode(
  pool: Pool,
  code: string,
  now: Date,
): Promise<Organization | undefined> {
  const { rows } = await pool.query<Row>(`${SELECT} WHERE o.code = $2`, [now, code]);
  const row = rows[0];
  return row === undefined ? undefined : toOrganization(row);
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === "23505";

/** Creates an organization (default settings apply until changed); "taken" when its code or NPI is another's. */
export async function createOrganization(
  pool: Pool,
  org: NewOrganization,
  now: Date,
): Promise<Organization | "taken" | "no-parent"> {
  try {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO organizations (kind, code, name, npi, tin, time_zone, parent_id)
       SELECT $1, $2, $3, $4, $5, $6, $7 WHERE $7::bigint IS NULL OR EXISTS (SELECT 1 FROM organizations WHERE id = $7)
       RETURNING id::text`,
      [org.kind, org.code, org.name, org.npi, org.tin, org.timeZone, org.parentId],
    );
    const id = rows[0]?.id;
    if (id === undefined) return "no-parent";
    const created = await findOrganization(pool, id, now);
    if (created === undefined) throw new Error("organization vanished after insert");
    return created;
  } catch (err) {
    if (isUniqueViolation(err)) return "taken";
    throw err;
  }
}

/**
 * Changes an organization's name, zone and settings in one transaction; answers it before and after
 * (for the audit row), or undefined when it does not exist.
 */
export async function updateOrganization(
  pool: Pool,
  id: string,
  change: OrganizationChange,
  now: Date,
): Promise<{ before: Organization; after: Organization } | undefined> {
  return inTransaction(pool, async (tx) => {
    const before = await findOrganization(tx, id, now);
    if (before === undefined) return undefined;
    await tx.query("UPDATE organizations SET name = $2, time_zone = $3, updated_at = now() WHERE id = $1", [
      id,
      change.name,
      change.timeZone,
    ]);
    const s = change.settings;
    // Only these columns: the caseload targets on the same row are the caseload screen's.
    await tx.query(
      `INSERT INTO organization_settings (organization_id, alert_detail_level, holiday_country, holiday_state, updated_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (organization_id) DO UPDATE SET alert_detail_level = $2, holiday_country = $3, holiday_state = $4,
         updated_at = now()`,
      [id, s.alertDetailLevel, s.holidayCountry, s.holidayState],
    );
    const after = await findOrganization(tx, id, now);
    if (after === undefined) throw new Error("organization vanished after update");
    return { before, after };
  });
}

/** The organization's closed days from `since` (YYYY-MM-DD) on, earliest first. */
export async function listClosures(pool: Pool, organizationId: string, since: string): Promise<Closure[]> {
  const { rows } = await pool.query<Closure>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, reason FROM organization_closures
      WHERE organization_id = $1 AND day >= $2::date ORDER BY day`,
    [organizationId, since],
  );
  return rows;
}

/** Adds a closed day, or changes its reason; "added" or "updated". */
export async function setClosure(
  pool: Pool,
  organizationId: string,
  closure: Closure,
): Promise<"added" | "updated"> {
  const { rows } = await pool.query<{ inserted: boolean }>(
    `INSERT INTO organization_closures (organization_id, day, reason) VALUES ($1, $2, $3)
     ON CONFLICT (organization_id, day) DO UPDATE SET reason = EXCLUDED.reason
     RETURNING (xmax = 0) AS inserted`,
    [organizationId, closure.day, closure.reason],
  );
  return rows[0]?.inserted === true ? "added" : "updated";
}

/** Removes a closed day; false when it was not one. */
export async function removeClosure(pool: Pool, organizationId: string, day: string): Promise<boolean> {
  const result = await pool.query(
    "DELETE FROM organization_closures WHERE organization_id = $1 AND day = $2",
    [organizationId, day],
  );
  return (result.rowCount ?? 0) > 0;
}

/** An organization as rosters, routing and announcements name it, without its settings. */
export interface OrganizationSummary {
  id: string;
  kind: OrganizationKind;
  code: string;
  name: string;
  npi: string | null;
  timeZone: string;
}

/** Every organization (hundreds at most), by id: what an import resolves codes and NPIs against, and routing's. */
export async function listOrganizationSummaries(db: Pool | PoolClient): Promise<OrganizationSummary[]> {
  const { rows } = await db.query<OrganizationSummary>(
    `SELECT id::text, kind, code, name, npi, time_zone AS "timeZone" FROM organizations ORDER BY id`,
  );
  return rows;
}

/** What deadlines and alert content need to know about an organization. */
export interface AlertSettings {
  detailLevel: AlertDetailLevel;
  holidays: { country: string; state?: string };
  /** Every closed day, `YYYY-MM-DD`, earliest first. */
  closures: string[];
}

/** The organization's alert detail level, holiday calendar and closed days (the defaults when it has no settings). */
export async function loadAlertSettings(
  db: Pool | PoolClient,
  organizationId: string,
): Promise<AlertSettings> {
  const { rows } = await db.query<{
    alert_detail_level: AlertDetailLevel | null;
    holiday_country: string | null;
    holiday_state: string | null;
    closures: string[];
  }>(
    `SELECT s.alert_detail_level, s.holiday_country, s.holiday_state,
            ARRAY(SELECT to_char(day, 'YYYY-MM-DD') FROM organization_closures c WHERE c.organization_id = o.id ORDER BY day) AS closures
       FROM organizations o LEFT JOIN organization_settings s ON s.organization_id = o.id WHERE o.id = $1`,
    [organizationId],
  );
  const row = rows[0];
  return {
    detailLevel: row?.alert_detail_level ?? "minimal",
    holidays: {
      country: row?.holiday_country ?? "US",
      ...(row?.holiday_state == null ? {} : { state: row.holiday_state }),
    },
    closures: row?.closures ?? [],
  };
}

/** The caseload screen's targets, kept on the organization's settings row. */
export interface CaseloadTargets {
  priorityOne: number;
  totalMin: number;
  totalMax: number;
}

/** Sets an organization's caseload targets (its settings row is made with the defaults if it has none). */
export async function saveCaseloadTargets(
  db: Pool | PoolClient,
  organizationId: string,
  targets: CaseloadTargets,
): Promise<void> {
  await db.query(
    `INSERT INTO organization_settings (organization_id, caseload_priority_one_target, caseload_total_min, caseload_total_max)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (organization_id) DO UPDATE
        SET caseload_priority_one_target = EXCLUDED.caseload_priority_one_target,
            caseload_total_min = EXCLUDED.caseload_total_min,
            caseload_total_max = EXCLUDED.caseload_total_max,
            updated_at = now()`,
    [organizationId, targets.priorityOne, targets.totalMin, targets.totalMax],
  );
}

/**
 * The id of the organization with this code, created the first time: a seed run again (the demo,
 * a benchmark) changes nothing, so what an admin changed since stays.
 */
export async function ensureOrganization(db: Pool | PoolClient, org: NewOrganization): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO organizations (kind, code, name, npi, tin, time_zone, parent_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (code) DO UPDATE SET code = organizations.code RETURNING id::text`,
    [org.kind, org.code, org.name, org.npi, org.tin, org.timeZone, org.parentId],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error("organization upsert returned no row");
  return id;
}

/** Gives an organization these settings if it has none yet (a seed's; an admin's own stay). */
export async function ensureOrganizationSettings(
  db: Pool | PoolClient,
  organizationId: string,
  settings: OrganizationSettings,
): Promise<void> {
  await db.query(
    `INSERT INTO organization_settings (organization_id, alert_detail_level, holiday_country, holiday_state)
     VALUES ($1, $2, $3, $4) ON CONFLICT (organization_id) DO NOTHING`,
    [organizationId, settings.alertDetailLevel, settings.holidayCountry, settings.holidayState],
  );
}
