import { type ChildProcess, spawn } from "node:child_process";
import { createServer, Socket } from "node:net";
import { join } from "node:path";
import { createPool, migrate, type Pool } from "@homeward/db";
import { createUser } from "@homeward/directory";
import { encodeMllp } from "@homeward/hl7";
import { ADT_A04_ED } from "@homeward/hl7/fixtures";
import { type Isolation, isolation, type SmtpSink, serviceEnv, startSmtpSink } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

/**
 * The production build, as an operator runs it: `npm run build`, then each service's
 * `node services/<name>/dist/main.js` with plain node (no tsx, no source condition) against the
 * stack, under this test's own topics, queues, keys and schema. One ED arrival over MLLP → ACK →
 * matcher → notifier → an email and a task → the task in the api's inbox, the dashboard served
 * from the api's public/ beside dist/, and every service stops cleanly on SIGTERM.
 */

const ROOT = new URL("../..", import.meta.url).pathname;
const SERVICES = ["notifier", "matcher", "adt-listener", "api"] as const;
type Service = (typeof SERVICES)[number];

interface Running {
  child: ChildProcess;
  output: string[];
  ended: Promise<number | null>;
}

let iso: Isolation;
let pool: Pool;
let smtp: SmtpSink;
const running = new Map<Service, Running>();
const ports = { mllp: 0, api: 0, ops: {} as Record<Service, number> };
const ids: Record<string, string> = {};

beforeAll(async () => {
  // With turbo's cache warm (.ci/run builds before the suite) this restores dist/ in seconds.
  await run("npm", ["run", "build"]);

  iso = isolation("built");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  await seedPatient();
  smtp = await startSmtpSink();

  ports.mllp = await freePort();
  ports.api = await freePort();
  for (const name of SERVICES) ports.ops[name] = await freePort();
  const env = serviceEnv(iso);
  const own: Record<Service, Record<string, string>> = {
    notifier: {
      SMTP_URL: smtp.url,
      NOTIFIER_GROUP_ID: iso.groupId("notifier"),
      DELIVERY_POLL_SECONDS: "1",
      SWEEP_INTERVAL_SECONDS: "3600",
    },
    matcher: { MATCHER_GROUP_ID: iso.groupId("matcher") },
    "adt-listener": { MLLP_HOST: "127.0.0.1", MLLP_PORT: String(ports.mllp) },
    api: { API_PORT: String(ports.api), API_TOKEN_SECRET: "built-secret-built-secret-built-secret" },
  };
  // Consumers before producers, as npm start does; each must answer /readyz before the next.
  for (const name of SERVICES) {
    const service = startBuilt(name, { ...env, ...own[name], OPS_PORT: String(ports.ops[name]) });
    running.set(name, service);
    await vi.waitFor(
      async () => {
        if (service.child.exitCode !== null)
          throw new Error(
            `${name} exited with ${service.child.exitCode}: ${service.output.join("").slice(-3000)}`,
          );
        const ready = await fetch(`http://127.0.0.1:${ports.ops[name]}/readyz`).catch(() => undefined);
        expect(ready?.status, `${name} /readyz; its output: ${service.output.join("").slice(-2000)}`).toBe(
          200,
        );
      },
      { timeout: 90_000, interval: 500 },
    );
  }
}, 900_000);

afterAll(async () => {
  for (const { child } of running.values()) child.kill("SIGKILL");
  await smtp?.close();
  await pool?.end();
});

