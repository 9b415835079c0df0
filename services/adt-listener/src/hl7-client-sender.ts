import { Client, Message } from "node-hl7-client";

/** Resolves when `done()` is true (checked every 10 ms), or rejects after `timeoutMs`. */
async function until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Sends messages over MLLP with node-hl7-client (our client in tests and tools) and collects
 * the ACKs. It waits for the connection and for each ACK before the next send: node-hl7-client
 * 3.2 opens a second socket for a message queued before `connect`, and its queue flush spins
 * forever when a message is queued while an ACK is awaited (both seen here).
 */
export async function sendWithHl7Client(
  port: number,
  messages: string[],
  timeoutMs = 15_000,
  host = "127.0.0.1",
): Promise<string[]> {
  const acks: string[] = [];
  const client = new Client({ host });
  const connection = client.createConnection({ port, waitAck: true }, async (res) => {
    acks.push(res.getMessage().toString());
  });
  try {
    await new Promise<void>((resolve) => connection.on("connect", () => resolve()));
    for (const [i, text] of messages.entries()) {
      await connection.sendMessage(new Message({ text }));
      await until(`ACK ${i + 1} of ${messages.length}`, () => acks.length > i, timeoutMs);
    }
  } finally {
    await connection.close();
  }
  return acks;
}
