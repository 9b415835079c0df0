import { readFileSync } from "node:fs";
import { z } from "zod";
import { caFileProblem, keyPairProblem, readableFile, readPem } from "./tls-files.ts";

/**
 * libpq's sslmode values Homeward takes, with libpq's meanings: `require` encrypts without checking
 * the server's certificate, `verify-ca` checks it against the CA, `verify-full` also checks that it
 * names the host connected to. (`prefer` and `allow` are refused: they fall back to plain text.)
 */
export const POSTGRES_SSL_MODES = ["disable", "require", "verify-ca", "verify-full"] as const;
export type PostgresSslMode = (typeof POSTGRES_SSL_MODES)[number];

/** TLS to PostgreSQL as @homeward/db takes it: the mode and the PEM text of the files, read at start. */
export interface PostgresTlsSettings {
  mode: PostgresSslMode;
  /** Trusted CAs; the platform's public CAs when absent (verify-full only). */
  ca?: string;
  /** Client certificate and key, for a server that authenticates clients by certificate. */
  cert?: string;
  key?: string;
}

/**
 * The PostgreSQL TLS and pool variables, part of StackEnv (every service). DATABASE_URL may carry
 * the same TLS settings as libpq parameters (sslmode, sslrootcert, sslcert, sslkey): either place
 * is fine, both must agree (`postgresEnvProblems`).
 */
export const PostgresEnvShape = {
  DATABASE_SSL_MODE: z
    .enum(POSTGRES_SSL_MODES, { message: `must be one of ${POSTGRES_SSL_MODES.join(", ")}` })
    .optional(),
  DATABASE_SSL_CA_FILE: readableFile().optional(),
  DATABASE_SSL_CERT_FILE: readableFile().optional(),
  DATABASE_SSL_KEY_FILE: readableFile().optional(),
  /** Not read, only checked: libpq's variable must not say something else than Homeward does. */
  PGSSLMODE: z.string().optional(),
  /** Connections in this service's pool; each service has its own default (README, docs/operations.md). */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).optional(),
};

type PostgresEnv = z.output<z.ZodObject<typeof PostgresEnvShape>> & { DATABASE_URL: string };
type Variable = keyof PostgresEnv;
type Problem = { message: string; path: [Variable] };

/** libpq's TLS parameters in a connection URL, and the variable each is the same setting as. */
const URL_PARAMETERS = {
  sslmode: "DATABASE_SSL_MODE",
  sslrootcert: "DATABASE_SSL_CA_FILE",
  sslcert: "DATABASE_SSL_CERT_FILE",
  sslkey: "DATABASE_SSL_KEY_FILE",
} as const;
type UrlParameter = keyof typeof URL_PARAMETERS;
type TlsVariable = (typeof URL_PARAMETERS)[UrlParameter];

/** TLS parameters node-postgres would read from the URL with meanings of its own: refused, not guessed at. */
const REFUSED_PARAMETERS = [
  "ssl",
  "uselibpqcompat",
  "sslpassword",
  "sslcrl",
  "sslcrldir",
  "sslcompression",
  "requiressl",
];

/** The URL's TLS parameters by variable, and the URL without them (what node-postgres is given). */
function splitUrl(databaseUrl: string): { url: string; given: Partial<Record<TlsVariable, string>> } {
  const parsed = new URL(databaseUrl);
  const given: Partial<Record<TlsVariable, string>> = {};
  for (const [parameter, variable] of Object.entries(URL_PARAMETERS) as [UrlParameter, TlsVariable][]) {
    const value = parsed.searchParams.get(parameter);
    if (value !== null) given[variable] = value;
    parsed.searchParams.delete(parameter);
  }
  return { url: Object.keys(given).length === 0 ? databaseUrl : parsed.toString(), given };
}

/** Each TLS setting from its variable or the URL, with where it came from (for the problem's name). */
function effective(env: PostgresEnv) {
  const { url, given } = splitUrl(env.DATABASE_URL);
  const pick = (variable: TlsVariable) => {
    const value = env[variable] ?? given[variable];
    return { value, from: (env[variable] === undefined ? "DATABASE_URL" : variable) as Variable };
  };
  // libpq 16's sslrootcert=system: the platform's CAs, and verify-full unless sslmode says otherwise.
  const systemRoots = env.DATABASE_SSL_CA_FILE === undefined && given.DATABASE_SSL_CA_FILE === SYSTEM_ROOTS;
  const mode = pick("DATABASE_SSL_MODE");
  return {
    url,
    given,
    systemRoots,
    mode: systemRoots && mode.value === undefined ? { ...mode, value: "verify-full" } : mode,
    ca: systemRoots ? { value: undefined, from: "DATABASE_URL" as Variable } : pick("DATABASE_SSL_CA_FILE"),
    cert: pick("DATABASE_SSL_CERT_FILE"),
    key: pick("DATABASE_SSL_KEY_FILE"),
  };
}

const SYSTEM_ROOTS = "system";

