import { FeedWatch } from "@homeward/facilities";
import { z } from "zod";
import { DbId } from "../schemas.ts";

/**
 * A FacilityMapping v1 (schemas/facility-mappings.v1.json): checked by the facilities store with the
 * mappings file's own schema, so its problems come back per field (`mapping.timeZone: ...`).
 */
const Mapping = z
  .record(z.string(), z.unknown())
  .describe("FacilityMapping v1, as one entry of schemas/facility-mappings.v1.json");

export const FacilityBody = z.object({
  mapping: Mapping,
  active: z.boolean().default(true),
  watch: FeedWatch.optional(),
});

export const FacilityUpdateBody = FacilityBody.extend({
  /** The version the change was made on (from the facility as read); a newer one answers 409. */
  version: z.number().int().positive(),
});

export const FacilityOut = z
  .object({
    id: DbId,
    mapping: Mapping,
    active: z.boolean(),
    watch: FeedWatch,
    version: z.number().int(),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    updatedBy: z.string(),
    /** The e-mail of the user `updatedBy` names (null for the listener's first seed, or a user gone). */
    updatedByName: z.string().nullable(),
  })
  .meta({ id: "Facility" });

const Snapshot = z.object({ mapping: Mapping, active: z.boolean(), watch: FeedWatch }).nullable();

export const FacilityHistoryOut = z.object({
  items: z.array(
    z.object({
      id: DbId,
      action: z.enum(["created", "updated", "deleted", "imported", "seeded"]),
      /** `user:<id>` for a change made through the api, `file:<name>` for the listener's first seed. */
      actor: z.string(),
      /** The e-mail of that user, when `actor` is one. */
      actorName: z.string().nullable(),
      at: z.string(),
      before: Snapshot,
      after: Snapshot,
    }),
  ),
});

export const ImportOut = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
});

/** The facility mappings file (schemas/facility-mappings.v1.json), checked by the store. */
export const MappingsFileBody = z
  .record(z.string(), z.unknown())
  .describe("FacilityMappingsFile v1, see schemas/facility-mappings.v1.json");
