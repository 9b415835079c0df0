import { z } from "zod";

const httpUrl = z
  .string()
  .refine((v) => URL.canParse(v) && ["http:", "https:"].includes(new URL(v).protocol), {
    message: "must be a URL starting with http: or https:",
  });

/**
 * Queues made beforehand (Terraform, CloudFormation), by the base name of the queue Homeward would
 * otherwise create: the service then creates nothing and only checks their redrive policy.
 */
export interface SqsQueueUrls {
  url: string;
  dlqUrl: string;
}

/**
 * The SQS variables beside SQS_ENDPOINT, SQS_QUEUE_PREFIX and AWS_REGION (StackEnv): the URLs of
 * queues an operator made. Credentials are never variables of Homeward's: the AWS SDK's default
 * provider chain finds them (AWS_ACCESS_KEY_ID…, a profile, web identity, the ECS task role, the
 * EC2 instance role); against a local endpoint such as ElasticMQ none are needed.
 */
export const SqsEnvShape = {
  SQS_ALERTS_QUEUE_URL: httpUrl.optional(),
  SQS_ALERTS_DLQ_URL: httpUrl.optional(),
  SQS_OUTBOUND_QUEUE_URL: httpUrl.optional(),
  SQS_OUTBOUND_DLQ_URL: httpUrl.optional(),
};

/** Each queue Homeward would create, by base name, and the variables naming one made beforehand. */
const QUEUE_VARIABLES = {
  "homeward-alerts": ["SQS_ALERTS_QUEUE_URL", "SQS_ALERTS_DLQ_URL"],
  "homeward-outbound": ["SQS_OUTBOUND_QUEUE_URL", "SQS_OUTBOUND_DLQ_URL"],
} as const;

type SqsEnv = z.output<z.ZodObject<typeof SqsEnvShape>> & {
  SQS_ENDPOINT?: string | undefined;
  SQS_QUEUE_PREFIX: string;
  AWS_REGION: string;
};
type Variable = keyof SqsEnv;
type Problem = { message: string; path: [Variable] };

/** The region in an AWS queue URL's host (`sqs.eu-west-1.amazonaws.com`, `eu-west-1.queue.amazonaws.com`). */
export function regionOfQueueUrl(url: string): string | undefined {
  const host = new URL(url).hostname;
  const match =
    /^sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host) ??
    /^([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?$/.exec(host);
  if (match !== null) return match[1];
  return host === "queue.amazonaws.com" ? "us-east-1" : undefined;
}

/**
 * What cannot work, each problem naming its variable and never a value: a queue without its
 * dead-letter queue, a prefix that would be ignored, a queue in another region than the one the
 * client signs for.
 */
export function sqsEnvProblems(env: SqsEnv): Problem[] {
  const problems: Problem[] = [];
  const add = (variable: Variable, message: string) => problems.push({ message, path: [variable] });
  for (const [queue, dlq] of Object.values(QUEUE_VARIABLES))
    if ((env[queue] === undefined) !== (env[dlq] === undefined))
      add(
        env[queue] === undefined ? queue : dlq,
        `a queue and its dead-letter queue are given together (${queue}, ${dlq})`,
      );
  const given = Object.values(QUEUE_VARIABLES).filter(([queue]) => env[queue] !== undefined);
  if (given.length === Object.keys(QUEUE_VARIABLES).length && env.SQS_QUEUE_PREFIX !== "")
    add("SQS_QUEUE_PREFIX", "is not used when every queue is named by its URL; unset one");
  for (const name of Object.values(QUEUE_VARIABLES).flat()) {
    const url = env[name];
    if (url === undefined) continue;
    const region = regionOfQueueUrl(url);
    if (region !== undefined && region !== env.AWS_REGION)
      add(
        name,
        "is a queue in another region than AWS_REGION; requests would be signed for the wrong region",
      );
  }
  return problems;
}

/** StackEnv's check: `sqsEnvProblems`, once every SQS variable is valid on its own. */
export function checkSqsEnv(payload: z.core.ParsePayload<SqsEnv>): void {
  const mine = (name: string) => name.startsWith("SQS_") || name === "AWS_REGION";
  if (payload.issues.some((issue) => mine(String(issue.path?.[0] ?? "")))) return;
  for (const problem of sqsEnvProblems(payload.value))
    payload.issues.push({ code: "custom", input: payload.value, ...problem });
}

/** The queues an operator made, by base queue name; none when Homeward creates them all. */
export function sqsQueueUrls(env: SqsEnv): Record<string, SqsQueueUrls> | undefined {
  const made: Record<string, SqsQueueUrls> = {};
  for (const [name, [queue, dlq]] of Object.entries(QUEUE_VARIABLES)) {
    const url = env[queue];
    const dlqUrl = env[dlq];
    if (url !== undefined && dlqUrl !== undefined) made[name] = { url, dlqUrl };
  }
  return Object.keys(made).length === 0 ? undefined : made;
}
