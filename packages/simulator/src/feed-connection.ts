import { Client, type Connection, Message } from "node-hl7-client";

/** A persistent MLLP connection that sends one message at a time and waits for its ACK. */
export interface FeedConnection {
  /** Sends `text` and resolves with the ACK's text, or `undefined` if none came within `timeoutMs`. */
  send(text: string, controlId: string, timeoutMs: number): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface FeedConnectionOptions {
  host: string;
  port: number;
  /** How long to keep trying to connect (the listener may still be starting). */
  connectTimeoutMs: number;
  /** Called before each new connection attempt after the first (no PHI: attempt number only). */
  onRetry?: (attempt: number) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** MSA-2 of an ACK: the control id it acknowledges. */
function acknowledgedId(ack: string): string | undefined {
  const msa = ack.split(/\r\n|\r|\n/).find((s) => s.startsWith("MSA"));
  return msa?.split(msa.charAt(3))[2];
}

interface Open {
  client: Client;
  connection: Connection;
}

/**
 * One node-hl7-client connection, or `undefined` if it did not connect within `waitMs`. The
 * library (3.2) retries a refused connection only when `connectionTimeout` is set, and then also
 * drops idle connections, so we retry ourselves with a fresh client per attempt.
 */
async function connectOnce(
  host: string,
  port: number,
  waitMs: number,
  onAck: (ack: string) => void,
): Promise<Open | undefined> {
  const client = new Client({ host });
  const connection = client.createConnection(
    { port, waitAck: true, maxConnectionAttempts: 1 },
    async (res) => {
      onAck(res.getMessage().toString());
    },
  );
  connection.on("client.error", () => {});
  const connected = await Promise.race([
    new Promise<boolean>((resolve) => connection.once("connect", () => resolve(true))),
    sleep(waitMs).then(() => false),
  ]);
  if (connected) return { client, connection };
  await connection.close();
  return undefined;
}

/**
 * Opens the connection, retrying until `connectTimeoutMs`. It never queues a message behind an
 * unanswered one: node-hl7-client 3.2's queue flush spins when a message is queued while an ACK is
 * awaited (see hl7-client-sender.ts), so after an ACK timeout the connection is replaced instead.
 */
export async function openFeedConnection(options: FeedConnectionOptions): Promise<FeedConnection> {
  const waiting = new Map<string, (ack: string) => void>();
  const onAck = (ack: string) => {
    const id = acknowledgedId(ack);
    if (id !== undefined) waiting.get(id)?.(ack);
  };
  const connect = async (): Promise<Open> => {
    const deadline = Date.now() + options.connectTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      const open = await connectOnce(options.host, options.port, 2_000, onAck);
      if (open !== undefined) return open;
      if (Date.now() > deadline)
        throw new Error(
          `could not connect to ${options.host}:${options.port} within ${options.connectTimeoutMs} ms`,
        );
      options.onRetry?.(attempt);
      await sleep(1_000);
    }
  };
  let current: Open | undefined = await connect();
  return {
    async send(text, controlId, timeoutMs) {
      current ??= await connect();
      const { connection } = current;
      const ack = new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), timeoutMs);
        waiting.set(controlId, (a) => {
          clearTimeout(timer);
          resolve(a);
        });
      });
      await connection.sendMessage(new Message({ text }));
      const answer = await ack;
      waiting.delete(controlId);
      if (answer === undefined) {
        await connection.close();
        current = undefined;
      }
      return answer;
    },
    async close() {
      await current?.connection.close();
      current = undefined;
    },
  };
}
