import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPool, migrate, type Pool } from "@homeward/db";
import { authenticate } from "@homeward/directory";
import { type Isolation, isolation } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

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

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const cliEnv = () => ({
  ...process.env,
  DATABASE_URL: iso.settings.postgres.url,
  DATABASE_SCHEMA: iso.settings.postgres.schema,
});
const CLI = ["--conditions=source", "--import", "tsx", "src/users-cli.ts"];

/** Runs the CLI as an operator would, against this test's schema, with `stdin` piped in (not a terminal). */
function usersCli(args: string[], stdin = ""): Promise<CliRun> {
  const child = spawn(process.execPath, [...CLI, ...args], {
    cwd: SERVICE_DIR,
    env: cliEnv(),
    timeout: 60_000,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

/**
 * Runs the CLI on a terminal (util-linux `script` gives it a pty) and answers each prompt once it
 * has appeared; returns everything the terminal showed.
 */
function usersCliOnTerminal(args: string[], answers: string[]): Promise<CliRun> {
  const command = [process.execPath, ...CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const child = spawn("script", ["-qec", command, "/dev/null"], {
    cwd: SERVICE_DIR,
    env: cliEnv(),
    timeout: 60_000,
  });
  let screen = "";
  let prompts = 0;
  child.stdout.on("data", (d: Buffer) => {
    screen += d.toString();
    const seen = screen.match(/password( again)?: /g)?.length ?? 0;
    for (; prompts < seen; prompts++) child.stdin.write(`${answers[prompts] ?? ""}\r`);
  });
  return new Promise((resolve) =>
    child.on("close", (code) => {
      child.stdin.end();
      resolve({ code: code ?? -1, stdout: screen, stderr: "" });
    }),
  );
}

const ADD_CASEY = [
  "add",
  "--email",
  "casey@sfm.example",
  "--role",
  "care_manager",
  "--org",
  "SFM",
  "--recipient-email",
  "casey@sfm.example",
];

describe("users CLI", () => {
  it("adds a care manager linked to their recipient, who can then sign in", async () => {
    const added = await usersCli(ADD_CASEY, "a long enough password\nthe rest is not read\n");
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

  it("refuses a duplicate, an unknown organization, a weak password and a missing role", async () => {
    const password = "a long enough password\n";
    expect(
      await usersCli(["add", "--email", "casey@sfm.example", "--role", "quality", "--org", "SFM"], password),
    ).toMatchObject({ code: 1, stderr: expect.stringContaining("exists") });
    expect(
      await usersCli(["add", "--email", "q@x.example", "--role", "quality", "--org", "NOPE"], password),
    ).toMatchObject({ code: 1, stderr: expect.stringContaining("unknown organization: NOPE") });
    const quality = ["add", "--email", "q@x.example", "--role", "quality", "--org", "SFM"];
    for (const [weak, problem] of [
      ["short\n", "at least 12 characters"],
      ["aaaaaaaaaaaa\n", "mostly one repeated character"],
      ["password1234\n", "commonly used"],
      [`${" ".repeat(12)}\n`, "only spaces"],
      ["", "no password on standard input"],
    ] as const)
      expect(await usersCli(quality, weak), JSON.stringify(weak)).toMatchObject({
        code: 1,
        stderr: expect.stringContaining(problem),
      });
    expect(await usersCli(["add", "--email", "q@x.example", "--org", "SFM"], password)).toMatchObject({
      code: 2,
    });
    expect(await usersCli(["add", "--email", "q@x.example", "--role", "quality"], password)).toMatchObject({
      code: 1,
    });
  });

  it("refuses a password on the command line, without repeating it", async () => {
    for (const args of [
      ["--password", "a long enough password"],
      ["--password=a long enough password"],
      ["--password"],
    ]) {
      const refused = await usersCli([...ADD_CASEY.slice(0, 5), ...args]);
      expect(refused).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/--password is not accepted.*\(ps/),
      });
      expect(refused.stderr).not.toContain("a long enough password");
    }
  });

  it("reads the first line of --password-file", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "userscli-")), "password");
    writeFileSync(file, "file-borne pass phrase\r\nsecond line\n", { mode: 0o600 });
    const added = await usersCli(
      ["add", "--email", "fq@x.example", "--role", "quality", "--org", "SFM", "--password-file", file],
      "not this one either\n",
    );
    expect(added).toMatchObject({ code: 0 });
    expect(await authenticate(pool, "fq@x.example", "file-borne pass phrase")).toBeDefined();
    expect(
      await usersCli(["set-password", "--email", "fq@x.example", "--password-file", join(file, "missing")]),
    ).toMatchObject({ code: 1, stderr: expect.stringContaining("cannot read --password-file") });
  });

  it("prompts twice with echo off on a terminal, and sets a new password", async () => {
    const secret = "typed at a quiet prompt";
    const typed = await usersCliOnTerminal(["set-password", "--email", "fq@x.example"], [secret, secret]);
    expect(typed.stdout).toMatch(/password: \s*password again: /);
    expect(typed.stdout).toContain("fq@x.example: password set");
    expect(typed.stdout).not.toContain("quiet");
    expect(await authenticate(pool, "fq@x.example", secret)).toBeDefined();
    const differ = await usersCliOnTerminal(
      ["set-password", "--email", "fq@x.example"],
      [secret, `${secret}!`],
    );
    expect(differ.stdout).toContain("the two passwords differ");
    expect(await authenticate(pool, "fq@x.example", secret)).toBeDefined();
  });

  it("says only the error code when the database refuses the row, never the hash", async () => {
    // users.email has a CHECK (an @ between two parts); PostgreSQL's detail prints the refused row.
    const refused = await usersCli(
      ["add", "--email", "no-at-sign.example", "--role", "system_admin"],
      "a long enough password\n",
    );
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining("23514") });
    expect(refused.stderr).not.toMatch(/scrypt|Failing row|\$\d+\$/);
    expect(refused.stdout).not.toMatch(/scrypt/);
  });

  it("disables a user, who can no longer sign in", async () => {
    expect((await usersCli(["disable", "--email", "casey@sfm.example"])).code).toBe(0);
    expect(await authenticate(pool, "casey@sfm.example", "a long enough password")).toBeUndefined();
  });
});
