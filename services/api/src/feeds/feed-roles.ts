import type { Role } from "../auth/principal.ts";

/** Who changes facility settings (onboarding a feed): the system admin. */
export const FACILITY_ADMIN_ROLES: readonly Role[] = ["system_admin"];

/**
 * Who reads facility settings and runs the feeds (feed operations, exceptions, resend, mark
 * handled): the system admin and the hospital-side interface analyst. Practices never: feeds
 * carry every patient of the hospital, not only theirs.
 */
export const FEED_ROLES: readonly Role[] = ["system_admin", "interface_analyst"];

/** Who may see a refused or unmatched message itself (raw HL7, the normalized event): PHI, each view audited. */
export const RAW_HL7_ROLES: readonly Role[] = ["interface_analyst"];