describe("the built services, run with plain node", () => {
  it("take an ED arrival over MLLP to an email, a task and the api's inbox", async () => {
    const now = hl7Time(new Date(Date.now() - 5 * 60_000));
    const message = ADT_A04_ED.replaceAll("20240305143015-0500", now)
      .replaceAll("20240305143000-0500", now)
      .replaceAll("20240305142500-0500", now)
      .replace("MG20240305143015001", `BUILT${Date.now()}`);
    expect(await sendMllp(ports.mllp, message)).toMatch(/MSA\|CA\|/);

    await vi.waitFor(
      () => expect(smtp.received.filter((m) => m.to.includes("cm@built.example"))).toHaveLength(1),
      {
        timeout: 30_000,
        interval: 200,
      },
    );
    const { rows } = await pool.query<{ step_id: string; status: string }>(
      "SELECT step_id, status FROM tasks WHERE patient_id = $1",
      [ids.patient],
    );
    expect(rows).toEqual([{ step_id: "follow-up-call", status: "open" }]);

    const api = `http://127.0.0.1:${ports.api}`;
    const page = await fetch(`${api}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
    const login = await fetch(`${api}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "cm@built.example", password: "built-password-1" }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const inbox = await fetch(`${api}/api/tasks?assignee=me&status=open`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await inbox.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it("stop on SIGTERM with exit code 0, and none warned about its Node version", async () => {
    for (const name of [...SERVICES].reverse()) {
      const service = running.get(name);
      service?.child.kill("SIGTERM");
      expect(await service?.ended, `${name}: ${service?.output.slice(-20).join("")}`).toBe(0);
    }
    const output = [...running.values()].flatMap((s) => s.output).join("");
    expect(output).not.toMatch(/AWS SDK for JavaScript|NodeVersionSupport/);
  });
});

/** Starts `node services/<name>/dist/main.js`: no tsx, no --conditions, no inherited NODE_OPTIONS. */
function startBuilt(name: Service, env: Record<string, string>): Running {
  const child = spawn(process.execPath, [join(ROOT, "services", name, "dist", "main.js")], {
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk) => output.push(String(chunk)));
  const ended = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, output, ended };
}

/** Runs a command in the repo root; rejects with its output if it fails. */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const output: string[] = [];
    for (const stream of [child.stdout, child.stderr])
      stream.on("data", (chunk) => output.push(String(chunk)));
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(" ")}: ${output.join("").slice(-4000)}`)),
    );
  });
}

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

/** Sends one message over MLLP and resolves with the ACK. */
function sendMllp(port: number, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let received = Buffer.alloc(0);
    socket.setTimeout(15_000, () => socket.destroy(new Error("no ACK within 15 s")));
    socket.on("error", reject);
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf("\x1c\r");
      if (end < 0) return;
      socket.end();
      resolve(received.subarray(1, end).toString("utf8"));
    });
    socket.connect(port, "127.0.0.1", () => socket.write(encodeMllp(message)));
  });
}

/** HL7 DTM for an instant, in UTC. */
function hl7Time(d: Date): string {
  return `${d.toISOString().replace(/[-:T]/g, "").slice(0, 14)}+0000`;
}

/** A practice, its care manager and an email rule, and an enrolled patient the fixture names. */
async function seedPatient(): Promise<void> {
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  ids.practice = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'SFM', 'Springvale Family Medicine', 'America/New_York') RETURNING id",
  );
  ids.cm = await one(
    "INSERT INTO recipients (organization_id, role, display_name, email, time_zone) VALUES ($1, 'care_manager', 'Casey Morgan', 'cm@built.example', 'America/New_York') RETURNING id",
    [ids.practice],
  );
  await pool.query(
    "INSERT INTO notification_rules (organization_id, recipient_role, channel, active_from) VALUES ($1, 'care_manager', 'email', '2020-01-01')",
    [ids.practice],
  );
  ids.patient = await one(
    "INSERT INTO patients (family_name, given_name, birth_date, sex, postal_code) VALUES ('QUILLFEATHER', 'MARISOL', '1958-04-12', 'F', '45501') RETURNING id",
  );
  await pool.query(
    "INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value) VALUES ($1, 'MERCYGEN', 'MR', '40012345')",
    [ids.patient],
  );
  await pool.query(
    "INSERT INTO attributions (patient_id, practice_org_id, source, kind, effective_from) VALUES ($1, $2, 'sfm-panel', 'panel', '2020-01-01')",
    [ids.patient, ids.practice],
  );
  await pool.query(
    `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, risk_tier,
       care_manager_recipient_id, lead_organization, status, source, effective_from)
     VALUES ($1, 'complex-care', $2, $2, 'II', $3, 'practice', 'active', 'sfm-cm', '2020-01-01')`,
    [ids.patient, ids.practice, ids.cm],
  );
  await createUser(pool, {
    email: "cm@built.example",
    password: "built-password-1",
    role: "care_manager",
    organizationCodes: ["SFM"],
    recipientEmail: "cm@built.example",
  });
}
