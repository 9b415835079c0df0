import { inTransaction, type Pool } from "@homeward/db";
import { checkPasswordPolicy, hashPassword, UNUSABLE_HASH, verifyPassword } from "./passwords.ts";
import { endUserSessions, findSignIn, recordSignIn, type SignedInUser } from "./session-store.ts";
import {
  insertUser,
  listUserSummaries,
  organizationIdsByCode,
  recipientIdsByEmail,
  setPasswordHashByEmail,
  setUserActiveByEmail,
  type UserRole,
  type UserSummary,
} from "./user-store.ts";

/**
 * Accounts made and changed by name rather than from the admin screen: the api's users CLI (which
 * bootstraps the first system admin), the demo's sign-ins and the tests. Passwords are checked
 * against the policy and stored as scrypt hashes; a changed password or a disabled user ends the
 * user's sessions in the same transaction.
 */

export interface NewUser {
  email: string;
  password: string;
  role: UserRole;
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
    const orgs = await organizationIdsByCode(client, user.organizationCodes);
    const missing = user.organizationCodes.filter((c) => !orgs.has(c));
    if (missing.length > 0) throw new UserDefinitionError(`unknown organization: ${missing.join(", ")}`);
    const organizationIds = [...orgs.values()];
    let recipientId: string | null = null;
    if (user.recipientEmail !== undefined) {
      const found = await recipientIdsByEmail(client, user.recipientEmail, organizationIds);
      if (found.length !== 1)
        throw new UserDefinitionError("no single recipient with that e-mail in the user's organizations");
      recipientId = found[0] ?? null;
    }
    const id = await insertUser(client, {
      email: user.email,
      passwordHash,
      mustChangePassword: false,
      role: user.role,
      organizationIds,
      recipientId,
    });
    if (id === "email-taken") throw new UserDefinitionError("a user with that e-mail exists");
    return id;
  });
}

/**
 * The signed-in user for an e-mail and password, or undefined. An unknown e-mail costs the same
 * scrypt as a wrong password, and both look the same to the caller.
 */
export async function authenticate(
  pool: Pool,
  email: string,
  password: string,
): Promise<SignedInUser | undefined> {
  const found = await findSignIn(pool, email);
  const ok = await verifyPassword(password, found?.passwordHash ?? UNUSABLE_HASH);
  if (found === undefined || !ok) return undefined;
  await recordSignIn(pool, found.user.subject);
  return found.user;
}

/** Every user with their organization codes (the CLI's `list`). */
export function listUsers(pool: Pool): Promise<UserSummary[]> {
  return listUserSummaries(pool);
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
    const userId = await setPasswordHashByEmail(tx, email, hash);
    if (userId === undefined) return false;
    await endUserSessions(tx, userId, "password_changed");
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
    const userId = await setUserActiveByEmail(tx, email, active);
    if (userId === undefined) return false;
    if (!active) await endUserSessions(tx, userId, "user_disabled");
    return true;
  });
}
