import { FeedWatch } from "@homeward/facilities";
import { z } from "zod";
import { DbId } from "../schemas.ts";

const Counts = z.object({ accepted: z.number().int(), errors: z.number().int(), rejected: z.number().int() });
const ErrorCount = z.object({
  /** ERR-3 code, HL7 table 0357 (101 required field missing, 204 unknown key, 207 application error…). */
  code: z.string(),
  text: z.string(),
  count: z.number().int(),
});

export const FeedOverviewOut = z
  .object({
    from: z.string(),
    to: z.string(),
    hours: z.array(z.string()),
    facilities: z.array(
      z.object({
        sendingFacility: z.string(),
        displayName: z.string().nullable(),
        configured: z.boolean(),
        active: z.boolean(),
        facilityIds: z.array(DbId),
        applications: z.array(z.string()),
        lastMessageAt: z.string().nullable(),
        connectedNow: z.number().int(),
        totals: Counts,
        perHour: z.array(Counts),
        topErrors: z.array(ErrorCount),
        watch: FeedWatch.nullable(),
        alarm: z
          .object({
            id: DbId,
            openedAt: z.string(),
            lastMessageAt: z.string().nullable(),
            notifiedAt: z.string().nullable(),
          })
          .nullable(),
        connections: z.array(
          z.object({
            listenerId: z.string(),
            remoteAddress: z.string(),
            connected: z.boolean(),
            connectedSince: z.string().nullable(),
            tls: z.boolean().nullable(),
            lastMessageAt: z.string().nullable(),
            totals: Counts,
            topErrors: z.array(ErrorCount),
          }),
        ),
      }),
    ),
    alarms: z.array(
      z.object({
        id: DbId,
        facilityId: DbId,
        sendingFacility: z.string(),
        displayName: z.string().nullable(),
        openedAt: z.string(),
        lastMessageAt: z.string().nullable(),
        contactEmail: z.string().nullable(),
        notifiedAt: z.string().nullable(),
        notifyAttempts: z.number().int(),
        notifyError: z.string().nullable(),
        clearedAt: z.string().nullable(),
        clearedByMessageAt: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "FeedOverview" });

export const ExceptionStatus = z.enum(["open", "handled", "resend_requested", "resent", "resend_failed"]);

export const FeedExceptionOut = z
  .object({
    id: DbId,
    kind: z.enum(["rejected", "unmatched"]),
    sendingFacility: z.string().nullable(),
    sendingApplication: z.string().nullable(),
    controlId: z.string().nullable(),
    messageType: z.string().nullable(),
    receivedAt: z.string(),
    decidedAt: z.string(),
    ackCode: z.string().nullable(),
    errorCode: z.string().nullable(),
    reason: z.string(),
    unmatchedReason: z.enum(["no-match", "review"]).nullable(),
    eventId: z.string().nullable(),
    eventKind: z.string().nullable(),
    truncated: z.boolean(),
    status: ExceptionStatus,
    handledAt: z.string().nullable(),
    handledBy: z.string().nullable(),
    handledNote: z.string().nullable(),
    resendRequestedAt: z.string().nullable(),
    resendRequestedBy: z.string().nullable(),
    resentAt: z.string().nullable(),
    resentEventId: z.string().nullable(),
    resendError: z.string().nullable(),
  })
  .meta({ id: "FeedException" });

export const FeedExceptionQuery = z.object({
  kind: z.enum(["rejected", "unmatched"]).optional(),
  /** `unhandled` (default): open, resend requested or failed. */
  status: z
    .enum(["unhandled", "open", "handled", "resend_requested", "resent", "resend_failed", "all"])
    .default("unhandled"),
  facility: z.string().min(1).max(64).optional(),
  /** The next page: exceptions with a smaller id than this. */
  before: DbId.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const FeedExceptionMessageOut = z.object({
  /** The message as received (rejected): its text, segments on lines, and its bytes. */
  raw: z
    .object({
      text: z.string(),
      base64: z.string(),
      charset: z.string().nullable(),
      /** Set when only the start of a message too large to store was kept. */
      truncatedFrom: z.number().int().nullable(),
    })
    .nullable(),
  /** The normalized AdtEvent the matcher could not match (unmatched). */
  event: z.record(z.string(), z.unknown()).nullable(),
});
