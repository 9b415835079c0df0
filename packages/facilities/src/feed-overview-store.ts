import type { Pool } from "@homeward/db";
import type { FeedWatch } from "./facility-schemas.ts";

/**
 * The feed operations view for interface analysts: per sending facility (MSH-4) and per connection
 * (listener, remote address), the last message, messages per hour, AA/AE/AR counts and the top
 * error codes over a window, whether it is connected now, and its open silent-feed alarm.
 * Facilities that sent in the window without being configured are listed too (onboarding).
 */

type Db = Pick<Pool, "query">;

export interface FeedCounts {
  accepted: number;
  errors: number;
  rejected: number;
}

export interface FeedErrorCount {
  code: string;
  text: string;
  count: number;
}

export interface FeedConnectionSummary {
  listenerId: string;
  remoteAddress: string;
  /** An open connection from this address on this listener has sent for this facility. */
  connected: boolean;
  /** When the open connection was opened (null when not connected). */
  connectedSince: string | null;
  tls: boolean | null;
  lastMessageAt: string | null;
  totals: FeedCounts;
  topErrors: FeedErrorCount[];
}

export interface FeedFacilitySummary {
  sendingFacility: string;
  displayName: string | null;
  /** Some facility row names this MSH-4 (`active`: one of them is active). */
  configured: boolean;
  active: boolean;
  facilityIds: string[];
  /** MSH-3 values seen in the window. */
  applications: string[];
  lastMessageAt: string | null;
  connectedNow: number;
  totals: FeedCounts;
  /** One entry per hour of the window, oldest first (`hours` of the overview). */
  perHour: FeedCounts[];
  topErrors: FeedErrorCount[];
  watch: FeedWatch | null;
  alarm: { id: string; openedAt: string; lastMessageAt: string | null; notifiedAt: string | null } | null;
  connections: FeedConnectionSummary[];
}

export interface FeedOverview {
  from: string;
  to: string;
  /** Start of each hour of the window (UTC), oldest first. */
  hours: string[];
  facilities: FeedFacilitySummary[];
}

const HOUR_MS = 3_600_000;
const zero = (): FeedCounts => ({ accepted: 0, errors: 0, rejected: 0 });
const add = (to: FeedCounts, from: FeedCounts) => {
  to.accepted += from.accepted;
  to.errors += from.errors;
  to.rejected += from.rejected;
};
const latest = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);
const top = (counts: Map<string, FeedErrorCount>, n: number) =>
  [...counts.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)).slice(0, n);

/**
 * The overview over the `hours` hours up to `now` (the current hour included). A connection counts
 * as connected while its listener process has reported it within `staleSeconds`.
 */
