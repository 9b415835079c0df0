import { parseArgs } from "node:util";
import { ConfigError, parseEnv, StackEnv, stackSettingsFromEnv } from "@homeward/config";
import { createPool, migrate, type Pool } from "@homeward/db";
import {
  createUser,
  listUsers,
  setUserActive,
  setUserPassword,
  UserDefinitionError,
} from "@homeward/directory";
import type { UserRole } from "./auth/principal.ts";
import { PasswordInputError, readPassword } from "./password-input.ts";

const ROLES: readonly UserRole[] = [
  "care_manager",
  "practice_admin",
  "quality",
  "system_admin",
  "interface_analyst",
];
const USAGE = `usage: npm run users -w @homeward/api -- add --email EMAIL --role ROLE [--password-file PATH]
         [--org CODE]... [--recipient-email EMAIL]
       npm run users -w @homeward/api -- set-password --email EMAIL [--password-file PATH]
       npm run users -w @homeward/api -- list
       npm run users -w @homeward/api -- disable|enable --email EMAIL
Manages who may sign in to the api (DATABASE_URL, DATABASE_SCHEMA). Roles: ${ROLES.join(", ")}.
The password is typed at a prompt (not shown), or read from the first line of standard input when it
is not a terminal, or from the first line of --password-file; never from the command line, where
\`ps\` and shell history would show it. At least 12 characters, not a common password, not the e-mail.
--org (repeatable) names the organizations the user reads; a system_admin reads all and needs none,
an interface_analyst (hospital feeds, raw HL7) reads no organization's patients and needs none.
--recipient-email links a care manager to their recipient row (their tasks: assignee=me).
Exit status 1 if the user cannot be created or found, 2 on a usage or configuration error.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const PASSWORD_ARGUMENT_REFUSED =
  "--password is not accepted: a password on the command line is visible to every user of this machine " +
  "(ps, /proc) and stays in shell history. Type it at the prompt, pipe it on standard input, " +
  "or put it in a file only you can read and pass --password-file PATH.";
if (process.argv.slice(2).some((a) => a === "--password" || a.startsWith("--password=")))
  fail(PASSWORD_ARGUMENT_REFUSED);

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        email: { type: "string" },
        "password-file": { type: "string" },
        role: { type: "string" },
        org: { type: "string", multiple: true, default: [] },
        "recipient-email": { type: "string" },
        help: { type: "boolean", default: false },
      },
    });
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const command = positionals[0];
if (command === undefined || !["add", "set-password", "list", "disable", "enable"].includes(command))
  fail("say add, set-password, list, disable or enable");

let settings: ReturnType<typeof stackSettingsFromEnv>;
try {
  settings = stackSettingsFromEnv(parseEnv(StackEnv, process.env));
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  throw err;
}

/**
 * What an operator may see of an unexpected error: its code (SQLSTATE, or a system error code) and
 * the constraint it broke. Never the message's details, which for a refused row print the row,
 * password hash included, nor the query's parameters.
 */
function describeFailure(err: unknown): string {
  const { code, constraint } = (err ?? {}) as { code?: unknown; constraint?: unknown };
  const shown = [
    typeof code === "string" ? code : undefined,
    typeof constraint === "string" ? `constraint ${constraint}` : undefined,
  ].filter((x) => x !== undefined);
  return `the database did not accept the ${command} command${shown.length > 0 ? ` (${shown.join(", ")})` : ""}; nothing was changed`;
}

async function run(pool: Pool): Promise<number> {
  if (command === "list") {
    for (const u of await listUsers(pool)) {
      console.log(
        `${u.id}\t${u.email}\t${u.role}\t${u.active ? "active" : "disabled"}\t${u.organizationCodes.join(",")}`,
      );
    }
    return 0;
  }
  if (!values.email) fail("--email is required");
  if (command === "disable" || command === "enable") {
    const found = await setUserActive(pool, values.email, command === "enable");
    console.log(found ? `${values.email}: ${command}d` : `${values.email}: no such user`);
    return found ? 0 : 1;
  }
  const role = ROLES.find((r) => r === values.role);
  if (command === "add" && role === undefined) fail(`--role must be one of ${ROLES.join(", ")}`);
  const password = await readPassword({
    ...(values["password-file"] === undefined ? {} : { file: values["password-file"] }),
    input: process.stdin,
    output: process.stderr,
  });
  if (command === "set-password") {
    const found = await setUserPassword(pool, values.email, password);
    console.log(found ? `${values.email}: password set` : `${values.email}: no such user`);
    return found ? 0 : 1;
  }
  if (role === undefined) return fail(`--role must be one of ${ROLES.join(", ")}`);
  const id = await createUser(pool, {
    email: values.email,
    password,
    role,
    organizationCodes: values.org,
    ...(values["recipient-email"] === undefined ? {} : { recipientEmail: values["recipient-email"] }),
  });
  console.log(
    `user ${id}: ${values.email} (${role}${values.org.length > 0 ? ` of ${values.org.join(", ")}` : ""})`,
  );
  return 0;
}

let pool: Pool | undefined;
try {
  await migrate(settings.postgres);
  pool = createPool({ ...settings.postgres, max: 2 });
  process.exitCode = await run(pool);
} catch (err) {
  const known = err instanceof UserDefinitionError || err instanceof PasswordInputError;
  console.error(known ? err.message : describeFailure(err));
  process.exitCode = 1;
} finally {
  await pool?.end();
}
