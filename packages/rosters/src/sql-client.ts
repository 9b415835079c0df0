import type { Pool } from "@homeward/db";

/** What the import needs of a connection: a pool or one checked-out client (for temp tables). */
export type SqlClient = Pick<Pool, "query">;
