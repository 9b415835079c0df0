/**
 * Whether a PostgreSQL connection URL points at this machine, for the demo seed, which writes
 * well-known accounts and 200 invented patients and so refuses any other database unless told.
 */

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/**
 * The hosts a URL connects to, as node-postgres reads it: `?host=` (one or a comma list) over the
 * URL's host, percent-decoded (`%2Fvar%2Frun%2Fpostgresql` is a socket directory); an empty host
 * falls back to PGHOST, as libpq does. An empty result means the default: the local socket.
 */
export function databaseHosts(url: string, env: { PGHOST?: string | undefined } = {}): string[] {
  const parsed = new URL(url);
  const raw = parsed.searchParams.get("host") ?? decodeURIComponent(parsed.hostname);
  const host = raw === "" ? (env.PGHOST ?? "") : raw;
  return host
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h.length > 0);
}

/** True for 127.0.0.1, localhost, ::1 and unix sockets (a path, or no host at all); false for a URL it cannot read. */
export function isLocalDatabase(url: string, env: { PGHOST?: string | undefined } = {}): boolean {
  if (!URL.canParse(url)) return false;
  return databaseHosts(url, env).every((h) => h.startsWith("/") || LOOPBACK.has(h));
}
