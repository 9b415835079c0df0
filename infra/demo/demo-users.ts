/**
 * The demo's sign-ins for the api and dashboard, created with the directory's `createUser` (scrypt
 * hash, organizations, the care manager's recipient). Every demo account gets its own random
 * password when it is created, on each install: it is stored only as its hash and handed back once,
 * for the seed to print. There is no shared, published demo password to try on someone's install.
 */

import { randomBytes } from "node:crypto";
import type { Pool } from "@homeward/db";
import {
  checkPasswordPolicy,
  createUser,
  listUsers,
  type NewUser,
  setUserPassword,
  type UserRole,
} from "@homeward/directory";

/** Who can sign in to the demo, and as what. */
export const DEMO_USERS: readonly Omit<NewUser, "password">[] = [
  {
    email: "cm@springvale.example",
    role: "care_manager",
    organizationCodes: ["SFM"],
    recipientEmail: "cm@springvale.example",
  },
  // The practice's other care managers: their own caseloads, tasks and census.
  {
    email: "cm2@springvale.example",
    role: "care_manager",
    organizationCodes: ["SFM"],
    recipientEmail: "cm2@springvale.example",
  },
  {
    email: "cm3@springvale.example",
    role: "care_manager",
    organizationCodes: ["SFM"],
    recipientEmail: "cm3@springvale.example",
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

/** A demo account and its password, known only to the run that set it. */
export interface DemoSignIn {
  email: string;
  role: UserRole;
  password: string;
  /** Made by this run (false: an existing account whose password was reset). */
  created: boolean;
}

/** 18 random bytes as base64url: 24 characters, 144 bits; drawn again in the rare case the policy refuses it. */
export function randomDemoPassword(email: string): string {
  for (;;) {
    const password = randomBytes(18).toString("base64url");
    if (checkPasswordPolicy(password, { email }).length === 0) return password;
  }
}

/**
 * Creates the demo users that do not exist yet, each with a new random password, and returns them
 * with their passwords (empty on a re-run: the passwords were shown when the users were made).
 * With `resetPasswords`, the demo users that exist get new random passwords too.
 */
export async function ensureDemoUsers(
  pool: Pool,
  options: { resetPasswords?: boolean } = {},
): Promise<DemoSignIn[]> {
  const existing = new Set((await listUsers(pool)).map((u) => u.email.toLowerCase()));
  const signIns: DemoSignIn[] = [];
  for (const user of DEMO_USERS) {
    const password = randomDemoPassword(user.email);
    const created = !existing.has(user.email.toLowerCase());
    if (created) await createUser(pool, { ...user, password });
    else if (options.resetPasswords !== true || !(await setUserPassword(pool, user.email, password)))
      continue;
    signIns.push({ email: user.email, role: user.role, password, created });
  }
  return signIns;
}
