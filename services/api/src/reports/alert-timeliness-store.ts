import type { Pool } from "@homeward/db";
import { rateOf, roundTo } from "./percentiles.ts";
import type { FacilityTimelinessRow } from "./program-schemas.ts";

/** Which alerts the timeliness report covers. */
export interface AlertTimelinessFilter {
  /** First and last event day (`YYYY-MM-DD`, inclusive), in each practice's zone. */
  from: string;
  to: string;
  /** Organization ids the caller may read; undefined = all (system admin only). */
  scope: readonly string[] | undefined;
  groupBy: "practice" | "month";
  /** The target the share is counted against, e.g. 15 minutes. */
  withinMinutes: number;
  channel?: "email" | "pager" | undefined;
}

/** One line of the alert timeliness report. */
export interface AlertTimelinessRow {
  /** Organization id or `YYYY-MM`. */
  groupKey: string;
  group: string;
  /** Alerts delivered (one per recipient and channel). */
  alerts: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
  withinTarget: number;
  /** withinTarget / alerts (4 decimals). */
  withinTargetRate: number | null;
}

/**
 * Event time → alert delivered, per delivered alert (`purpose = 'alert'`, `status = 'sent'`): the
 * clinical event time the alert carries (`content.occurredAt`, EVN-6/PV1-44/45 as normalized) to the
 * moment the provider accepted it (`sent_at`). Each recipient's alert counts on its own, pages held
 * for quiet hours included: the report shows the delay people actually had, not the best one.
 * Held alerts that went out inside a digest are not `sent` alerts and are left out. Percentiles are
 * PostgreSQL's `percentile_cont`, the definition percentiles.ts uses for the follow-up report.
 */
export async function alertTimeliness(
  pool: Pool,
  filter: AlertTimelinessFilter,
): Promise<AlertTimelinessRow[]> {
  const [key, label] =
    filter.groupBy === "practice" ? ["organization_id::text", "organization_name"] : ["month", "month"];
  const { rows } = await pool.query<{
    key: string;
    label: string;
    alerts: number;
    median: number | null;
    p90: number | null;
    within: number;
  }>(
    `WITH alert AS (
       SELECT d.organization_id, o.name AS organization_name,
              to_char(ev.occurred_at AT TIME ZONE o.time_zone, 'YYYY-MM') AS month,
              extract(epoch FROM d.sent_at - ev.occurred_at)::float8 AS seconds
         FROM deliveries d
         JOIN organizations o ON o.id = d.organization_id
         CROSS JOIN LATERAL (SELECT (d.content->>'occurredAt')::timestamptz AS occurred_at) ev
        WHERE d.purpose = 'alert' AND d.status = 'sent' AND d.sent_at IS NOT NULL
          AND d.content ? 'occurredAt'
          AND ($1::bigint[] IS NULL OR d.organization_id = ANY($1::bigint[]))
          AND (ev.occurred_at AT TIME ZONE o.time_zone)::date BETWEEN $2::date AND $3::date
          AND ($4::text IS NULL OR d.channel = $4)
     )
     SELECT ${key} AS key, ${label} AS label, count(*)::int AS alerts,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS median,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds) AS p90,
            (count(*) FILTER (WHERE seconds <= $5::float8 * 60))::int AS within
       FROM alert
      GROUP BY 1, 2
      ORDER BY 2, 1`,
    [
      filter.scope === undefined ? null : [...filter.scope],
      filter.from,
      filter.to,
      filter.channel ?? null,
      filter.withinMinutes,
    ],
  );
  return rows.map((r) => ({
    groupKey: r.key,
    group: r.label,
    alerts: r.alerts,
    medianSeconds: roundTo(r.median, 1),
    p90Seconds: roundTo(r.p90, 1),
    withinTarget: r.within,
    withinTargetRate: rateOf(r.within, r.alerts),
  }));
}

