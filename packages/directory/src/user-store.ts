import type { Pool, PoolClient } from "@homeward/db";

/**
 * The users an admin manages (users, user_organizations, user_invitations): who may sign in, with
 * which role, for which organizations, as which recipient. Password hashes are made and checked by
 * passwords.ts; functions that change who may sign in take the caller's transaction, and the caller
 * ends the user's sessions in it (session-store.ts endUserSessions).
 */

export type UserRole = "care_manager" | "practice_admin" | "quality" | "system_admin" | "interface_analyst";
type Db = Pool | PoolClient;

export interface UserAccount {
  id: string;
  email: string;
  role: UserRole;
  active: boolean;
  /** Signed in with a temporary password and has not chosen their own yet. */
  mustChangePassword: boolean;
  createdAt: string;
  lastLoginAt: string | null;
  organizations: { id: string; code: string; name: string }[];
  /** A care manager's recipient row (their tasks: "assignee = me"). */
  recipient: { id: string; displayName: string; organizationId: string } | null;
  /** The open one-time link, if one waits to be used. */
  invitation: { expiresAt: string } | null;
}

/** Who an account is given to: its role, organizations and recipient. */
export interface UserAccess {
  role: UserRole;
  organizationIds: readonly string[];
  recipientId: string | null;
}

const SELECT = `SELECT u.id::text, u.email, u.role, u.active, u.must_change_password AS "mustChangePassword",
                       u.created_at AS "createdAt", u.last_login_at AS "lastLoginAt",
                       coalesce((SELECT json_agg(json_build_object('id', o.id::text, 'code', o.code, 'name', o.name)
                                                 ORDER BY o.name)
                                   FROM user_organizations uo JOIN organizations o ON o.id = uo.organization_id
                                  WHERE uo.user_id = u.id), '[]') AS organizations,
                       (SELECT json_build_object('id', r.id::text, 'displayName', r.display_name,
                                                 'organizationId', r.organization_id::text)
                          FROM recipients r WHERE r.id = u.recipient_id) AS recipient,
                       (SELECT json_build_object('expiresAt', i.expires_at)
                          FROM user_invitations i
                         WHERE i.user_id = u.id AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $1
                         ORDER BY i.created_at DESC LIMIT 1) AS invitation
                  FROM users u`;

interface Row extends Omit<UserAccount, "createdAt" | "lastLoginAt" | "invitation"> {
  createdAt: Date;
  lastLoginAt: Date | null;
  invitation: { expiresAt: string } | null;
}

const toAccount = (r: Row): UserAccount => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
  lastLoginAt: r.lastLoginAt?.toISOString() ?? null,
  invitation: r.invitation === null ? null : { expiresAt: new Date(r.invitation.expiresAt).toISOString() },
});

/**
 * Users with at least one of these organizations (all users when null), by e-mail. `now` says which
 * invitations are still open.
 */
export async function listUserAccounts(
  db: Db,
  organizationIds: readonly string[] | null,
  now: Date,
): Promise<UserAccount[]> {
  const { rows } = await db.query<Row>(
    `${SELECT}
      WHERE $2::bigint[] IS NULL
         OR EXISTS (SELECT 1 FROM user_organizations uo WHERE uo.user_id = u.id AND uo.organization_id = ANY($2::bigint[]))
      ORDER BY lower(u.email), u.id`,
    [now, organizationIds],
  );
  return rows.map(toAccount);
}

export async function findUserAccount(db: Db, id: string, now: Date): Promise<UserAccount | undefined> {
  const { rows } = await db.query<Row>(`${SELECT} WHERE u.id = $2`, [now, id]);
  const row = rows[0];
  return row === undefined ? undefined : toAccount(row);
}

/** Whether the recipient belongs to one of the organizations (a user's recipient must be theirs). */
export async function recipientInOrganizations(
  db: Db,
  recipientId: string,
  organizationIds: readonly string[],
): Promise<boolean> {
  const { rows } = await db.query(
    "SELECT 1 FROM recipients WHERE id = $1 AND organization_id = ANY($2::bigint[])",
    [recipientId, organizationIds],
  );
  return rows.length > 0;
}

