import type { ConnectionOptions } from "node:tls";

/** libpq's sslmode values Homeward takes, with libpq's meanings (not node-postgres's own reading of them). */
export type DbSslMode = "disable" | "require" | "verify-ca" | "verify-full";

/** TLS to PostgreSQL: the mode and the PEM text of the files (DATABASE_SSL_*, read at start by @homeward/config). */
export interface DbTls {
  mode: DbSslMode;
  /** Trusted CAs; the platform's public CAs when absent. */
  ca?: string;
  /** Client certificate and key, for a server that authenticates clients by certificate. */
  cert?: string;
  key?: string;
}

/**
 * URL parameters node-postgres would turn into TLS options of its own, where `require` checks the
 * certificate (libpq's does not) and `sslmode` overrides the options it is given. The URL reaching
 * here must carry none: @homeward/config takes them out into `tls`, after checking they agree.
 */
const TLS_PARAMETERS = [
  "sslmode",
  "sslrootcert",
  "sslcert",
  "sslkey",
  "ssl",
  "uselibpqcompat",
  "sslpassword",
  "sslcrl",
  "sslcrldir",
  "sslcompression",
  "requiressl",
];

/**
 * The connection string and `ssl` option node-postgres is given for `url` and `tls`: what the
 * pool and the migration client both connect with. Without `tls`, or with `disable`, plain TCP
 * (and `ssl: false` also stops node-postgres from reading PGSSLMODE).
 */
export function pgConnectionOptions(
  url: string,
  tls: DbTls | undefined,
): { connectionString: string; ssl: false | ConnectionOptions } {
  const carried = TLS_PARAMETERS.filter((p) => new URL(url).searchParams.has(p));
  if (carried.length > 0)
    throw new Error(
      `the database URL carries ${carried.join(", ")}: give TLS as settings.tls (DATABASE_SSL_* through stackSettingsFromEnv), so nothing reads it another way`,
    );
  if (tls === undefined || tls.mode === "disable") return { connectionString: url, ssl: false };
  const files: ConnectionOptions = {
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
  };
  switch (tls.mode) {
    case "require":
      return { connectionString: url, ssl: { ...files, rejectUnauthorized: false } };
    case "verify-ca":
      // The chain is checked against the CA; the name in the certificate is not.
      return {
        connectionString: url,
        ssl: { ...files, rejectUnauthorized: true, checkServerIdentity: () => undefined },
      };
    case "verify-full":
      return { connectionString: url, ssl: { ...files, rejectUnauthorized: true } };
  }
}
