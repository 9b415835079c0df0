import { randomBytes, randomInt } from "node:crypto";
import { inTransaction, type PoolClient } from "@homeward/db";
import {
  checkPasswordPolicy,
  createInvitation,
  endUserSessions,
  existingOrganizationIds,
  findUserAccount,
  hashPassword,
  insertUser,
  listUserAccounts,
  recipientInOrganizations,
  setPasswordHash,
  setUserActiveById,
  UNUSABLE_HASH,
  type UserAccount,
  updateUserAccess,
} from "@homeward/directory";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { actorOf, recordAdminAction } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import type { Principal, Role } from "../auth/principal.ts";
import { ApiError, badRequest, conflict, ERROR_RESPONSES, notFound } from "../errors.ts";
import { IdParams } from "../schemas.ts";
import { tokenHashOf } from "./account-routes.ts";
import { Access, Credentials, Method, NewUser, UserOut } from "./user-schemas.ts";

/** How long an invitation link may be used. */
export const INVITATION_HOURS = 72;

/** Roles a practice admin may give: never one that reads every organization or the hospitals' feeds. */
const PRACTICE_GRANTABLE: readonly Role[] = ["care_manager", "practice_admin", "quality"];

/** Roles that belong to no organization. */
const UNSCOPED: readonly Role[] = ["system_admin", "interface_analyst"];

/** A temporary password a person can read out: 16 letters and digits without look-alikes, in fours. */
export function temporaryPassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  for (;;) {
    const groups = Array.from({ length: 4 }, () =>
      Array.from({ length: 4 }, () => alphabet[randomInt(alphabet.length)]).join(""),
    );
    const password = groups.join("-");
    if (checkPasswordPolicy(password).length === 0) return password;
  }
}

const statusOf = (u: UserAccount): z.infer<typeof UserOut>["status"] =>
  !u.active
    ? "disabled"
    : u.invitation !== null
      ? "invited"
      : u.mustChangePassword
        ? "must-change"
        : "active";

/** The user as the caller may see them: their organizations within the caller's, and whether the caller may change them. */
function view(principal: Principal, u: UserAccount): z.infer<typeof UserOut> {
  const system = principal.role === "system_admin";
  const within = (id: string) => system || principal.organizationIds.includes(id);
  const manageable =
    u.id !== principal.subject &&
    (system ||
      (PRACTICE_GRANTABLE.includes(u.role) &&
        u.organizations.length > 0 &&
        u.organizations.every((o) => within(o.id))));
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    active: u.active,
    status: statusOf(u),
    mustChangePassword: u.mustChangePassword,
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
    organizations: u.organizations.filter((o) => within(o.id)),
    recipient:
      u.recipient === null || !within(u.recipient.organizationId)
        ? null
        : { id: u.recipient.id, displayName: u.recipient.displayName },
    invitation: u.invitation,
    manageable,
  };
}

/**
 * Users and their access, for admins: a practice admin invites and manages the users of their own
 * organizations (care managers, practice admins, quality staff); a system admin anyone. A user is
 * invited by a one-time link (they choose their password) or given a temporary password they must
 * change at their first sign-in. Role, organizations and recipient change at once (each request
 * reads the user as they are now); disabling ends their sessions. Every change is audited in the
 * log of each organization it concerns. The users CLI stays for the first system admin.
 */
