import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv, StackEnv, stackSettingsFromEnv } from "@homeward/config";
import { createPool, migrate } from "@homeward/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCa } from "./test-ca.ts";

/**
 * A PostgreSQL of its own, started from the machine's binaries (initdb, pg_ctl) with `ssl = on`
 * and a server certificate for IP 127.0.0.1 signed by a CA this file makes; pg_hba.conf takes
 * TLS only (`hostssl`, and `hostnossl … reject`), and the user `homeward_cert` only with a client
 * certificate. Homeward connects through its own settings (parseEnv + stackSettingsFromEnv) and
 * its own pool and migration client.
 */
const BIN = "/usr/local/bin";
const dir = mkdtempSync(join(tmpdir(), "homeward-pg-tls-"));
const data = join(dir, "data");
let port = 0;
let started = false;

/** PostgreSQL refuses to run as root: its commands run as the `postgres` user when this test is root. */
function asServer(command: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  execFileSync(root ? "runuser" : command, root ? ["-u", "postgres", "--", command, ...args] : args, {
    stdio: "pipe",
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

const good = makeTestCa(dir, "good");
const wrong = makeTestCa(dir, "wrong");
const server = good.issue("server", ["IP:127.0.0.1"]);
const client = good.issue("homeward_cert", []);

/** Settings as a service gets them from its environment. */
function settings(env: Record<string, string>, host = "127.0.0.1") {
  const postgres = stackSettingsFromEnv(
    parseEnv(StackEnv, { DATABASE_URL: `postgres://postgres@${host}:${port}/postgres`, ...env }),
  ).postgres;
  return { ...postgres, schema: "tls_smoke" };
}

/** Connects with `settings` and says whether the session is encrypted, or throws why it could not connect. */
async function sessionIsEncrypted(s: ReturnType<typeof settings>): Promise<boolean> {
  const pool = createPool({ ...s, max: 1 });
  pool.on("error", () => undefined);
  try {
    const { rows } = await pool.query<{ ssl: boolean }>(
      "select ssl from pg_stat_ssl where pid = pg_backend_pid()",
    );
    return rows[0]?.ssl === true;
  } finally {
    await pool.end();
  }
}

beforeAll(async () => {
  port = await freePort();
  if (process.getuid?.() === 0) {
    execFileSync("chown", ["-R", "postgres", dir]);
    chmodSync(dir, 0o755);
  }
  chmodSync(server.keyFile, 0o600);
  asServer(join(BIN, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  writeFileSync(
    join(data, "pg_hba.conf"),
    [
      "local all all trust",
      "hostssl all homeward_cert 127.0.0.0/8 cert",
      "hostssl all all 127.0.0.0/8 trust",
      "hostnossl all all 127.0.0.0/8 reject",
      "",
    ].join("\n"),
  );
  if (process.getuid?.() === 0)
    chownSync(join(data, "pg_hba.conf"), Number(execFileSync("id", ["-u", "postgres"])), -1);
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1,127.0.0.2",
    "-c ssl=on",
    `-c ssl_cert_file=${server.certFile}`,
    `-c ssl_key_file=${server.keyFile}`,
    `-c ssl_ca_file=${good.caFile}`,
    "-c fsync=off",
  ].join(" ");
  asServer(join(BIN, "pg_ctl"), [
    "-D",
    data,
    "-w",
    "-t",
    "30",
    "-l",
    join(dir, "server.log"),
    "-o",
    options,
    "start",
  ]);
  started = true;
  const pool = createPool(settings({ DATABASE_SSL_MODE: "verify-full", DATABASE_SSL_CA_FILE: good.caFile }));
  await pool.query("create role homeward_cert login");
  await pool.end();
}, 60_000);

afterAll(() => {
  try {
    if (started || existsSync(join(data, "postmaster.pid")))
      asServer(join(BIN, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("PostgreSQL over TLS (a server of the test's own, ssl = on, hostssl only)", () => {
  it("verify-full with the CA: migrates and queries through Homeward's own migration client and pool", async () => {
    const s = settings({ DATABASE_SSL_MODE: "verify-full", DATABASE_SSL_CA_FILE: good.caFile });
    expect(await migrate(s)).toContain("0001_audit-log");
    const pool = createPool(s);
    try {
      const { rows } = await pool.query<{ schema: string; ssl: boolean; audit: string }>(
        `select current_schema() as schema, s.ssl, (select count(*)::text from audit_log) as audit
           from pg_stat_ssl s where s.pid = pg_backend_pid()`,
      );
      expect(rows).toEqual([{ schema: "tls_smoke", ssl: true, audit: "0" }]);
    } finally {
      await pool.end();
    }
  });

  it("takes the same settings from DATABASE_URL's libpq parameters (sslmode, sslrootcert)", async () => {
    const url = `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=verify-full&sslrootcert=${good.caFile}`;
    const s = {
      ...stackSettingsFromEnv(parseEnv(StackEnv, { DATABASE_URL: url })).postgres,
      schema: "tls_smoke",
    };
    expect(s.tls?.mode).toBe("verify-full");
    expect(await sessionIsEncrypted(s)).toBe(true);
  });

  it("verify-full refuses a certificate for another host name; verify-ca checks only the CA", async () => {
    // 127.0.0.2 reaches the same server, but its certificate names 127.0.0.1 only.
    const ca = { DATABASE_SSL_CA_FILE: good.caFile };
    await expect(
      sessionIsEncrypted(settings({ DATABASE_SSL_MODE: "verify-full", ...ca }, "127.0.0.2")),
    ).rejects.toThrow(/does not match certificate's altnames/);
    expect(await sessionIsEncrypted(settings({ DATABASE_SSL_MODE: "verify-ca", ...ca }, "127.0.0.2"))).toBe(
      true,
    );
  });

  it("refuses a server whose certificate another CA signed", async () => {
    const s = settings({ DATABASE_SSL_MODE: "verify-full", DATABASE_SSL_CA_FILE: wrong.caFile });
    await expect(sessionIsEncrypted(s)).rejects.toThrow(
      /self[- ]signed certificate in certificate chain|unable to verify/,
    );
  });

  it("sslmode require encrypts without checking the certificate, as libpq's does (node-postgres's own would check it)", async () => {
    expect(await sessionIsEncrypted(settings({ DATABASE_SSL_MODE: "require" }))).toBe(true);
  });

  it("disable is refused by a server that takes TLS only", async () => {
    await expect(sessionIsEncrypted(settings({ DATABASE_SSL_MODE: "disable" }))).rejects.toThrow(
      /pg_hba\.conf rejects connection .* no encryption/,
    );
  });

  it("signs in by client certificate (DATABASE_SSL_CERT_FILE, DATABASE_SSL_KEY_FILE), and not without one", async () => {
    const env = { DATABASE_SSL_MODE: "verify-full", DATABASE_SSL_CA_FILE: good.caFile };
    const url = `postgres://homeward_cert@127.0.0.1:${port}/postgres`;
    const withCert = stackSettingsFromEnv(
      parseEnv(StackEnv, {
        ...env,
        DATABASE_URL: url,
        DATABASE_SSL_CERT_FILE: client.certFile,
        DATABASE_SSL_KEY_FILE: client.keyFile,
      }),
    ).postgres;
    expect(await sessionIsEncrypted({ ...withCert, schema: "tls_smoke" })).toBe(true);
    const without = stackSettingsFromEnv(parseEnv(StackEnv, { ...env, DATABASE_URL: url })).postgres;
    await expect(sessionIsEncrypted({ ...without, schema: "tls_smoke" })).rejects.toThrow(/certificate/);
  });
});