export async function feedOverview(
  db: Db,
  options: { now: Date; hours: number; staleSeconds: number },
): Promise<FeedOverview> {
  const currentHour = Math.floor(options.now.getTime() / HOUR_MS) * HOUR_MS;
  const hours = Array.from({ length: options.hours }, (_, i) =>
    new Date(currentHour - (options.hours - 1 - i) * HOUR_MS).toISOString(),
  );
  const from = hours[0] ?? new Date(currentHour).toISOString();
  const staleBefore = new Date(options.now.getTime() - options.staleSeconds * 1000).toISOString();

  const [configured, stats, lastEver, errors, open, alarms] = await Promise.all([
    db.query<{
      id: string;
      sending_facility: string;
      sending_application: string | null;
      display_name: string | null;
      active: boolean;
      interface_contact_email: string | null;
      silence_minutes: number | null;
      expected_hours: FeedWatch["expectedHours"];
    }>(
      `SELECT id::text, sending_facility, sending_application, mapping->>'displayName' AS display_name, active,
              interface_contact_email, silence_minutes, expected_hours
         FROM facilities ORDER BY sending_facility, sending_application NULLS FIRST, id`,
    ),
    db.query<{
      f: string;
      a: string;
      l: string;
      r: string;
      hour: Date;
      acc: number;
      err: number;
      rej: number;
    }>(
      `SELECT sending_facility AS f, sending_application AS a, listener_id AS l, remote_address AS r, hour,
              accepted AS acc, errors AS err, rejected AS rej
         FROM feed_message_stats WHERE hour >= $1`,
      [from],
    ),
    db.query<{ f: string; l: string; r: string; last: Date }>(
      `SELECT sending_facility AS f, listener_id AS l, remote_address AS r, max(last_message_at) AS last
         FROM feed_message_stats GROUP BY 1, 2, 3`,
    ),
    db.query<{ f: string; l: string; r: string; code: string; text: string; n: number }>(
      `SELECT sending_facility AS f, listener_id AS l, remote_address AS r, error_code AS code,
              (array_agg(error_text ORDER BY hour DESC))[1] AS text, sum(count)::int AS n
         FROM feed_error_counts WHERE hour >= $1 GROUP BY 1, 2, 3, 4`,
      [from],
    ),
    db.query<{ f: string; l: string; r: string; tls: boolean; opened: Date }>(
      `SELECT sending_facility AS f, listener_id AS l, remote_address AS r, tls, opened_at AS opened
         FROM feed_connections WHERE closed_at IS NULL AND seen_at >= $1`,
      [staleBefore],
    ),
    db.query<{ id: string; f: string; opened: Date; last: Date | null; notified: Date | null }>(
      `SELECT a.id::text, f.sending_facility AS f, a.opened_at AS opened, a.last_message_at AS last,
              a.notified_at AS notified
         FROM feed_alarms a JOIN facilities f ON f.id = a.facility_id
        WHERE a.cleared_at IS NULL ORDER BY a.opened_at`,
    ),
  ]);

  const facilities = new Map<string, FeedFacilitySummary>();
  const errorsOf = new Map<string, Map<string, FeedErrorCount>>();
  const facility = (name: string): FeedFacilitySummary => {
    let f = facilities.get(name);
    if (f === undefined) {
      f = {
        sendingFacility: name,
        displayName: null,
        configured: false,
        active: false,
        facilityIds: [],
        applications: [],
        lastMessageAt: null,
        connectedNow: 0,
        totals: zero(),
        perHour: hours.map(zero),
        topErrors: [],
        watch: null,
        alarm: null,
        connections: [],
      };
      facilities.set(name, f);
    }
    return f;
  };
  const connection = (name: string, listenerId: string, remoteAddress: string): FeedConnectionSummary => {
    const f = facility(name);
    let c = f.connections.find((x) => x.listenerId === listenerId && x.remoteAddress === remoteAddress);
    if (c === undefined) {
      c = {
        listenerId,
        remoteAddress,
        connected: false,
        connectedSince: null,
        tls: null,
        lastMessageAt: null,
        totals: zero(),
        topErrors: [],
      };
      f.connections.push(c);
    }
    return c;
  };

  for (const row of configured.rows) {
    const f = facility(row.sending_facility);
    f.configured = true;
    f.active ||= row.active;
    f.facilityIds.push(row.id);
    f.displayName ??= row.display_name;
    // The facility-wide row's alarm settings (the first row, as ordered, is the one without MSH-3).
    f.watch ??= {
      interfaceContactEmail: row.interface_contact_email,
      silenceMinutes: row.silence_minutes,
      expectedHours: row.expected_hours,
    };
  }
  for (const row of stats.rows) {
    const f = facility(row.f);
    const counts = { accepted: row.acc, errors: row.err, rejected: row.rej };
    if (!f.applications.includes(row.a)) f.applications.push(row.a);
    add(f.totals, counts);
    const slot = f.perHour[hours.indexOf(row.hour.toISOString())];
    if (slot !== undefined) add(slot, counts);
    add(connection(row.f, row.l, row.r).totals, counts);
  }
  for (const row of lastEver.rows) {
    const at = row.last.toISOString();
    if (facilities.has(row.f)) facility(row.f).lastMessageAt = latest(facility(row.f).lastMessageAt, at);
    const known = facilities
      .get(row.f)
      ?.connections.find((c) => c.listenerId === row.l && c.remoteAddress === row.r);
    if (known !== undefined) known.lastMessageAt = at;
  }
  for (const row of errors.rows) {
    const entry = { code: row.code, text: row.text, count: row.n };
    const byFacility = errorsOf.get(row.f) ?? new Map<string, FeedErrorCount>();
    const sum = byFacility.get(row.code);
    byFacility.set(row.code, { code: row.code, text: entry.text, count: (sum?.count ?? 0) + entry.count });
    errorsOf.set(row.f, byFacility);
    const c = connection(row.f, row.l, row.r);
    c.topErrors = top(new Map([...c.topErrors.map((e) => [e.code, e] as const), [row.code, entry]]), 3);
  }
  for (const row of open.rows) {
    const f = facility(row.f);
    f.connectedNow++;
    const c = connection(row.f, row.l, row.r);
    c.connected = true;
    c.tls = row.tls;
    const opened = row.opened.toISOString();
    c.connectedSince = c.connectedSince === null || opened < c.connectedSince ? opened : c.connectedSince;
  }
  for (const row of alarms.rows) {
    facility(row.f).alarm = {
      id: row.id,
      openedAt: row.opened.toISOString(),
      lastMessageAt: row.last?.toISOString() ?? null,
      notifiedAt: row.notified?.toISOString() ?? null,
    };
  }
  for (const f of facilities.values()) {
    f.topErrors = top(errorsOf.get(f.sendingFacility) ?? new Map(), 5);
    f.applications.sort();
    f.connections.sort(
      (a, b) => a.listenerId.localeCompare(b.listenerId) || a.remoteAddress.localeCompare(b.remoteAddress),
    );
  }
  return {
    from,
    to: options.now.toISOString(),
    hours,
    facilities: [...facilities.values()].sort(
      (a, b) =>
        Number(b.configured) - Number(a.configured) || a.sendingFacility.localeCompare(b.sendingFacility),
    ),
  };
}
