import { join } from "node:path";
import { looksSecret } from "@homeward/config";
import { REPO_ROOT, STACK_DIR } from "./paths.ts";

/** A process `npm start` runs in the foreground, with the stack's settings. */
export interface ServiceSpec {
  name: string;
  entry: string;
  args?: string[];
  env: Record<string, string>;
  /** The secrets this service reads (its env.ts); no other service is given them. */
  secrets?: readonly string[];
  hint: string[];
}

/**
 * Where the demo's listener binds: loopback unless `MLLP_HOST` says otherwise, so `npm start` does
 * not open an MLLP port to the network. The banner prints this same value.
 */
export const DEMO_MLLP_HOST = process.env.MLLP_HOST ?? "127.0.0.1";

/** The services `npm start` runs in the foreground, with the stack's settings. */
export const SERVICES: readonly ServiceSpec[] = [
  {
    name: "adt-listener",
    entry: "services/adt-listener/src/main.ts",
    env: { MLLP_HOST: DEMO_MLLP_HOST, MLLP_PORT: "2575", OPS_PORT: "9464" },
    hint: [
      `adt-listener: MLLP on ${DEMO_MLLP_HOST}:2575, health and metrics on http://127.0.0.1:9464/readyz and /metrics`,
    ],
  },
  {
    name: "matcher",
    entry: "services/matcher/src/main.ts",
    env: { OPS_PORT: "9465" },
    hint: ["matcher: adt.events.v1 → adt.matched.v1 / adt.unmatched.v1, metrics on http://127.0.0.1:9465"],
  },
  {
    name: "notifier",
    entry: "services/notifier/src/main.ts",
    // Pages go to MailDev through the email-to-pager gateway, so the demo shows them beside the emails.
    env: { OPS_PORT: "9466", PAGER_EMAIL_GATEWAY_DOMAIN: "pager.homeward.local" },
    secrets: ["OUTBOUND_SECRET_KEY"],
    hint: ["notifier: tasks (PostgreSQL) and alerts (SQS → SMTP / pager), metrics on http://127.0.0.1:9466"],
  },
  {
    name: "api",
    entry: "services/api/src/main.ts",
    env: { API_PORT: "8080", OPS_PORT: "9467" },
    secrets: ["API_TOKEN_SECRET", "OUTBOUND_SECRET_KEY"],
    hint: ["api: http://127.0.0.1:8080 (dashboard), OpenAPI at http://127.0.0.1:8080/api/openapi.json"],
  },
  {
    name: "feed-simulator",
    entry: "services/adt-listener/src/tools/simulate.ts",
    args: [
      "--rate",
      process.env.DEMO_FEED_RATE ?? "12/min",
      "--patients",
      join(STACK_DIR, "demo", "patients.json"),
    ],
    env: {},
    hint: [
      "feed simulator: a synthetic ADT feed over MLLP to 127.0.0.1:2575 at 12 messages/min (DEMO_FEED_RATE), one line per message, no patient data",
    ],
  },
];

/**
 * How `npm start` runs the services: `source` (the TypeScript through tsx, as in development) or
 * `built` (`npm run build`'s JavaScript with plain node, as in production: `npm start -- --built`).
 */
export type RunMode = "source" | "built";

/** A service's (or script's) built entry: `<workspace>/src/x.ts` compiles to `<workspace>/dist/x.js`. */
export function builtEntry(entry: string): string {
  if (!/\/src\/.+\.ts$/.test(entry)) throw new Error(`${entry} is not a workspace's src/*.ts file`);
  return entry.replace("/src/", "/dist/").replace(/\.ts$/, ".js");
}

/** The node arguments that run `entry` (a repo-relative path) with `args`, from source or built. */
export function nodeArgs(entry: string, args: readonly string[], mode: RunMode): string[] {
  return mode === "built"
    ? [join(REPO_ROOT, builtEntry(entry)), ...args]
    : ["--conditions=source", "--import", "tsx", join(REPO_ROOT, entry), ...args];
}

/** What a process is started with: see `serviceEnv`. */
export interface EnvSources {
  /** The environment `npm start` itself was given (process.env). */
  inherited: Readonly<Record<string, string | undefined>>;
  /** The stack's settings, the same for every service. */
  shared: Readonly<Record<string, string>>;
  /** Every secret the launcher holds, by variable name. */
  secrets: Readonly<Record<string, string>>;
}

/**
 * One process's environment: what `npm start` was given, less every variable whose name looks
 * secret (`looksSecret`: a signing key, a password or token exported in the shell); then the
 * stack's settings, the service's own, and only the secrets it names. The api's token signing key
 * reaches the api and no other process, and the seed gets no secret at all.
 */
export function serviceEnv(
  spec: Pick<ServiceSpec, "env" | "secrets">,
  sources: EnvSources,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(sources.inherited))
    if (value !== undefined && !looksSecret(name) && !(name in sources.secrets)) env[name] = value;
  Object.assign(env, sources.shared, spec.env);
  for (const name of spec.secrets ?? []) {
    const value = sources.secrets[name];
    if (value === undefined) throw new Error(`no ${name} to give the service that needs it`);
    env[name] = value;
  }
  return env;
}
