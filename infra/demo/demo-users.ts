/**
 * The demo's sign-ins for the api and dashboard, created with the api's own `createUser` (scrypt
 * hash, organizations, the care manager's recipient). Every demo user has the same, published
 * password: this is a local demo, never a deployment.
 */
import type { Pool } from "@homeward/db";
import { createUser, type NewUser } from "../../services/api/src/auth/users.ts";

export const DEMO_PASSWORD = "homeward-demo";

/** Who can sign in to the demo, and as what. */
export const DEMO_USERS: readonly Omit<NewUser, "password">[] = [
  {
    email: "cm@springvale.example",
    role: "care_manager",
    organizationCodes: ["SFM"],
    recipientEmail: "cm@springvale.example",
  },
  { email: "quality@springvale.example", role: "quality", organizationCodes: ["SFM"] },
  { email: "admin@springvale.example", role: "practice_admin", organizationCodes: ["SFM"] },
  {
    email: "cm@harborview.example",
    role: "care_manager",
    organizationCodes: ["HPLAN"],
    recipientEmail: "cm@harborview.example",
  },
  { email: "admin@homeward.example", role: "system_admin", organizationCodes: [] },
];

/** Creates the demo users that do not exist yet; returns the e-mails created this time. */
export async function ensureDemoUsers(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ email: string }>("SELECT lower(email) AS email FROM users");
  const existing = new Set(rows.map((r) => r.email));
  const created: string[] = [];
  for (const user of DEMO_USERS) {
    if (existing.has(user.email.toLowerCase())) continue;
    await createUser(pool, { ...user, password: DEMO_PASSWORD });
    created.push(user.email);
  }
  return created;
}
