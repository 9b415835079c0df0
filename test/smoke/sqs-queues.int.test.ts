import { CreateQueueCommand } from "@aws-sdk/client-sqs";
import { parseEnv, StackEnv, stackSettingsFromEnv } from "@homeward/config";
import { createSqsClient, ensureQueue, HOMEWARD_QUEUES, openWorkQueue, resolveQueue } from "@homeward/sqs";
import { isolation } from "@homeward/testing";
import { describe, expect, it } from "vitest";

const alerts = HOMEWARD_QUEUES.find((q) => q.name === "homeward-alerts");
if (alerts === undefined) throw new Error("homeward-alerts spec missing");

describe("SQS queues made beforehand (real ElasticMQ)", () => {
  it("are used as given when SQS_ALERTS_QUEUE_URL/SQS_ALERTS_DLQ_URL name them and their redrive policy fits", async () => {
    const iso = isolation("sqsmade");
    const endpoint = iso.settings.sqs.endpoint ?? "";
    // The operator's queues (as Terraform would make them): another name than Homeward's own.
    const made = await ensureQueue(createSqsClient(iso.settings.sqs), alerts, `${iso.queuePrefix}-ops`);
    const sqs = stackSettingsFromEnv(
      parseEnv(StackEnv, {
        SQS_ENDPOINT: endpoint,
        SQS_ALERTS_QUEUE_URL: made.url,
        SQS_ALERTS_DLQ_URL: made.dlqUrl,
      }),
    ).sqs;
    const client = createSqsClient(sqs);
    expect(await resolveQueue(client, alerts, sqs)).toEqual(made);
    const queue = openWorkQueue(client, made.url);
    await queue.send('{"delivery":"given queue"}');
    expect((await queue.receive({ waitSeconds: 5 })).map((m) => m.body)).toEqual([
      '{"delivery":"given queue"}',
    ]);
    client.destroy();
  });

  it("stop the start when their redrive policy is missing or moves jobs on another receive than DELIVERY_MAX_ATTEMPTS", async () => {
    const iso = isolation("sqsbad");
    const client = createSqsClient(iso.settings.sqs);
    const made = await ensureQueue(client, alerts, iso.queuePrefix);
    const queueUrls = { "homeward-alerts": made };
    await expect(
      resolveQueue(
        client,
        { ...alerts, maxReceiveCount: alerts.maxReceiveCount + 2 },
        { queuePrefix: "", queueUrls },
      ),
    ).rejects.toThrow(
      /redrive policy is .*"maxReceiveCount":6.* it needs a redrive policy .*"maxReceiveCount":8/,
    );
    const bare = await client.send(new CreateQueueCommand({ QueueName: `${iso.queuePrefix}-bare` }));
    await expect(
      resolveQueue(client, alerts, {
        queuePrefix: "",
        queueUrls: { "homeward-alerts": { url: bare.QueueUrl ?? "", dlqUrl: made.dlqUrl } },
      }),
    ).rejects.toThrow(/homeward-alerts queue has no redrive policy/);
    client.destroy();
  });

  it("without URLs, are created under SQS_QUEUE_PREFIX as before", async () => {
    const iso = isolation("sqsprefix");
    const client = createSqsClient(iso.settings.sqs);
    const { url, dlqUrl } = await resolveQueue(client, alerts, iso.settings.sqs);
    expect(url).toMatch(new RegExp(`/${iso.queuePrefix}-homeward-alerts$`));
    expect(dlqUrl).toMatch(new RegExp(`/${iso.queuePrefix}-homeward-alerts-dlq$`));
    client.destroy();
  });
});
