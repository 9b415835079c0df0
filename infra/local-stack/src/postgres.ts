import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { migrate } from "@homeward/db";
import type { Logger } from "@homeward/logger";
import pg from "pg";
import { aptInstall } from "./apt.ts";
import { HOST, PORTS } from "./paths.ts";
import { answers, waitUntil } from "./wait.ts";

/** Trust auth on the CI/dev machines ignores the password; a PostgreSQL we install gets this one. */
const ADMIN_URL = `postgres://postgres:postgres@${HOST}:${PORTS.postgres}/postgres`;
export const DATABASE = "homeward";
export const DATABASE_URL = `postgres://postgres:postgres@${HOST}:${PORTS.postgres}/${DATABASE}`;

async function query(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

function startClusters(): void {
  for (const version of readdirSync("/etc/postgresql")) {
    execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"], {
      stdio: "ignore",
    });
  }
}

/**
 * Uses the PostgreSQL already listening on 127.0.0.1:5432; if there is none, starts the Debian
 * cluster, installing PostgreSQL from Debian first when it is missing. Then creates the
 * `homeward` database and migrates the `homeward` schema.
 */
export async function ensurePostgres(logger: Logger): Promise<{ url: string }> {
  const up = () => query(ADMIN_URL, "select 1");
  if (!(await answers(up))) {
    if (!existsSync("/etc/postgresql")) {
      logger.info("PostgreSQL is not installed; installing it from Debian");
      aptInstall(["postgresql"]);
      startClusters();
      // A fresh Debian cluster only trusts the local socket; TCP logins need a password.
      execFileSync("su", ["postgres", "-c", `psql -c "ALTER USER postgres PASSWORD 'postgres'"`]);
    } else {
      logger.info("PostgreSQL is installed but not running; starting it");
      startClusters();
    }
    await waitUntil("PostgreSQL", up, 60_000);
  }
  const exists = await query(ADMIN_URL, "select 1 from pg_database where datname = $1", [DATABASE]);
  if (exists.rowCount === 0) await query(ADMIN_URL, `create database ${DATABASE}`).catch(() => {});
  await migrate({ url: DATABASE_URL, schema: "homeward" });
  return { url: DATABASE_URL };
}