const FILE_PARAMETER: Record<TlsVariable, UrlParameter> = {
  DATABASE_SSL_MODE: "sslmode",
  DATABASE_SSL_CA_FILE: "sslrootcert",
  DATABASE_SSL_CERT_FILE: "sslcert",
  DATABASE_SSL_KEY_FILE: "sslkey",
};

/**
 * What cannot work, each problem naming its variable and never a value: the URL and a variable
 * disagreeing, a mode node-postgres would read differently, a CA with a mode that ignores it, a
 * certificate without its key, PGSSLMODE saying another mode than the one in force.
 */
export function postgresEnvProblems(env: PostgresEnv): Problem[] {
  const problems: Problem[] = [];
  const add = (variable: Variable, message: string) => problems.push({ message, path: [variable] });
  const parsed = new URL(env.DATABASE_URL);
  for (const parameter of REFUSED_PARAMETERS)
    if (parsed.searchParams.has(parameter))
      add(
        "DATABASE_URL",
        `takes no ${parameter} parameter: set TLS with sslmode/sslrootcert/sslcert/sslkey or DATABASE_SSL_*`,
      );
  const e = effective(env);
  for (const [variable, value] of Object.entries(e.given) as [TlsVariable, string][]) {
    if (env[variable] !== undefined && env[variable] !== value)
      add(variable, `differs from DATABASE_URL's ${FILE_PARAMETER[variable]}; give it in one place`);
    if (
      variable !== "DATABASE_SSL_MODE" &&
      env[variable] === undefined &&
      !(e.systemRoots && value === SYSTEM_ROOTS)
    ) {
      try {
        readFileSync(value);
      } catch {
        add("DATABASE_URL", `its ${FILE_PARAMETER[variable]} file cannot be read`);
        return problems;
      }
    }
  }
  const mode = e.mode.value ?? "disable";
  if (!(POSTGRES_SSL_MODES as readonly string[]).includes(mode)) {
    add(
      "DATABASE_URL",
      `its sslmode must be one of ${POSTGRES_SSL_MODES.join(", ")} (prefer and allow may fall back to plain text)`,
    );
    return problems;
  }
  if (e.systemRoots && mode !== "verify-full")
    add(
      "DATABASE_URL",
      "its sslrootcert=system (the platform's CAs) needs sslmode verify-full, as libpq's does",
    );
  if (env.PGSSLMODE !== undefined && env.PGSSLMODE !== mode)
    add(
      "PGSSLMODE",
      "is not read by Homeward and differs from the mode in force (DATABASE_SSL_MODE or DATABASE_URL's sslmode); unset it or make them agree",
    );
  const files = [e.ca, e.cert, e.key];
  if (mode === "disable")
    for (const file of files)
      if (file.value !== undefined) add(file.from, "names a TLS file but the SSL mode is disable (or unset)");
  if (mode === "require" && e.ca.value !== undefined)
    add(
      e.ca.from,
      "is not checked with sslmode require; use verify-full (or verify-ca) to check the server against it",
    );
  if (mode === "verify-ca" && e.ca.value === undefined)
    add("DATABASE_SSL_CA_FILE", "is required by verify-ca (a public CA would vouch for anybody's server)");
  if ((e.cert.value === undefined) !== (e.key.value === undefined))
    add(
      e.cert.value === undefined ? e.key.from : e.cert.from,
      "a client certificate needs both its certificate and its key file",
    );
  if (e.ca.value !== undefined) {
    const problem = caFileProblem(e.ca.value);
    if (problem !== undefined) add(e.ca.from, problem);
  }
  if (e.cert.value !== undefined && e.key.value !== undefined) {
    const problem = keyPairProblem(e.cert.value, e.key.value, "the client certificate");
    if (problem !== undefined) add(e.key.from, problem);
  }
  return problems;
}

/** StackEnv's check: `postgresEnvProblems`, once every PostgreSQL variable is valid on its own. */
export function checkPostgresEnv(payload: z.core.ParsePayload<PostgresEnv>): void {
  const mine = (name: string) => name.startsWith("DATABASE_") || name === "PGSSLMODE";
  if (payload.issues.some((issue) => mine(String(issue.path?.[0] ?? "")))) return;
  for (const problem of postgresEnvProblems(payload.value))
    payload.issues.push({ code: "custom", input: payload.value, ...problem });
}

/**
 * The connection URL without its TLS parameters, the TLS settings in force (files read) and the
 * pool size if set: what @homeward/db takes, so node-postgres never reads sslmode its own way.
 */
export function postgresConnectionSettings(env: PostgresEnv): {
  url: string;
  tls: PostgresTlsSettings;
  max?: number;
} {
  const e = effective(env);
  const tls: PostgresTlsSettings = { mode: (e.mode.value ?? "disable") as PostgresSslMode };
  const ca = readPem(e.ca.value);
  const cert = readPem(e.cert.value);
  const key = readPem(e.key.value);
  if (ca !== undefined) tls.ca = ca;
  if (cert !== undefined) tls.cert = cert;
  if (key !== undefined) tls.key = key;
  return { url: e.url, tls, ...(env.DATABASE_POOL_MAX === undefined ? {} : { max: env.DATABASE_POOL_MAX }) };
}
