import { z } from "zod";
import { DbId } from "../schemas.ts";

/** Request shape of the workspace stream (GET /api/stream): validation and the OpenAPI document. */

export const StreamQuery = z.object({
  /** Only this organization's changes (one of the user's); default: all of theirs. */
  organizationId: DbId.optional(),
});
