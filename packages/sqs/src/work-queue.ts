import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type QueueAttributeName,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";

export interface ReceivedMessage {
  id: string;
  /** Needed to delete the message or change its visibility; valid for this receive only. */
  receiptHandle: string;
  body: string;
  /** 1 on the first delivery; grows with each redelivery. Drives retry backoff. */
  receiveCount: number;
  attributes: Record<string, string>;
}

/** A queue of side-effecting work (deliveries), as services see it. SDK types stay in this file. */
export interface WorkQueue {
  readonly url: string;
  send(
    body: string,
    options?: { delaySeconds?: number; attributes?: Record<string, string> },
  ): Promise<string>;
  receive(options?: {
    max?: number;
    waitSeconds?: number;
    visibilityTimeoutSeconds?: number;
  }): Promise<ReceivedMessage[]>;
  delete(receiptHandle: string): Promise<void>;
  /** Hides the message for `seconds` more (0 makes it visible now): how retries back off. */
  changeVisibility(receiptHandle: string, seconds: number): Promise<void>;
  /** SQS's approximate counts: waiting, received and not yet deleted, and delayed (retries backing off). */
  depth(): Promise<QueueDepth>;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
}

export function openWorkQueue(client: SQSClient, url: string): WorkQueue {
  return {
    url,
    async send(body, options = {}) {
      const out = await client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: body,
          ...(options.delaySeconds === undefined ? {} : { DelaySeconds: options.delaySeconds }),
          ...(options.attributes === undefined
            ? {}
            : {
                MessageAttributes: Object.fromEntries(
                  Object.entries(options.attributes).map(([k, v]) => [
                    k,
                    { DataType: "String", StringValue: v },
                  ]),
                ),
              }),
        }),
      );
      if (out.MessageId === undefined) throw new Error("SQS returned no MessageId");
      return out.MessageId;
    },
    async receive(options = {}) {
      const out = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: options.max ?? 10,
          WaitTimeSeconds: options.waitSeconds ?? 10,
          ...(options.visibilityTimeoutSeconds === undefined
            ? {}
            : { VisibilityTimeout: options.visibilityTimeoutSeconds }),
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
          MessageAttributeNames: ["All"],
        }),
      );
      return (out.Messages ?? []).flatMap((m) =>
        m.MessageId === undefined || m.ReceiptHandle === undefined
          ? []
          : [
              {
                id: m.MessageId,
                receiptHandle: m.ReceiptHandle,
                body: m.Body ?? "",
                receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? "1"),
                attributes: Object.fromEntries(
                  Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? ""]),
                ),
              },
            ],
      );
    },
    async delete(receiptHandle) {
      await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: receiptHandle }));
    },
    async changeVisibility(receiptHandle, seconds) {
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    },
    async depth() {
      const out = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: [
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
          ],
        }),
      );
      const count = (name: QueueAttributeName) => Number(out.Attributes?.[name] ?? "0");
      return {
        visible: count("ApproximateNumberOfMessages"),
        inFlight: count("ApproximateNumberOfMessagesNotVisible"),
        delayed: count("ApproximateNumberOfMessagesDelayed"),
      };
    },
  };
}
