import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv, regionOfQueueUrl, StackEnv, stackSettingsFromEnv } from "./index.ts";

function problems(env: Record<string, string>): string[] {
  try {
    parseEnv(StackEnv, env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
}
const sqs = (env: Record<string, string>) => stackSettingsFromEnv(parseEnv(StackEnv, env)).sqs;
const QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/homeward-alerts";
const DLQ = "https://sqs.eu-west-1.amazonaws.com/123456789012/homeward-alerts-dlq";

describe("SQS settings", () => {
  it("need no credentials: AWS_ACCESS_KEY_ID is not a variable of Homeward's, the SDK's chain finds them", () => {
    expect(sqs({ AWS_REGION: "eu-west-1" })).toEqual({ region: "eu-west-1", queuePrefix: "" });
    expect(sqs({ SQS_ENDPOINT: "http://127.0.0.1:9324", SQS_QUEUE_PREFIX: "dev" })).toEqual({
      endpoint: "http://127.0.0.1:9324",
      region: "us-east-1",
      queuePrefix: "dev",
    });
  });

  it("take the URLs of queues made beforehand, as a pair", () => {
    expect(
      sqs({ AWS_REGION: "eu-west-1", SQS_ALERTS_QUEUE_URL: QUEUE, SQS_ALERTS_DLQ_URL: DLQ }).queueUrls,
    ).toEqual({
      "homeward-alerts": { url: QUEUE, dlqUrl: DLQ },
    });
    expect(problems({ AWS_REGION: "eu-west-1", SQS_ALERTS_QUEUE_URL: QUEUE })).toEqual([
      "SQS_ALERTS_DLQ_URL is not set: a queue and its dead-letter queue are given together (SQS_ALERTS_QUEUE_URL, SQS_ALERTS_DLQ_URL)",
    ]);
  });

  it("refuse a queue in another region than AWS_REGION, and a prefix that would be ignored", () => {
    const outbound = {
      SQS_OUTBOUND_QUEUE_URL: QUEUE.replace("alerts", "outbound"),
      SQS_OUTBOUND_DLQ_URL: DLQ.replace("alerts", "outbound"),
    };
    expect(
      problems({
        SQS_ALERTS_QUEUE_URL: QUEUE,
        SQS_ALERTS_DLQ_URL: DLQ,
        ...outbound,
        SQS_QUEUE_PREFIX: "prod",
      })
        .filter((p) => !p.startsWith("SQS_OUTBOUND"))
        .sort(),
    ).toEqual([
      "SQS_ALERTS_DLQ_URL is invalid: is a queue in another region than AWS_REGION; requests would be signed for the wrong region",
      "SQS_ALERTS_QUEUE_URL is invalid: is a queue in another region than AWS_REGION; requests would be signed for the wrong region",
      "SQS_QUEUE_PREFIX is invalid: is not used when every queue is named by its URL; unset one",
    ]);
    // One queue made beforehand, the other created under the prefix: both used.
    expect(
      sqs({ AWS_REGION: "eu-west-1", ...outbound, SQS_QUEUE_PREFIX: "prod" }).queueUrls?.[
        "homeward-outbound"
      ],
    ).toEqual({ url: outbound.SQS_OUTBOUND_QUEUE_URL, dlqUrl: outbound.SQS_OUTBOUND_DLQ_URL });
  });

  it("read the region of each form of an AWS queue URL, and none of a local one", () => {
    expect(regionOfQueueUrl(QUEUE)).toBe("eu-west-1");
    expect(regionOfQueueUrl("https://eu-central-1.queue.amazonaws.com/1/q")).toBe("eu-central-1");
    expect(regionOfQueueUrl("https://queue.amazonaws.com/1/q")).toBe("us-east-1");
    expect(regionOfQueueUrl("https://sqs.cn-north-1.amazonaws.com.cn/1/q")).toBe("cn-north-1");
    expect(regionOfQueueUrl("http://127.0.0.1:9324/000000000000/q")).toBeUndefined();
  });
});
