import type { Pool } from "@homeward/db";
import type { ProtocolsFile } from "@homeward/protocols";
import type { FastifyReply, FastifyRequest } from "fastify";
import { canReadOrganization, type Principal, type Role } from "../auth/principal.ts";
import { CSV_CONTENT_TYPE, csvAttachment } from "./csv.ts";

/** What the report routes need from the composition root. */
export interface ReportDeps {
  pool: Pool;
  /**
   * Records that the caller read these patients' data (the misses list names patients). Awaited
   * before the list is sent: when the audit log cannot be written, nothing is disclosed.
   */
  audit?: (request: FastifyRequest, patientIds: string[]) => Promise<void>;
  /** The clock ("is the window still open?"); tests pin it. Defaults to the system clock. */
  now?: () => Date;
  /**
   * The protocols in force (PROTOCOLS_FILE, as the notifier reads it): the measures' default windows
   * and the one definition of "high-risk". Defaults to DEFAULT_PROTOCOLS.
   */
  protocols?: ProtocolsFile;
}

/** Quality measures are for quality staff and admins; a care manager works tasks, not reports. */
const REPORT_ROLES: ReadonlySet<Role> = new Set<Role>(["quality", "practice_admin", "system_admin"]);

const refuse = (reply: FastifyReply, status: 401 | 403, code: string, message: string) =>
  reply.code(status).send({ error: { code, message } });

/**
 * onRequest of every report route (after the app's auth hook set the principal, before the query is
 * even validated): only roles that read reports get further, so a care manager learns nothing, not
 * even which parameters a report takes.
 */
export async function requireReportRole(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const principal = request.principal as Principal | undefined;
  if (principal === undefined) return refuse(reply, 401, "unauthorized", "sign in to read reports");
  if (!REPORT_ROLES.has(principal.role)) {
    return refuse(reply, 403, "forbidden", "reports are for quality staff and administrators");
  }
  return undefined;
}

/**
 * preHandler of every report route (the query is valid by then): an organization named in the query
 * must be one the caller may read. Naming another practice is refused outright rather than answered
 * with an empty report, which would read as "that practice had no events".
 */
export async function requireReadableOrganization(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const requested = (request.query as { organizationId?: unknown } | undefined)?.organizationId;
  if (typeof requested === "string" && !canReadOrganization(request.principal, requested)) {
    return refuse(reply, 403, "forbidden", "that organization is outside your access");
  }
  return undefined;
}

/** Route options every report shares: who may read it. */
export const reportRouteOptions = {
  onRequest: requireReportRole,
  preHandler: requireReadableOrganization,
} as const;

/** Sends an export: text/csv, as a download named after the report and its parameters. */
export function sendCsv(reply: FastifyReply, baseName: string, body: string): FastifyReply {
  return reply.type(CSV_CONTENT_TYPE).header("content-disposition", csvAttachment(baseName)).send(body);
}
