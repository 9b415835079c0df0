import { ROSTER_PRESETS, RosterKind } from "@homeward/rosters";
import { z } from "zod";
import { DbId, IsoDateString, QueryBoolean } from "../schemas.ts";
import { AllowMissingQuery } from "./reference-import-schemas.ts";

/** Request and answer shapes of roster uploads and import runs: validation and the OpenAPI document. */

export const PresetName = z.enum(Object.keys(ROSTER_PRESETS) as [keyof typeof ROSTER_PRESETS]);

export const RosterQuery = z.object({
  kind: RosterKind,
  /** The roster feed: re-imports of one source replace each other. */
  source: z.string().trim().min(1).max(200),
  /** Code of the organization sending the roster (the payer, the practice, the plan). */
  org: z.string().min(1).max(100),
  preset: PresetName.optional(),
  /** Validate and count, then roll back: nothing changes. */
  dryRun: QueryBoolean.default(false),
  /** The roster's date; today in the organization's time zone when absent. */
  asOf: IsoDateString.optional(),
  /** How many row errors the answer lists (all are counted and stored). */
  errors: z.coerce.number().int().min(0).max(10_000).default(100),
  fileName: z.string().max(255).optional(),
  allowMissing: AllowMissingQuery.optional(),
});

export const ImportRun = z.object({
  id: DbId,
  kind: z.string(),
  source: z.string(),
  organizationId: DbId.nullable(),
  fileName: z.string().nullable(),
  preset: z.string().nullable(),
  asOf: z.string(),
  dryRun: z.boolean(),
  status: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  read: z.number(),
  valid: z.number(),
  inserted: z.number(),
  updated: z.number(),
  ended: z.number(),
  unchanged: z.number(),
  errorCount: z.number(),
  message: z.string().nullable(),
  organizationName: z.string().nullable(),
  /** Who uploaded it (a user's e-mail); null for the CLI and the demo seed. */
  uploadedBy: z.string().nullable(),
});

export const RowErrorOut = z.object({
  line: z.number(),
  column: z.string().nullable(),
  value: z.string().nullable(),
  reason: z.string(),
});

/** Presets per upload kind, as the upload screen offers them: which headers each maps to which field. */
export const PresetOut = z.object({
  name: z.string(),
  kind: z.string(),
  description: z.string(),
  columns: z.array(z.object({ field: z.string(), headers: z.array(z.string()) })),
});
