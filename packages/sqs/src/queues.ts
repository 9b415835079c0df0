import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";

export interface QueueSpec {
  name: string;
  visibilityTimeoutSeconds: number;
  /** After this many receives without a delete, SQS moves the message to `${name}-dlq`. */
  maxReceiveCount: number;
  /** How long an undelivered message is kept (the DLQ keeps its messages 14 days). */
  retentionSeconds: number;
}

/** The delivery work queue; each has a dead-letter queue named `<name>-dlq`. */
export const HOMEWARD_QUEUES: readonly QueueSpec[] = [
  {
    name: "homeward-alerts",
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: 6,
    retentionSeconds: 4 * 24 * 3600,
  },
];

export function queueName(prefix: string, base: string): string {
  return prefix === "" ? base : `${prefix}-${base}`;
}

/**
 * Creates the queue and its dead-letter queue (idempotent: CreateQueue with the same attributes
 * returns the existing queue). Returns both URLs.
 */
export async function ensureQueue(
  client: SQSClient,
  spec: QueueSpec,
  prefix = "",
): Promise<{ url: string; dlqUrl: string }> {
  const name = queueName(prefix, spec.name);
  const dlq = await client.send(
    new CreateQueueCommand({ QueueName: `${name}-dlq`, Attributes: { MessageRetentionPeriod: "1209600" } }),
  );
  const dlqUrl = dlq.QueueUrl;
  if (dlqUrl === undefined) throw new Error(`SQS returned no URL for ${name}-dlq`);
  const attrs = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }),
  );
  const dlqArn = attrs.Attributes?.QueueArn;
  if (dlqArn === undefined) throw new Error(`SQS returned no ARN for ${name}-dlq`);
  const attributes = {
    VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(spec.retentionSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: spec.maxReceiveCount }),
  };
  const url = await createOrConverge(client, name, attributes);
  return { url, dlqUrl };
}

/**
 * CreateQueue, or, when the queue exists with other attributes (SQS then answers
 * QueueNameExists / QueueAlreadyExists; an endpoint may also store an attribute in another
 * spelling), sets this code's attributes on it: a deploy converges the queue to what it says.
 */
async function createOrConverge(client: SQSClient, name: string, attributes: Record<string, string>) {
  try {
    const queue = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (queue.QueueUrl === undefined) throw new Error(`SQS returned no URL for ${name}`);
    return queue.QueueUrl;
  } catch (err) {
    const code = (err as { name?: string }).name ?? "";
    if (code !== "QueueNameExists" && code !== "QueueAlreadyExists") throw err;
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: name }));
    if (QueueUrl === undefined) throw new Error(`SQS returned no URL for ${name}`);
    await client.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
    return QueueUrl;
  }
}

/**
 * The queue and dead-letter queue a service works with: the ones an operator made when their URLs
 * are given (SQS_ALERTS_QUEUE_URL and SQS_ALERTS_DLQ_URL, SQS_OUTBOUND_…), else `ensureQueue`'s. Queues made
 * beforehand are not changed, only checked: the delivery workers count on SQS moving a job to
 * the dead-letter queue on exactly its `maxReceiveCount`th receive, so a queue whose redrive
 * policy says otherwise stops the start (a job would go dead early or never).
 */
export async function resolveQueue(
  client: SQSClient,
  spec: QueueSpec,
  settings: { queuePrefix: string; queueUrls?: Record<string, { url: string; dlqUrl: string }> },
): Promise<{ url: string; dlqUrl: string }> {
  const given = settings.queueUrls?.[spec.name];
  if (given === undefined) return ensureQueue(client, spec, settings.queuePrefix);
  await checkRedrivePolicy(client, spec, given);
  return given;
}

async function checkRedrivePolicy(
  client: SQSClient,
  spec: QueueSpec,
  queues: { url: string; dlqUrl: string },
): Promise<void> {
  const attributes = async (url: string, names: ("QueueArn" | "RedrivePolicy")[]) =>
    (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names }))).Attributes ??
    {};
  const { RedrivePolicy } = await attributes(queues.url, ["RedrivePolicy"]);
  const { QueueArn: dlqArn } = await attributes(queues.dlqUrl, ["QueueArn"]);
  const wanted = `a redrive policy {"deadLetterTargetArn":"${dlqArn}","maxReceiveCount":${spec.maxReceiveCount}}`;
  if (RedrivePolicy === undefined)
    throw new Error(`${spec.name} queue has no redrive policy; it needs ${wanted}`);
  const policy = JSON.parse(RedrivePolicy) as {
    deadLetterTargetArn?: string;
    maxReceiveCount?: number | string;
  };
  if (policy.deadLetterTargetArn !== dlqArn || Number(policy.maxReceiveCount) !== spec.maxReceiveCount)
    throw new Error(
      `${spec.name} queue's redrive policy is ${RedrivePolicy}; it needs ${wanted} (maxReceiveCount is DELIVERY_MAX_ATTEMPTS)`,
    );
}
