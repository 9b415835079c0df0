import type { PoolClient } from "./pool.ts";
import { currentSchema, schemaChannel } from "./reference-channel.ts";

/** What changed in an organization's workspace: a new alert (matched event) or a task opened or changed. */
export interface WorkspaceChange {
  organizationId: string;
  kind: "event" | "task";
}

/** The NOTIFY channel of `schema`'s workspace changes (one per schema, like the reference channel). */
export const workspaceChangedChannel = (schema: string): string =>
  schemaChannel("homeward_workspace_", schema);

/**
 * Tells the api processes of the connection's schema that an organization's workspace changed, so
 * open inboxes and censuses refresh. The payload carries only the organization id and the kind:
 * NOTIFY payloads reach every listener of the channel and must carry no patient data. In a
 * transaction, delivered at COMMIT and dropped on ROLLBACK.
 */
export async function notifyWorkspaceChanged(
  client: Pick<PoolClient, "query">,
  change: WorkspaceChange,
): Promise<void> {
  await client.query("SELECT pg_notify($1, $2)", [
    workspaceChangedChannel(await currentSchema(client)),
    JSON.stringify(change),
  ]);
}

/**
 * Listens, on a connection kept for it, for `schema`'s workspace changes. Resolves once the LISTEN
 * is in place; the returned function stops listening. A payload that is not a change is ignored.
 */
export async function listenWorkspaceChanged(
  client: PoolClient,
  schema: string,
  onChange: (change: WorkspaceChange) => void,
): Promise<() => Promise<void>> {
  const channel = workspaceChangedChannel(schema);
  const onNotification = (message: { channel: string; payload?: string | undefined }) => {
    if (message.channel !== channel || message.payload === undefined) return;
    try {
      const parsed = JSON.parse(message.payload) as Partial<WorkspaceChange>;
      if (typeof parsed.organizationId === "string" && (parsed.kind === "event" || parsed.kind === "task"))
        onChange({ organizationId: parsed.organizationId, kind: parsed.kind });
    } catch {
      // Not ours: ignored.
    }
  };
  client.on("notification", onNotification);
  await client.query(`LISTEN "${channel}"`);
  return async () => {
    client.off("notification", onNotification);
    await client.query(`UNLISTEN "${channel}"`);
  };
}
