export { type DbSslMode, type DbTls, pgConnectionOptions } from "./connection-options.ts";
export { MIGRATIONS_DIR, migrate } from "./migrate.ts";
export { createPool, type DbSettings, DEFAULT_POOL_MAX, type Pool, type PoolClient } from "./pool.ts";
/** Reference data (rosters, enrollments, consents, sensitive facilities, notification rules) changed: a NOTIFY channel per schema; the matcher reloads. */
export {
  currentSchema,
  listenReferenceChanged,
  notifyReferenceChanged,
  referenceChangedChannel,
  schemaChannel,
} from "./reference-channel.ts";
export { inTransaction } from "./transaction.ts";
/** An organization's alerts or tasks changed: open inboxes and censuses refresh (server-sent events). */
export {
  listenWorkspaceChanged,
  notifyWorkspaceChanged,
  type WorkspaceChange,
  workspaceChangedChannel,
} from "./workspace-channel.ts";