/** Which of these organization ids exist. */
export async function existingOrganizationIds(db: Db, ids: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT id::text FROM organizations WHERE id = ANY($1::bigint[]) ORDER BY id",
    [ids],
  );
  return rows.map((r) => r.id);
}

/** Adds a user with a password hash (a usable temporary one, or an unusable one until an invitation is used). */
export async function insertUser(
  tx: PoolClient,
  user: UserAccess & { email: string; passwordHash: string; mustChangePassword: boolean },
): Promise<string | "email-taken"> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO users (email, password_hash, role, recipient_id, must_change_password) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING RETURNING id::text`,
    [user.email, user.passwordHash, user.role, user.recipientId, user.mustChangePassword],
  );
  const id = rows[0]?.id;
  if (id === undefined) return "email-taken";
  await tx.query(
    "INSERT INTO user_organizations (user_id, organization_id) SELECT $1, unnest($2::bigint[])",
    [id, user.organizationIds],
  );
  return id;
}

/** Gives a user another role, organizations and recipient (their next request sees it). */
export async function updateUserAccess(tx: PoolClient, id: string, access: UserAccess): Promise<void> {
  await tx.query("UPDATE users SET role = $2, recipient_id = $3, updated_at = now() WHERE id = $1", [
    id,
    access.role,
    access.recipientId,
  ]);
  await tx.query(
    "DELETE FROM user_organizations WHERE user_id = $1 AND NOT organization_id = ANY($2::bigint[])",
    [id, access.organizationIds],
  );
  await tx.query(
    `INSERT INTO user_organizations (user_id, organization_id) SELECT $1, unnest($2::bigint[])
     ON CONFLICT DO NOTHING`,
    [id, access.organizationIds],
  );
}

/** Lets a user sign in, or stops them; false when there is no such user. */
export async function setUserActiveById(tx: PoolClient, id: string, active: boolean): Promise<boolean> {
  const result = await tx.query("UPDATE users SET active = $2, updated_at = now() WHERE id = $1", [
    id,
    active,
  ]);
  return (result.rowCount ?? 0) > 0;
}

/**
 * Sets a user's password hash: a temporary one (`mustChange`, the user changes it at sign-in) or
 * their own (the flag clears). Open invitations are revoked: the password is set now.
 */
export async function setPasswordHash(
  tx: PoolClient,
  id: string,
  passwordHash: string,
  options: { mustChange: boolean; now: Date },
): Promise<boolean> {
  const result = await tx.query(
    `UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = now(),
            password_changed_at = CASE WHEN $3 THEN password_changed_at ELSE $4 END
      WHERE id = $1`,
    [id, passwordHash, options.mustChange, options.now],
  );
  await revokeInvitations(tx, id, options.now);
  return (result.rowCount ?? 0) > 0;
}

/** Ends the user's open invitations (a newer one, or a password, replaces them). */
export async function revokeInvitations(tx: Db, userId: string, now: Date): Promise<void> {
  await tx.query(
    "UPDATE user_invitations SET revoked_at = $2 WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL",
    [userId, now],
  );
}

/** Records a one-time link by its token's hash, replacing the user's open ones. */
export async function createInvitation(
  tx: PoolClient,
  invitation: { userId: string; tokenHash: string; createdBy: string; expiresAt: Date; now: Date },
): Promise<void> {
  await revokeInvitations(tx, invitation.userId, invitation.now);
  await tx.query(
    "INSERT INTO user_invitations (user_id, token_hash, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    [invitation.userId, invitation.tokenHash, invitation.createdBy, invitation.now, invitation.expiresAt],
  );
}

/** An invitation that may be used now: not used, not revoked, not expired, its user active. */
export interface OpenInvitation {
  id: string;
  userId: string;
  email: string;
  expiresAt: string;
}

export async function findOpenInvitation(
  db: Db,
  tokenHash: string,
  now: Date,
  options: { forUpdate?: boolean } = {},
): Promise<OpenInvitation | undefined> {
  const { rows } = await db.query<{ id: string; user_id: string; email: string; expires_at: Date }>(
    `SELECT i.id::text, i.user_id::text, u.email, i.expires_at
       FROM user_invitations i JOIN users u ON u.id = i.user_id
      WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2 AND u.active
      ${options.forUpdate === true ? "FOR UPDATE OF i" : ""}`,
    [tokenHash, now],
  );
  const row = rows[0];
  return row === undefined
    ? undefined
    : { id: row.id, userId: row.user_id, email: row.email, expiresAt: row.expires_at.toISOString() };
}

export async function markInvitationUsed(tx: PoolClient, invitationId: string, now: Date): Promise<void> {
  await tx.query("UPDATE user_invitations SET used_at = $2 WHERE id = $1", [invitationId, now]);
}

/** The stored password hash of an active user (to check their current password before a change). */
export async function passwordHashOf(
  db: Db,
  id: string,
): Promise<{ email: string; passwordHash: string } | undefined> {
  const { rows } = await db.query<{ email: string; password_hash: string }>(
    "SELECT email, password_hash FROM users WHERE id = $1 AND active",
    [id],
  );
  const row = rows[0];
  return row === undefined ? undefined : { email: row.email, passwordHash: row.password_hash };
}

/** The organizations these codes name (the CLI and the demo name them by code), by code. */
export async function organizationIdsByCode(db: Db, codes: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; code: string }>(
    "SELECT id::text, code FROM organizations WHERE code = ANY($1::text[])",
    [codes],
  );
  return new Map(rows.map((o) => [o.code, o.id]));
}

/** Recipients of these organizations with this e-mail (any case): a user's recipient is named by it. */
export async function recipientIdsByEmail(
  db: Db,
  email: string,
  organizationIds: readonly string[],
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT id::text FROM recipients WHERE lower(email) = lower($1) AND organization_id = ANY($2::bigint[])",
    [email, organizationIds],
  );
  return rows.map((r) => r.id);
}

/** Every user with their organization codes (the CLI's `list`), by id. */
export interface UserSummary {
  id: string;
  email: string;
  role: UserRole;
  active: boolean;
  organizationCodes: string[];
}

export async function listUserSummaries(db: Db): Promise<UserSummary[]> {
  const { rows } = await db.query<UserSummary>(
    `SELECT u.id::text, u.email, u.role, u.active,
            coalesce(array_agg(o.code ORDER BY o.code) FILTER (WHERE o.code IS NOT NULL), '{}') AS "organizationCodes"
       FROM users u
       LEFT JOIN user_organizations uo ON uo.user_id = u.id
       LEFT JOIN organizations o ON o.id = uo.organization_id
      GROUP BY u.id ORDER BY u.id`,
  );
  return rows;
}

/** Sets the password hash of the user with this e-mail (any case); their id, or undefined when there is none. */
export async function setPasswordHashByEmail(
  tx: PoolClient,
  email: string,
  passwordHash: string,
): Promise<string | undefined> {
  const { rows } = await tx.query<{ id: string }>(
    "UPDATE users SET password_hash = $2, updated_at = now() WHERE lower(email) = lower($1) RETURNING id::text",
    [email, passwordHash],
  );
  return rows[0]?.id;
}

/** Lets the user with this e-mail sign in, or stops them; their id, or undefined when there is none. */
export async function setUserActiveByEmail(
  tx: PoolClient,
  email: string,
  active: boolean,
): Promise<string | undefined> {
  const { rows } = await tx.query<{ id: string }>(
    "UPDATE users SET active = $2, updated_at = now() WHERE lower(email) = lower($1) RETURNING id::text",
    [email, active],
  );
  return rows[0]?.id;
}