/** Which events the facility timeliness report covers. */
export interface FacilityTimelinessFilter {
  /** Organization ids the caller may read; undefined = all (system admin only). */
  scope: readonly string[] | undefined;
  /** First and last event day (`YYYY-MM-DD`, inclusive), in each organization's zone. */
  from: string;
  to: string;
  /** Only events whose announcement carried an enrollment in this program. */
  program?: string | undefined;
  withinMinutes: number;
}

/**
 * Event → first alert delivered, per organization and sending facility (MSH-4): for each event
 * announced to the organization (matched_events) for which at least one alert was planned, the time
 * from the event (`occurred_at`) to the first alert to any of its people that the provider accepted
 * (`sent_at` of the earliest `sent` alert delivery). One number per event, not per recipient: how
 * soon somebody in the organization knew. Events whose alerts were all held for a digest, failed or
 * are still waiting count in `events` and not in `alerted`; alerts skipped because the event was
 * taken back before they went out are not planned alerts. Median and p90 as percentile_cont.
 */
export async function alertTimelinessByFacility(
  pool: Pool,
  filter: FacilityTimelinessFilter,
): Promise<FacilityTimelinessRow[]> {
  const { rows } = await pool.query<{
    organization_id: string;
    organization_name: string;
    facility: string;
    facility_name: string;
    events: number;
    alerted: number;
    median: number | null;
    p90: number | null;
    within: number;
  }>(
    `WITH orgs AS (
       SELECT o.id, o.name, o.time_zone FROM organizations o
        WHERE ($1::bigint[] IS NULL OR o.id = ANY($1::bigint[]))
     ), events AS (
       SELECT m.match_id, m.organization_id, m.facility, m.occurred_at,
              coalesce(m.record #>> '{event,facility,displayName}', m.facility) AS facility_name,
              (SELECT min(d.sent_at) FROM deliveries d
                WHERE d.match_id = m.match_id AND d.organization_id = m.organization_id
                  AND d.purpose = 'alert' AND d.status = 'sent') AS first_sent_at
         FROM matched_events m JOIN orgs o ON o.id = m.organization_id
        WHERE m.occurred_at >= $2::date - interval '2 days' AND m.occurred_at < $3::date + interval '2 days'
          AND (m.occurred_at AT TIME ZONE o.time_zone)::date BETWEEN $2::date AND $3::date
          AND ($4::text IS NULL OR m.record #>> '{enrollment,program}' = $4)
          AND EXISTS (SELECT 1 FROM deliveries d
                       WHERE d.match_id = m.match_id AND d.organization_id = m.organization_id
                         AND d.purpose = 'alert' AND d.status <> 'skipped')
     ), timed AS (
       SELECT e.*, extract(epoch FROM e.first_sent_at - e.occurred_at)::float8 / 60 AS minutes FROM events e
     )
     SELECT t.organization_id::text, o.name AS organization_name, t.facility,
            (array_agg(t.facility_name ORDER BY t.occurred_at DESC))[1] AS facility_name,
            count(*)::int AS events, count(t.first_sent_at)::int AS alerted,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY t.minutes) AS median,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY t.minutes) AS p90,
            (count(*) FILTER (WHERE t.minutes <= $5::float8))::int AS within
       FROM timed t JOIN orgs o ON o.id = t.organization_id
      GROUP BY t.organization_id, o.name, t.facility
      ORDER BY o.name, t.organization_id, 4, t.facility`,
    [
      filter.scope === undefined ? null : [...filter.scope],
      filter.from,
      filter.to,
      filter.program ?? null,
      filter.withinMinutes,
    ],
  );
  return rows.map((r) => ({
    organizationId: r.organization_id,
    organizationName: r.organization_name,
    facility: r.facility,
    facilityName: r.facility_name,
    events: r.events,
    alerted: r.alerted,
    medianMinutes: roundTo(r.median, 1),
    p90Minutes: roundTo(r.p90, 1),
    withinTarget: r.within,
    withinTargetRate: rateOf(r.within, r.alerted),
  }));
}