export const userRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const config = { roles: ADMIN_ROLES };
  const tags = ["admin"];

  /** A user the caller may see (one of their organizations'; a system admin: all), else 404. */
  const visibleUser = async (request: FastifyRequest, id: string): Promise<UserAccount> => {
    const user = await findUserAccount(deps.pool, id, deps.now());
    const p = request.principal;
    if (
      user === undefined ||
      (p.role !== "system_admin" && !user.organizations.some((o) => p.organizationIds.includes(o.id)))
    )
      throw notFound("no such user");
    return user;
  };
  const manageableUser = async (request: FastifyRequest, id: string): Promise<UserAccount> => {
    const user = await visibleUser(request, id);
    if (user.id === request.principal.subject)
      throw new ApiError(403, "forbidden", "change your own account through another admin");
    if (!view(request.principal, user).manageable)
      throw new ApiError(403, "forbidden", "this user also belongs to organizations you do not administer");
    return user;
  };

  /** Checks what the caller gives: a role they may grant, organizations they administer, a recipient of those. */
  const checkAccess = async (request: FastifyRequest, access: z.infer<typeof Access>) => {
    const p = request.principal;
    const system = p.role === "system_admin";
    if (!system && !PRACTICE_GRANTABLE.includes(access.role))
      throw new ApiError(403, "forbidden", `a practice admin cannot make a ${access.role}`);
    const organizationIds = [...new Set(access.organizationIds)];
    if (UNSCOPED.includes(access.role)) {
      if (organizationIds.length > 0)
        throw badRequest("no_organizations", `a ${access.role} belongs to no organization`);
    } else if (organizationIds.length === 0) {
      throw badRequest("organization_required", `a ${access.role} needs at least one organization`);
    }
    const known = await existingOrganizationIds(deps.pool, organizationIds);
    if (
      known.length !== organizationIds.length ||
      (!system && organizationIds.some((id) => !p.organizationIds.includes(id)))
    )
      throw notFound("unknown organization");
    if (
      access.recipientId !== null &&
      !(await recipientInOrganizations(deps.pool, access.recipientId, organizationIds))
    )
      throw badRequest("recipient_not_theirs", "the recipient is not in the user's organizations");
    return { role: access.role, organizationIds, recipientId: access.recipientId };
  };

  /** One audit row per organization the change concerns (each organization's admins see it); one without any for unscoped users. */
  const audit = async (
    request: FastifyRequest,
    action: string,
    userId: string,
    organizationIds: readonly string[],
    detail: object,
  ) => {
    const visible = organizationIds.filter(
      (id) => request.principal.role === "system_admin" || request.principal.organizationIds.includes(id),
    );
    for (const organizationId of visible.length > 0 ? visible : [undefined])
      await recordAdminAction(deps.pool, request, {
        action,
        subjectType: "user",
        subjectId: userId,
        ...(organizationId === undefined ? {} : { organizationId }),
        detail,
      });
  };

  /** Gives the user a new way in: a one-time link (their password stops working) or a temporary password. */
  const issueCredentials = async (
    tx: PoolClient,
    request: FastifyRequest,
    userId: string,
    method: "link" | "password",
  ): Promise<z.infer<typeof Credentials>> => {
    const now = deps.now();
    if (method === "password") {
      const password = temporaryPassword();
      await setPasswordHash(tx, userId, await hashPassword(password), { mustChange: true, now });
      return { invitation: null, temporaryPassword: password };
    }
    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(now.getTime() + INVITATION_HOURS * 3_600_000);
    await setPasswordHash(tx, userId, UNUSABLE_HASH, { mustChange: false, now });
    await createInvitation(tx, {
      userId,
      tokenHash: tokenHashOf(token),
      createdBy: actorOf(request.principal),
      expiresAt,
      now,
    });
    return { invitation: { token, expiresAt: expiresAt.toISOString() }, temporaryPassword: null };
  };

  const answer = async (request: FastifyRequest, id: string) => {
    const user = await findUserAccount(deps.pool, id, deps.now());
    if (user === undefined) throw notFound("no such user");
    return view(request.principal, user);
  };

  app.get(
    "/users",
    {
      config,
      schema: {
        summary: "Users of the admin's organizations (a system admin: all), with their access and status",
        tags,
        response: { 200: z.object({ items: z.array(UserOut) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const p = request.principal;
      const users = await listUserAccounts(
        deps.pool,
        p.role === "system_admin" ? null : p.organizationIds,
        deps.now(),
      );
      return { items: users.map((u) => view(p, u)) };
    },
  );

  app.post(
    "/users",
    {
      config,
      schema: {
        summary:
          "Invite a user: a one-time link, or a temporary password they must change at sign-in (shown once)",
        tags,
        body: NewUser,
        response: { 201: z.object({ user: UserOut }).extend(Credentials.shape), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const access = await checkAccess(request, b);
      const outcome = await inTransaction(deps.pool, async (tx) => {
        const id = await insertUser(tx, {
          ...access,
          email: b.email,
          passwordHash: UNUSABLE_HASH,
          mustChangePassword: false,
        });
        if (id === "email-taken") return id;
        return { id, credentials: await issueCredentials(tx, request, id, b.method) };
      });
      if (outcome === "email-taken") throw conflict("a user with that e-mail exists");
      await audit(request, "user.invite", outcome.id, access.organizationIds, {
        email: b.email,
        role: access.role,
        method: b.method,
        organizationIds: access.organizationIds,
      });
      return reply.code(201).send({ user: await answer(request, outcome.id), ...outcome.credentials });
    },
  );

  app.put(
    "/users/:id",
    {
      config,
      schema: {
        summary: "Change a user's role, organizations and recipient (in force at their next request)",
        tags,
        params: IdParams,
        body: Access,
        response: { 200: UserOut, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const user = await manageableUser(request, request.params.id);
      const access = await checkAccess(request, request.body);
      await inTransaction(deps.pool, (tx) => updateUserAccess(tx, user.id, access));
      const before = {
        role: user.role,
        organizationIds: user.organizations.map((o) => o.id).sort(),
        recipientId: user.recipient?.id ?? null,
      };
      const after = { ...access, organizationIds: [...access.organizationIds].sort() };
      const changed = Object.fromEntries(
        (Object.keys(before) as (keyof typeof before)[])
          .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
          .map((k) => [k, [before[k], after[k]]]),
      );
      await audit(
        request,
        "user.update",
        user.id,
        [...new Set([...before.organizationIds, ...after.organizationIds])],
        {
          changes: changed,
        },
      );
      return answer(request, user.id);
    },
  );

  for (const [path, active] of [
    ["/users/:id/disable", false],
    ["/users/:id/enable", true],
  ] as const) {
    app.post(
      path,
      {
        config,
        schema: {
          summary: active
            ? "Let a disabled user sign in again"
            : "Disable a user: they cannot sign in, and their sessions end at once",
          tags,
          params: IdParams,
          response: { 200: UserOut, ...ERROR_RESPONSES },
        },
      },
      async (request) => {
        const user = await manageableUser(request, request.params.id);
        await inTransaction(deps.pool, async (tx) => {
          await setUserActiveById(tx, user.id, active);
          if (!active) await endUserSessions(tx, user.id, "user_disabled");
        });
        await audit(
          request,
          active ? "user.enable" : "user.disable",
          user.id,
          user.organizations.map((o) => o.id),
          {},
        );
        return answer(request, user.id);
      },
    );
  }

  app.post(
    "/users/:id/credentials",
    {
      config,
      schema: {
        summary:
          "A new one-time link or temporary password for a user (a forgotten password, an expired link): the old password stops working",
        tags,
        params: IdParams,
        body: z.object({ method: Method }),
        response: { 200: z.object({ user: UserOut }).extend(Credentials.shape), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const user = await manageableUser(request, request.params.id);
      if (!user.active) throw conflict("enable the user first");
      const credentials = await inTransaction(deps.pool, async (tx) => {
        const issued = await issueCredentials(tx, request, user.id, request.body.method);
        await endUserSessions(tx, user.id, "password_changed");
        return issued;
      });
      await audit(
        request,
        "user.credentials",
        user.id,
        user.organizations.map((o) => o.id),
        {
          method: request.body.method,
        },
      );
      return { user: await answer(request, user.id), ...credentials };
    },
  );
};
