import type { Logger } from "@homeward/logger";
import type { ReceivedMessage, WorkQueue } from "@homeward/sqs";

/**
 * Runs `concurrency` long-polling loops over `queue` until stopped: the alerts' and the outbound
 * channels' delivery workers. The jobs of one receive go out side by side (each holds its own
 * lease), so a slow SMTP or EHR round trip does not hold up the other nine. A job whose handling
 * throws stays on the queue and comes back after its visibility timeout.
 */
export function runQueueWorkers(options: {
  queue: WorkQueue;
  concurrency: number;
  pollSeconds: number;
  visibilityTimeoutSeconds: number;
  logger: Logger;
  /** For the log lines: "alerts", "outbound". */
  name: string;
  handle: (message: ReceivedMessage) => Promise<void>;
}): { stop(): Promise<void> } {
  const { queue, logger, name, handle } = options;
  let stopping = false;
  const loop = async () => {
    while (!stopping) {
      try {
        const messages = await queue.receive({
          max: 10,
          waitSeconds: options.pollSeconds,
          visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
        });
        await Promise.all(
          messages.map(async (m) => {
            try {
              await handle(m);
            } catch (err) {
              logger.error({ err, messageId: m.id }, `${name} job failed unexpectedly`);
            }
          }),
        );
      } catch (err) {
        logger.error({ err }, `${name} queue receive failed`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };
  const loops = Array.from({ length: options.concurrency }, loop);
  return {
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}
