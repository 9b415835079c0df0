import { inTransaction, type Pool } from "@homeward/db";
import { checkPasswordPolicy, hashPassword, UNUSABLE_HASH, verifyPassword } from "./passwords.ts";
import type { Principal, Role } from "./principal.ts";
import { endUserSessions } from "./session-store.ts";

export interface NewUser {
  email: string;
  password: string;
  role: Role;
  /** Organization codes (organizations.code); none for a system admin. */
  organizationCodes: readonly string[];
  /** A care manager's recipient, by e-mail within one of their organizations. */
  recipientEmail?: string;
}

/** A mistake in a user definition (unknown organization or recipient, bad role scope). */
export class UserDefinitionError extends Error {
  override name = "UserDefinitionError";
}

/** Throws a UserDefinitionError naming every rule of `checkPasswordPolicy` the password breaks. */
function assertPasswordPolicy(password: string, email: string): void {
  const problems = checkPasswordPolicy(password, { email });
  if (problems.length > 0) throw new UserDefinitionError(`the password ${problems.join("; ")}`);
}

/**
 * Creates a user with a scrypt password hash and their organizations, in one transaction.
 * The password must pass `checkPasswordPolicy`. Organization-scoped roles need at least one
 * organization; a system admin reads every one.
 */
export async function createUser(pool: Pool, user: NewUser): Promise<string> {
  assertPasswordPolicy(user.password, user.email);
  if (
    user.role !== "system_admin" &&
    user.role !== "interface_analyst" &&
    user.organizationCodes.length === 0
  )
    throw new UserDefinitionError(`a ${user.role} needs at least one organization`);
  const passwordHash = await hashPassword(user.password);
  return inTransaction(pool, async (client) => {
    const orgs = await client.query<{ id: string; code: string }>(
      "SELECT id::text, code FROM organizations WHERE code = ANY($1::text[])",
      [user.organizationCodes],
    );
    const missing = user.organizationCodes.filter((c) => !orgs.rows.some((o) => o.code === c));
    if (missing.length > 0) throw new UserDefinitionError(`unknown organization: ${missing.join(", ")}`);
    let recipientId: string | null = null;
    if (user.recipientEmail !== undefined) {
      const found = await client.query<{ id: string }>(
        "SELECT id::text FROM recipients WHERE lower(email) = lower($1) AND organization_id = ANY($2::bigint[])",
        [user.recipientEmail, orgs.rows.map((o) => o.id)],
      );
      if (found.rows.length !== 1)
        throw new UserDefinitionError("no single recipient with that e-mail in the user's organizations");
      recipientId = found.rows[0]?.id ?? null;
    }
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO users (email, password_hash, role, recipient_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING id::text`,
      [user.email, passwordHash, user.role, recipientId],
    );
    const id = inserted.rows[0]?.id;
    if (id === undefined) throw new UserDefinitionError("a user with that e-mail exists");
    await client.query(
      "INSERT INTO user_organizations (user_id, organization_id) SELECT $1, unnest($2::bigint[])",
      [id, orgs.rows.map((o) => o.id)],
    );
    return id;
  });
}

/**
 * The principal for an e-mail and password, or undefined. An unknown e-mail costs the same scrypt
 * as a wrong password, and both look the same to the caller.
 */
export async function authenticate(
  pool: Pool,
  email: string,
  password: string,
): Promise<Principal | undefined> {
  const { rows } = await pool.query<{
    id: string;
    password_hash: string;
    role: Role;
    recipient_id: string | null;
    must_change_password: boolean;
    orgs: string[];
  }>(
    `SELECT u.id::text, u.password_hash, u.role, u.recipient_id::text, u.must_change_password,
            coalesce(array_agg(uo.organization_id::text ORDER BY uo.organization_id)
                     FILTER (WHERE uo.organization_id IS NOT NULL), '{}') AS orgs
       FROM users u LEFT JOIN user_organizations uo ON uo.user_id = u.id
      WHERE lower(u.email) = lower($1) AND u.active
      GROUP BY u.id`,
    [email],
  );
  const user = rows[0];
  const ok = await verifyPassword(password, user?.password_hash ?? UNUSABLE_HASH);
  if (user === undefined || !ok) return undefined;
  await pool.query("UPDATE users SET last_login_at = now() WHERE id = $1", [user.id]);
  return {
    subject: user.id,
    role: user.role,
    organizationIds: user.orgs,
    ...(user.recipient_id === null ? {} : { recipientId: user.recipient_id }),
    ...(user.must_change_password ? { mustChangePassword: true } : {}),
  };
}

export interface UserSummary {
  id: string;
  email: string;
  role: Role;
  active: boolean;
  organizationCodes: string[];
}

/** Every user with their organization codes (the CLI's `list`). */
export async function listUsers(pool: Pool): Promise<UserSummary[]> {
  const { rows } = await pool.query<UserSummary>(
    `SELECT u.id::text, u.email, u.role, u.active,
            coalesce(array_agg(o.code ORDER BY o.code) FILTER (WHERE o.code IS NOT NULL), '{}') AS "organizationCodes"
       FROM users u
       LEFT JOIN user_organizations uo ON uo.user_id = u.id
       LEFT JOIN organizations o ON o.id = uo.organization_id
      GROUP BY u.id ORDER BY u.id`,
  );
  return rows;
}

/**
 * Gives a user a new password (which must pass `checkPasswordPolicy`) and ends their open
 * sessions: a password is changed because it may be known, so tokens signed in with the old one
 * must not outlive it. True if the user exists.
 */
export async function setUserPassword(pool: Pool, email: string, password: string): Promise<boolean> {
  assertPasswordPolicy(password, email);
  const hash = await hashPassword(password);
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      "UPDATE users SET password_hash = $2, updated_at = now() WHERE lower(email) = lower($1) RETURNING id::text",
      [email, hash],
    );
    const user = rows[0];
    if (user === undefined) return false;
    await endUserSessions(tx, user.id, "password_changed");
    return true;
  });
}

/**
 * Stops a user from signing in, or lets them again. Disabling also ends the user's open sessions,
 * so their tokens stop working at once (within SESSION_CHECK_CACHE_SECONDS) and enabling the user
 * later does not revive them. True if found.
 */
export async function setUserActive(pool: Pool, email: string, active: boolean): Promise<boolean> {
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      "UPDATE users SET active = $2, updated_at = now() WHERE lower(email) = lower($1) RETURNING id::text",
      [email, active],
    );
    const user = rows[0];
    if (user === undefined) return false;
    if (!active) await endUserSessions(tx, user.id, "user_disabled");
    return true;
  });
}
