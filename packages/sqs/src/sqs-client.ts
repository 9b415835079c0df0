import { SQSClient } from "@aws-sdk/client-sqs";

export interface SqsSettings {
  /** Set for ElasticMQ or another SQS-compatible endpoint; omit for AWS. */
  endpoint?: string;
  region: string;
  /** Static credentials for a local endpoint; omit to use the AWS default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function createSqsClient(settings: SqsSettings): SQSClient {
  return new SQSClient({
    region: settings.region,
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.credentials === undefined
      ? settings.endpoint === undefined
        ? {}
        : { credentials: { accessKeyId: "local", secretAccessKey: "local" } }
      : { credentials: settings.credentials }),
  });
}
