import { currentSchema, type PoolClient, schemaChannel } from "@homeward/db";

/**
 * What the adt-listener is told: facility settings changed (reload the mappings, no restart), or an
 * analyst asked for a refused or unmatched message to be sent again. The payload is only this word:
 * NOTIFY reaches every listener of the channel and carries no facility or patient data.
 */
export type FeedChange = "facilities" | "resend";

/** The NOTIFY channel of `schema`'s feed changes (one per schema, like the reference channel). */
export const feedChangedChannel = (schema: string): string => schemaChannel("homeward_feeds_", schema);

/**
 * Tells the listeners of the connection's schema what changed. In a transaction, PostgreSQL delivers
 * it at COMMIT and drops it on ROLLBACK, so a listener never reloads a change that did not happen.
 */
export async function notifyFeedChanged(
  client: Pick<PoolClient, "query">,
  change: FeedChange,
): Promise<void> {
  await client.query("SELECT pg_notify($1, $2)", [feedChangedChannel(await currentSchema(client)), change]);
}

/**
 * Listens, on a connection kept for it, for `schema`'s feed changes. Resolves once the LISTEN is in
 * place; the returned function stops listening. Unknown payloads are ignored.
 */
export async function listenFeedChanged(
  client: PoolClient,
  schema: string,
  onChange: (change: FeedChange) => void,
): Promise<() => Promise<void>> {
  const channel = feedChangedChannel(schema);
  const onNotification = (message: { channel: string; payload?: string | undefined }) => {
    if (message.channel !== channel) return;
    if (message.payload === "facilities" || message.payload === "resend") onChange(message.payload);
  };
  client.on("notification", onNotification);
  await client.query(`LISTEN "${channel}"`);
  return async () => {
    client.off("notification", onNotification);
    await client.query(`UNLISTEN "${channel}"`);
  };
}
