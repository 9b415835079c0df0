import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createPool, migrate, type Pool } from "@homeward/db";
import { type Isolation, isolation } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "./auth/users.ts";

const run = promisify(execFile);
const SERVICE_DIR = fileURLToPath(new URL("..", import.meta.url));

let iso: Isolation;
let pool: Pool;
let orgs: { sfm: string; rvp: string };
let recipient: string;
beforeAll(async () => {
  iso = isolation("userscli");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const { rows } = await pool.query<{ id: string; code: string }>(
    `INSERT INTO organizations (kind, code, name) VALUES ('practice', 'SFM', 'Springvale'), ('practice', 'RVP', 'Riverside')
     RETURNING id::text, code`,
  );
  orgs = {
    sfm: rows.find((r) => r.code === "SFM")?.id ?? "",
    rvp: rows.find((r) => r.code === "RVP")?.id ?? "",
  };
  recipient = String(
    (
      await pool.query(
        `INSERT INTO recipients (organization_id, role, display_name, email, time_zone)
         VALUES ($1, 'care_manager', 'Casey', 'casey@sfm.example', 'America/New_York') RETURNING id`,
        [orgs.sfm],
      )
    ).rows[0]?.id,
  );
});
afterAll(async () => {
  await pool?.end();
});

/** Runs the CLI as an operator would, against this test's schema. */
async function usersCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    DATABASE_URL: iso.settings.postgres.url,
    DATABASE_SCHEMA: iso.settings.postgres.schema,
  };
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "src/users-cli.ts", ...args],
      { cwd: SERVICE_DIR, env, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("users CLI", () => {
  it("adds a care manager linked to their recipient, who can then sign in", async () => {
    const added = await usersCli([
      "add",
      "--email",
      "casey@sfm.example",
      "--password",
      "a long enough password",
      "--role",
      "care_manager",
      "--org",
      "SFM",
      "--recipient-email",
      "casey@sfm.example",
    ]);
    expect(added).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^user \d+: casey@sfm\.example \(care_manager of SFM\)/),
    });
    expect(await authenticate(pool, "Casey@SFM.example", "a long enough password")).toMatchObject({
      role: "care_manager",
      organizationIds: [orgs.sfm],
      recipientId: recipient,
    });
    const listed = await usersCli(["list"]);
    expect(listed.stdout).toMatch(/casey@sfm\.example\tcare_manager\tactive\tSFM/);
  });

  it("refuses a duplicate, an unknown organization, a short password and a missing role", async () => {
    const base = ["add", "--password", "a long enough password"];
    expect(
      await usersCli([...base, "--email", "casey@sfm.example", "--role", "quality", "--org", "SFM"]),
    ).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("exists"),
    });
    expect(
      await usersCli([...base, "--email", "q@x.example", "--role", "quality", "--org", "NOPE"]),
    ).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("unknown organization: NOPE"),
    });
    expect(
      await usersCli([
        "add",
        "--email",
        "q@x.example",
        "--password",
        "short",
        "--role",
        "quality",
        "--org",
        "SFM",
      ]),
    ).toMatchObject({ code: 1 });
    expect(await usersCli([...base, "--email", "q@x.example", "--org", "SFM"])).toMatchObject({ code: 2 });
    expect(await usersCli([...base, "--email", "q@x.example", "--role", "quality"])).toMatchObject({
      code: 1,
    });
  });

  it("disables a user, who can no longer sign in", async () => {
    expect((await usersCli(["disable", "--email", "casey@sfm.example"])).code).toBe(0);
    expect(await authenticate(pool, "casey@sfm.example", "a long enough password")).toBeUndefined();
  });
});
