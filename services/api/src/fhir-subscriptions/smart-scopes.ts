/**
 * SMART v2 system scopes for Homeward's FHIR API: `system/Subscription.<permissions>`, the letters
 * of `cruds` in that order (create, read, update, delete, search), as SMART App Launch 2 writes them,
 * and `system/Encounter.r` / `system/Patient.r` to read the resources a notification names (Homeward
 * serves nothing else on them). A client is registered with the scopes it may have; a token asks for
 * some of them and gets exactly those it asked for, when every letter is allowed.
 */

import { ApiError } from "../errors.ts";

export type Permission = "c" | "r" | "u" | "d" | "s";

/** The resource types a client may be granted scopes on, and the permissions each has. */
const RESOURCES: Readonly<Record<string, readonly Permission[]>> = {
  Subscription: ["c", "r", "u", "d", "s"],
  // Read only: the notified Encounter and Patient (GET /Encounter/:id, /Patient/:id).
  Encounter: ["r"],
  Patient: ["r"],
};
const SCOPE = /^system\/([A-Za-z]+)\.(c?r?u?d?s?)$/;

/** Every scope Homeward knows, widest first (the smart-configuration lists them). */
export const SUPPORTED_SCOPES = [
  "system/Subscription.cruds",
  "system/Subscription.rs",
  "system/Encounter.r",
  "system/Patient.r",
] as const;
export const DEFAULT_CLIENT_SCOPES = ["system/Subscription.cruds"];

/** A scope's resource type and permissions, or undefined when it is not one of ours. */
export function parseScope(scope: string): { resource: string; permissions: Set<Permission> } | undefined {
  const m = SCOPE.exec(scope);
  if (m === null) return undefined;
  const [, resource = "", letters = ""] = m;
  const allowed = Object.hasOwn(RESOURCES, resource) ? RESOURCES[resource] : undefined;
  const permissions = letters.split("") as Permission[];
  if (letters === "" || allowed === undefined || !permissions.every((p) => allowed.includes(p)))
    return undefined;
  return { resource, permissions: new Set(permissions) };
}

/**
 * The scopes to grant for a token request (space-separated), or undefined when any asked-for scope
 * is unknown or wider than the client's registration (OAuth `invalid_scope`).
 */
export function grantScopes(requested: string, allowed: readonly string[]): string[] | undefined {
  const asked = requested.split(" ").filter((s) => s !== "");
  if (asked.length === 0) return undefined;
  const granted: string[] = [];
  for (const scope of asked) {
    const want = parseScope(scope);
    if (want === undefined) return undefined;
    const fits = allowed.some((a) => {
      const have = parseScope(a);
      return (
        have !== undefined &&
        have.resource === want.resource &&
        [...want.permissions].every((p) => have.permissions.has(p))
      );
    });
    if (!fits) return undefined;
    if (!granted.includes(scope)) granted.push(scope);
  }
  return granted;
}

/**
 * A registered client's token must carry the SMART scope for what a route does (403
 * `insufficient_scope` otherwise); users of the organization pass by their role.
 */
export function requireScope(
  principal: { role: string; scopes?: readonly string[] },
  resource: string,
  permission: Permission,
): void {
  if (principal.role === "fhir_client" && !scopesAllow(principal.scopes ?? [], resource, permission))
    throw new ApiError(
      403,
      "insufficient_scope",
      `the token's scopes do not allow this (system/${resource}.${permission})`,
    );
}

/** Whether granted scopes allow one permission on a resource type. */
export const scopesAllow = (granted: readonly string[], resource: string, permission: Permission) =>
  granted.some((g) => {
    const s = parseScope(g);
    return s !== undefined && s.resource === resource && s.permissions.has(permission);
  });
