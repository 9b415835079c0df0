import { parseArgs } from "node:util";
import { ConfigError, parseEnv, StackEnv, stackSettingsFromEnv } from "@homeward/config";
import { createPool, migrate } from "@homeward/db";
import type { Role } from "./auth/principal.ts";
import { createUser, listUsers, setUserActive, UserDefinitionError } from "./auth/users.ts";

const ROLES: readonly Role[] = ["care_manager", "practice_admin", "quality", "system_admin"];
const USAGE = `usage: npm run users -w @homeward/api -- add --email EMAIL --password PASSWORD --role ROLE
         [--org CODE]... [--recipient-email EMAIL]
       npm run users -w @homeward/api -- list
       npm run users -w @homeward/api -- disable|enable --email EMAIL
Manages who may sign in to the api (DATABASE_URL, DATABASE_SCHEMA). Roles: ${ROLES.join(", ")}.
--org (repeatable) names the organizations the user reads; a system_admin reads all and needs none.
--recipient-email links a care manager to their recipient row (their tasks: assignee=me).
Exit status 1 if the user cannot be created or found, 2 on a usage or configuration error.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        email: { type: "string" },
        password: { type: "string" },
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
if (command === undefined || !["add", "list", "disable", "enable"].includes(command))
  fail("say add, list, disable or enable");

let settings: ReturnType<typeof stackSettingsFromEnv>;
try {
  settings = stackSettingsFromEnv(parseEnv(StackEnv, process.env));
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  throw err;
}

await migrate(settings.postgres);
const pool = createPool({ ...settings.postgres, max: 2 });
try {
  if (command === "list") {
    for (const u of await listUsers(pool)) {
      console.log(
        `${u.id}\t${u.email}\t${u.role}\t${u.active ? "active" : "disabled"}\t${u.organizationCodes.join(",")}`,
      );
    }
  } else if (command === "disable" || command === "enable") {
    if (!values.email) fail("--email is required");
    const found = await setUserActive(pool, values.email, command === "enable");
    console.log(found ? `${values.email}: ${command}d` : `${values.email}: no such user`);
    process.exitCode = found ? 0 : 1;
  } else {
    if (!values.email) fail("--email is required");
    if (!values.password) fail("--password is required");
    const role = ROLES.find((r) => r === values.role);
    if (role === undefined) fail(`--role must be one of ${ROLES.join(", ")}`);
    const id = await createUser(pool, {
      email: values.email,
      password: values.password,
      role,
      organizationCodes: values.org,
      ...(values["recipient-email"] === undefined ? {} : { recipientEmail: values["recipient-email"] }),
    });
    console.log(
      `user ${id}: ${values.email} (${role}${values.org.length > 0 ? ` of ${values.org.join(", ")}` : ""})`,
    );
  }
} catch (err) {
  if (!(err instanceof UserDefinitionError)) throw err;
  console.error(err.message);
  process.exitCode = 1;
} finally {
  await pool.end();
}
