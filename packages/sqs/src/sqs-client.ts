import { SQSClient } from "@aws-sdk/client-sqs";

export interface SqsSettings {
  /**
   * SQS_ENDPOINT: ElasticMQ or another SQS-compatible endpoint (the local stack's), or an AWS
   * endpoint such as a VPC interface endpoint; omit for the region's public SQS endpoint.
   */
  endpoint?: string;
  region: string;
  /** Static credentials; omit to use the AWS default provider chain (or none, for a local endpoint). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Whether an endpoint is Amazon's (sqs.<region>.amazonaws.com, a VPC endpoint's *.vpce.amazonaws.com…). */
export function isAwsEndpoint(endpoint: string): boolean {
  return /(^|\.)amazonaws\.com(\.cn)?$/.test(new URL(endpoint).hostname);
}

/** Placeholder keys for a local endpoint, which checks no signature (ElasticMQ). */
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

/**
 * An SQS client for `settings`. Against AWS (no endpoint, or an amazonaws.com one) the credentials
 * come from the SDK's default provider chain: environment keys, a profile, web identity (EKS), the
 * ECS task role or the EC2 instance role; Homeward never requires AWS_ACCESS_KEY_ID. Against
 * another endpoint (ElasticMQ) the client signs with placeholder keys unless given some.
 */
export function createSqsClient(settings: SqsSettings): SQSClient {
  const local = settings.endpoint !== undefined && !isAwsEndpoint(settings.endpoint);
  const credentials = settings.credentials ?? (local ? LOCAL_CREDENTIALS : undefined);
  return new SQSClient({
    region: settings.region,
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(credentials === undefined ? {} : { credentials }),
  });
}
