import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { loadFacilityMappings } from "@homeward/contracts";
import { createPool, migrate, type Pool, type PoolClient } from "@homeward/db";
import { activeMappings, listenFeedChanged, seedFacilitiesIfNew } from "@homeward/facilities";
import type { Logger } from "@homeward/logger";
import type { ListenerConfig } from "./app.ts";
import { FacilityIndex } from "./facility-index.ts";

/** Reads and validates the facility mappings file; throws listing every problem. */
export function readFacilityMappings(path: string) {
  const loaded = loadFacilityMappings(readFileSync(path, "utf8"));
  if (!loaded.ok)
    throw new Error(`Invalid facility mappings in ${path}:\n  - ${loaded.problems.join("\n  - ")}`);
  return loaded.mappings.facilities;
}

/** Where the listener's facility mappings come from, kept current while it runs. */
export interface FacilitySource {
  index: FacilityIndex;
  /** The database (feed operations write there too); undefined with FACILITY_SOURCE=file. */
  pool: Pool | undefined;
  /** Calls `fn` when an analyst asks for a message to be sent again (NOTIFY "resend"). */
  onResendRequested(fn: () => void): void;
  /** Reads the facilities again now (the timer and NOTIFY do it on their own). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

/** Pause before listening again after the LISTEN connection was lost (the reload timer covers the gap). */
const RELISTEN_MS = 5_000;

/**
 * The facility mappings: with FACILITY_SOURCE=database (the default) the `facilities` table, filled
 * from FACILITY_MAPPINGS_FILE on the first start of a new database, reloaded when the api NOTIFYs a
 * change (and every FACILITY_RELOAD_SECONDS in case a notification was missed), so a facility
 * onboarded on the dashboard is accepted without a restart. With FACILITY_SOURCE=file, the file
 * alone, read once (a listener without database access; the load-batch command on a laptop).
 */
export async function openFacilitySource(config: ListenerConfig, logger: Logger): Promise<FacilitySource> {
  if (config.FACILITY_SOURCE === "file") {
    const index = new FacilityIndex(readFacilityMappings(config.FACILITY_MAPPINGS_FILE));
    return {
      index,
      pool: undefined,
      onResendRequested: () => {},
      reload: async () => {},
      close: async () => {},
    };
  }
  const settings = config.stack.postgres;
  await migrate(settings, (line) => logger.debug(line));
  // The listener's PostgreSQL work is facility settings and feed counts: 4 unless DATABASE_POOL_MAX says.
  const pool = createPool({ ...settings, max: settings.max ?? 4 });
  const seeded = await seedFacilitiesIfNew(
    pool,
    readFacilityMappings(config.FACILITY_MAPPINGS_FILE),
    `file:${basename(config.FACILITY_MAPPINGS_FILE)}`,
  );
  if (seeded > 0) logger.info({ seeded }, "facilities table was new: filled from FACILITY_MAPPINGS_FILE");

  const load = async () => {
    const { mappings, problems } = await activeMappings(pool);
    for (const problem of problems)
      logger.error({ problem }, "facility left out: its stored mapping is invalid");
    return mappings;
  };
  const index = new FacilityIndex(await load());
  if (index.mappings.length === 0) logger.warn("no active facility: every message will be refused (AR 207)");

  // One load at a time; a request during a load gets one more after it (which sees every commit).
  let loading: Promise<void> | undefined;
  let again = false;
  const reload = (): Promise<void> => {
    if (loading !== undefined) {
      again = true;
      return loading;
    }
    loading = (async () => {
      do {
        again = false;
        if (index.replace(await load()))
          logger.info({ facilities: index.mappings.length }, "facility mappings reloaded");
      } while (again);
    })().finally(() => {
      loading = undefined;
    });
    return loading;
  };
  const reloadLogged = () =>
    void reload().catch((err: unknown) => logger.error({ err }, "facility reload failed"));
  const timer = setInterval(reloadLogged, config.FACILITY_RELOAD_SECONDS * 1000);
  timer.unref();

  const resendListeners: (() => void)[] = [];
  let closed = false;
  let client: PoolClient | undefined;
  let stopListening: (() => Promise<void>) | undefined;
  const listen = async (): Promise<void> => {
    const c = await pool.connect();
    c.on("error", (err) => {
      logger.warn({ err }, "facility LISTEN connection lost; listening again shortly");
      client = undefined;
      stopListening = undefined;
      c.release(err);
      if (!closed) setTimeout(() => void relisten(), RELISTEN_MS).unref();
    });
    client = c;
    stopListening = await listenFeedChanged(c, settings.schema, (change) => {
      if (change === "facilities") reloadLogged();
      else for (const fn of resendListeners) fn();
    });
  };
  const relisten = async () => {
    try {
      await listen();
      reloadLogged();
    } catch (err) {
      logger.warn({ err }, "cannot LISTEN for facility changes yet; trying again shortly");
      if (!closed) setTimeout(() => void relisten(), RELISTEN_MS).unref();
    }
  };
  await listen();

  return {
    index,
    pool,
    onResendRequested: (fn) => resendListeners.push(fn),
    reload,
    async close() {
      closed = true;
      clearInterval(timer);
      await loading?.catch(() => undefined);
      try {
        await stopListening?.();
      } catch {
        // The connection is going anyway.
      }
      client?.release();
      await pool.end();
    },
  };
}
