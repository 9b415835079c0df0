import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { createSqsClient, isAwsEndpoint } from "./sqs-client.ts";

/**
 * What a client would send, signed, without sending it: a middleware at the deserialize step (after
 * signing, before the network) keeps the request and stops there.
 */
async function signedRequest(client: SQSClient, queueUrl: string) {
  let request: { hostname?: string; headers?: Record<string, string> } | undefined;
  client.middlewareStack.add(
    (_next) => async (args) => {
      request = args.request as typeof request;
      throw new Error("captured");
    },
    { step: "deserialize", name: "captureRequest" },
  );
  await expect(
    client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "{}" })),
  ).rejects.toThrow("captured");
  const authorization = request?.headers?.authorization ?? "";
  // AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/sqs/aws4_request, …
  const [, keyId, region] = /Credential=([^/]+)\/\d+\/([^/]+)\/sqs\//.exec(authorization) ?? [];
  return { host: request?.hostname, keyId, region };
}

const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
afterEach(() => {
  for (const [name, value] of [
    ["AWS_ACCESS_KEY_ID", saved.id],
    ["AWS_SECRET_ACCESS_KEY", saved.secret],
  ] as const)
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

/** Keys the SDK's default provider chain finds first (its environment step), as a task role's would be. */
function chainFinds(keyId: string) {
  process.env.AWS_ACCESS_KEY_ID = keyId;
  process.env.AWS_SECRET_ACCESS_KEY = "chain-secret-for-tests";
}

describe("createSqsClient", () => {
  it("against AWS: the queue's regional endpoint, the region's signature, credentials from the default chain", async () => {
    chainFinds("AKIACHAINFOUND");
    const client = createSqsClient({ region: "eu-west-1" });
    expect(
      await signedRequest(client, "https://sqs.eu-west-1.amazonaws.com/123456789012/homeward-alerts"),
    ).toEqual({
      host: "sqs.eu-west-1.amazonaws.com",
      keyId: "AKIACHAINFOUND",
      region: "eu-west-1",
    });
  });

  it("needs no keys to be built: the chain is asked only when a request is signed", () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    expect(() => createSqsClient({ region: "eu-west-1" })).not.toThrow();
  });

  it("against ElasticMQ: that endpoint, with placeholder keys (ElasticMQ checks no signature)", async () => {
    chainFinds("AKIANOTUSED");
    const client = createSqsClient({ endpoint: "http://127.0.0.1:9324", region: "us-east-1" });
    expect(await signedRequest(client, "http://127.0.0.1:9324/000000000000/homeward-alerts")).toEqual({
      host: "127.0.0.1",
      keyId: "local",
      region: "us-east-1",
    });
  });

  it("against an AWS VPC endpoint: that endpoint, and still the default chain's credentials", async () => {
    chainFinds("AKIAVPCENDPOINT");
    const endpoint = "https://vpce-0a1b2c3d-4e5f6a7b.sqs.eu-west-1.vpce.amazonaws.com";
    expect(isAwsEndpoint(endpoint)).toBe(true);
    const client = createSqsClient({ endpoint, region: "eu-west-1" });
    expect(
      await signedRequest(client, "https://sqs.eu-west-1.amazonaws.com/123456789012/homeward-alerts"),
    ).toEqual({
      host: "vpce-0a1b2c3d-4e5f6a7b.sqs.eu-west-1.vpce.amazonaws.com",
      keyId: "AKIAVPCENDPOINT",
      region: "eu-west-1",
    });
  });

  it("tells AWS endpoints from local ones", () => {
    expect(isAwsEndpoint("https://sqs.us-east-1.amazonaws.com")).toBe(true);
    expect(isAwsEndpoint("https://sqs.cn-north-1.amazonaws.com.cn")).toBe(true);
    expect(isAwsEndpoint("http://127.0.0.1:9324")).toBe(false);
    expect(isAwsEndpoint("http://elasticmq:9324")).toBe(false);
    expect(isAwsEndpoint("https://notamazonaws.com")).toBe(false);
  });
});
