import type { Pool, PoolClient } from "@homeward/db";
import type { UserRole } from "./user-store.ts";

/**
 * Who may sign in, and their sessions (api_sessions): the api signs tokens and checks them, but a
 * session is a user's, so it ends here when the user is disabled or given a new password, in the
 * same transaction, and a session's user is read as the users table says now.
 */

/** Why a session ended before its token expired (api_sessions.ended_why). */
export type SessionEnd = "signed_out" | "user_disabled" | "password_changed";

/** A signed-in user as the api's principal carries them: role, organizations, recipient. */
export interface SignedInUser {
  /** The user's id. */
  subject: string;
  role: UserRole;
  organizationIds: readonly string[];
  /** The recipient row of a care manager (their tasks are assigned to it). */
  recipientId?: string;
  /** Signed in with a temporary password: nothing but the password change until it is done. */
  mustChangePassword?: boolean;
}

/** Keep a session's row this long after its token expired (for the record), then forget it. */
const KEEP_AFTER_EXPIRY_MS = 24 * 3_600_000;

/** A user's role, recipient and organizations, aggregated per user (`u` and `uo` in the FROM). */
const USER_ACCESS = `u.role, u.recipient_id::text, u.must_change_password,
            coalesce(array_agg(uo.organization_id::text ORDER BY uo.organization_id)
                     FILTER (WHERE uo.organization_id IS NOT NULL), '{}') AS orgs`;

interface AccessRow {
  role: UserRole;
  recipient_id: string | null;
  must_change_password: boolean;
  orgs: string[];
}

const toSignedIn = (userId: string, user: AccessRow): SignedInUser => ({
  subject: userId,
  role: user.role,
  organizationIds: user.orgs,
  ...(user.recipient_id === null ? {} : { recipientId: user.recipient_id }),
  ...(user.must_change_password ? { mustChangePassword: true } : {}),
});

/** An active user by e-mail (any case) with their password hash, to check a sign-in. */
export async function findSignIn(
  pool: Pool,
  email: string,
): Promise<{ user: SignedInUser; passwordHash: string } | undefined> {
  const { rows } = await pool.query<AccessRow & { id: string; password_hash: string }>(
    `SELECT u.id::text, u.password_hash, ${USER_ACCESS}
       FROM users u LEFT JOIN user_organizations uo ON uo.user_id = u.id
      WHERE lower(u.email) = lower($1) AND u.active
      GROUP BY u.id`,
    [email],
  );
  const row = rows[0];
  return row === undefined ? undefined : { user: toSignedIn(row.id, row), passwordHash: row.password_hash };
}

/** Notes when the user last signed in (the users screen shows it). */
export async function recordSignIn(pool: Pool, userId: string): Promise<void> {
  await pool.query("UPDATE users SET last_login_at = now() WHERE id = $1", [userId]);
}

/**
 * Records a new session at sign-in, and forgets those whose tokens expired more than a day ago
 * (by the api's clock, the one that sets and checks `exp`).
 */
export async function openSession(
  pool: Pool,
  session: { id: string; userId: string; issuedAt: Date; expiresAt: Date },
): Promise<void> {
  await pool.query("DELETE FROM api_sessions WHERE expires_at < $1", [
    new Date(session.issuedAt.getTime() - KEEP_AFTER_EXPIRY_MS),
  ]);
  await pool.query("INSERT INTO api_sessions (id, user_id, issued_at, expires_at) VALUES ($1, $2, $3, $4)", [
    session.id,
    session.userId,
    session.issuedAt,
    session.expiresAt,
  ]);
}

/** Ends one open session (sign-out). False when it was not open. */
export async function endSession(pool: Pool, sessionId: string, why: SessionEnd): Promise<boolean> {
  const result = await pool.query(
    "UPDATE api_sessions SET ended_at = now(), ended_why = $2 WHERE id = $1 AND ended_at IS NULL",
    [sessionId, why],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Ends every open session of a user (disabled, or given a new password), in the caller's transaction. */
export async function endUserSessions(tx: PoolClient, userId: string, why: SessionEnd): Promise<number> {
  const result = await tx.query(
    "UPDATE api_sessions SET ended_at = now(), ended_why = $2 WHERE user_id = $1 AND ended_at IS NULL",
    [userId, why],
  );
  return result.rowCount ?? 0;
}

/**
 * The user of an open session as the users table says now: their current role, organizations and
 * recipient. Undefined when the session is unknown, ended, or belongs to another user, or when the
 * user is disabled or gone.
 */
export async function loadSessionPrincipal(
  pool: Pool,
  sessionId: string,
  userId: string,
): Promise<SignedInUser | undefined> {
  const { rows } = await pool.query<AccessRow>(
    `SELECT ${USER_ACCESS}
       FROM api_sessions s
       JOIN users u ON u.id = s.user_id
       LEFT JOIN user_organizations uo ON uo.user_id = u.id
      WHERE s.id = $1 AND s.user_id = $2 AND s.ended_at IS NULL AND u.active
      GROUP BY u.id`,
    [sessionId, userId],
  );
  const user = rows[0];
  return user === undefined ? undefined : toSignedIn(userId, user);
}
