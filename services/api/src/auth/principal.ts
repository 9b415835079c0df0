/**
 * The roles of the API; each is scoped to organizations except the system admin and the interface
 * analyst (hospital feeds belong to no practice; the only role shown raw HL7, each view audited).
 */
export type UserRole = "care_manager" | "practice_admin" | "quality" | "system_admin" | "interface_analyst";
/**
 * A caller's role: a user's, or `fhir_client`, a registered FHIR client of one organization (SMART
 * Backend Services token), which only the FHIR Subscription routes accept.
 */
export type Role = UserRole | "fhir_client";

/** Who is calling, from a verified token. Set on every authenticated request as `request.principal`. */
export interface Principal {
  /** The user's id (or the API key's name). */
  subject: string;
  role: Role;
  /** Organizations this principal may read; ignored for `system_admin`, who may read all. */
  organizationIds: readonly string[];
  /** The recipient row of a care manager (their tasks are assigned to it). */
  recipientId?: string;
  /** Signed in with a temporary password: nothing but the password change until it is done. */
  mustChangePassword?: boolean;
  /** A FHIR client's granted SMART scopes (`system/Subscription.cruds`); absent for users. */
  scopes?: readonly string[];
}

/** Whether the principal may see data of `organizationId`: a practice never reads another practice's patients. */
export function canReadOrganization(principal: Principal, organizationId: string): boolean {
  return principal.role === "system_admin" || principal.organizationIds.includes(organizationId);
}

/**
 * The organization ids a query must be limited to: undefined = all (system admin), otherwise the
 * principal's organizations (intersected with the requested one when the request names one).
 */
export function organizationScope(principal: Principal, requested?: string): readonly string[] | undefined {
  if (principal.role === "system_admin") return requested === undefined ? undefined : [requested];
  if (requested === undefined) return principal.organizationIds;
  return principal.organizationIds.includes(requested) ? [requested] : [];
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the auth hook on every route except the public ones (login, health, static files). */
    principal: Principal;
  }
}
