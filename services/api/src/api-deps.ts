import type { Pool } from "@homeward/db";
import type { Logger } from "@homeward/logger";
import type { ProtocolsFile } from "@homeward/protocols";
import type { TokenService } from "./auth/tokens.ts";

/** What the route plugins are given by the composition root (app.ts): no module-level singletons. */
export interface ApiDeps {
  pool: Pool;
  logger: Logger;
  tokens: TokenService;
  /** The clock for "due today", "overdue" and effective dates; tests pass a fixed one. */
  now: () => Date;
  /** The protocols in force (PROTOCOLS_FILE or the defaults), shown to admins. */
  protocols: ProtocolsFile;
  /** How many days back a contact or attempt time may be entered (CONTACT_TIME_MAX_AGE_DAYS). */
  contactTimeMaxAgeDays: number;
}
