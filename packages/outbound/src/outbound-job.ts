import { z } from "zod";
import { EndpointKind } from "./endpoint.ts";

/**
 * What an outbound delivery goes to: an endpoint of one of these kinds, or a FHIR Subscription's
 * rest-hook (`fhir_subscription`), whose event notifications travel the same queue.
 */
export const OutboundChannel = z.enum([...EndpointKind.options, "fhir_subscription"]);
export type OutboundChannel = z.infer<typeof OutboundChannel>;

/**
 * SQS `homeward-outbound`: one delivery to an organization's system to do. Ids only: the worker reads
 * the row (payload, endpoint, state), so the queue holds no PHI and a stale job is recognized.
 */
export const OutboundJob = z
  .object({
    schemaVersion: z.literal(1),
    /** The idempotency key: outbound_deliveries' primary key. */
    deliveryId: z.string().min(1),
    kind: OutboundChannel,
    purpose: z.enum(["notification", "retraction"]),
    enqueuedAt: z.iso.datetime({ offset: true }),
  })
  .meta({
    title: "OutboundJob v1",
    description: "One delivery to an outbound endpoint, on the SQS outbound queue.",
  });
export type OutboundJob = z.infer<typeof OutboundJob>;

/** The outbound queue: its own, so a slow EHR interface never holds up email and pages. */
export const OUTBOUND_QUEUE = {
  name: "homeward-outbound",
  visibilityTimeoutSeconds: 60,
  maxReceiveCount: 8,
  retentionSeconds: 4 * 24 * 3600,
} as const;
