import {
  createPool,
  type DbSettings,
  listenWorkspaceChanged,
  type PoolClient,
  type WorkspaceChange,
} from "@homeward/db";
import type { Logger } from "@homeward/logger";

/** The api's one LISTEN connection on its schema's workspace channel. */
export interface WorkspaceListener {
  /** Starts listening on first use; resolves once the LISTEN is in place (rejects if it cannot be). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One dedicated PostgreSQL connection (its own pool of one, so the api's pool keeps its size)
 * LISTENing for the schema's workspace changes, however many streams are open. Started by the
 * first stream. When the connection is lost it reconnects (1 s, doubling to 30 s) and, once
 * listening again, calls `onReconnect`: NOTIFYs sent in between are gone, so streams resync.
 */
export function createWorkspaceListener(options: {
  settings: DbSettings;
  logger: Logger;
  onChange: (change: WorkspaceChange) => void;
  onReconnect: () => void;
}): WorkspaceListener {
  const { logger } = options;
  const pool = createPool({ ...options.settings, max: 1 });
  // An idle client's error is reported here; ours is checked out and reports on the client too.
  pool.on("error", () => undefined);
  let client: PoolClient | undefined;
  let starting: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryMs = 1000;
  let closed = false;

  const lost = (c: PoolClient, err?: Error) => {
    if (client !== c) return;
    client = undefined;
    starting = undefined;
    c.release(err ?? true);
    if (closed) return;
    logger.warn({ errName: err?.name, retryMs }, "workspace listener lost its connection; reconnecting");
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect().then(
        () => options.onReconnect(),
        () => undefined,
      );
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, 30_000);
  };

  const connect = (): Promise<void> => {
    starting ??= (async () => {
      const c = await pool.connect();
      c.on("error", (err) => lost(c, err));
      c.on("end", () => lost(c));
      client = c;
      try {
        await listenWorkspaceChanged(c, options.settings.schema, options.onChange);
      } catch (err) {
        lost(c, err as Error);
        throw err;
      }
      retryMs = 1000;
    })().catch((err: unknown) => {
      starting = undefined;
      if (client === undefined && !closed && retryTimer === undefined) {
        // The connection could not be opened: try again later, as after a loss.
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          connect().then(
            () => options.onReconnect(),
            () => undefined,
          );
        }, retryMs);
        retryTimer.unref();
        retryMs = Math.min(retryMs * 2, 30_000);
      }
      throw err;
    });
    return starting;
  };

  return {
    ready() {
      if (closed) return Promise.reject(new Error("the workspace listener is closed"));
      return connect();
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await starting?.catch(() => undefined);
      const c = client;
      client = undefined;
      c?.release(true);
      await pool.end();
    },
  };
}
