import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { createSqsClient, ensureQueue, openWorkQueue } from "@homeward/sqs";
import { isolation } from "@homeward/testing";
import { describe, expect, it } from "vitest";

describe("SQS (real ElasticMQ)", () => {
  it("sends, receives, changes visibility, deletes, and redrives to the DLQ after maxReceiveCount", async () => {
    const iso = isolation("sqs");
    const client = createSqsClient(iso.settings.sqs);
    const spec = { name: "alerts", visibilityTimeoutSeconds: 30, maxReceiveCount: 2, retentionSeconds: 3600 };
    const { url, dlqUrl } = await ensureQueue(client, spec, iso.queuePrefix);
    expect(url).toMatch(new RegExp(`${iso.id}-alerts$`));
    expect(await ensureQueue(client, spec, iso.queuePrefix)).toEqual({ url, dlqUrl });
    const queue = openWorkQueue(client, url);
    const dlq = openWorkQueue(client, dlqUrl);

    // Happy path: receive, then delete; nothing comes back.
    await queue.send('{"delivery":"ok"}', { attributes: { idempotencyKey: "k1" } });
    const [first] = await queue.receive({ waitSeconds: 5 });
    expect(first?.body).toBe('{"delivery":"ok"}');
    expect(first?.attributes).toEqual({ idempotencyKey: "k1" });
    expect(first?.receiveCount).toBe(1);
    if (first === undefined) throw new Error("unreachable");
    await queue.delete(first.receiptHandle);

    // A message that keeps failing: each receive without delete counts; the third goes to the DLQ.
    await queue.send('{"delivery":"always fails"}');
    for (const expected of [1, 2]) {
      const [m] = await queue.receive({ waitSeconds: 5 });
      expect(m?.receiveCount).toBe(expected);
      if (m === undefined) throw new Error("unreachable");
      await queue.changeVisibility(m.receiptHandle, 0); // retry now
    }
    expect(await queue.receive({ waitSeconds: 1 })).toEqual([]);
    // What the notifier's homeward_sqs_messages gauge reads: the dead letter waits in the DLQ.
    expect(await dlq.depth()).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
    await queue.send('{"delivery":"later"}', { delaySeconds: 60 });
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
    const [dead] = await dlq.receive({ waitSeconds: 5 });
    expect(dead?.body).toBe('{"delivery":"always fails"}');
    client.destroy();
  });

  it("ensureQueue converges a queue that exists with other attributes instead of failing the service's start", async () => {
    const iso = isolation("sqsconverge");
    const client = createSqsClient(iso.settings.sqs);
    const spec = { name: "alerts", visibilityTimeoutSeconds: 30, maxReceiveCount: 2, retentionSeconds: 3600 };
    await ensureQueue(client, { ...spec, visibilityTimeoutSeconds: 5 }, iso.queuePrefix);
    const { url } = await ensureQueue(client, spec, iso.queuePrefix);
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["VisibilityTimeout"] }),
    );
    expect(Attributes?.VisibilityTimeout).toBe("30");
  });
});
