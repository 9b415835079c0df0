import { REFERENCE_PRESETS, type ReferenceKind, type ReferencePresetName } from "@homeward/rosters";
import { z } from "zod";
import { IsoDateString, QueryBoolean } from "../schemas.ts";

/** Request and answer shapes of reference-list uploads (consents, notification rules, sensitive facilities): validation and the OpenAPI document. */

export const presetsOf = (kind: ReferenceKind) =>
  z.enum(
    Object.values(REFERENCE_PRESETS)
      .filter((p) => p.kind === kind)
      .map((p) => p.name) as [ReferencePresetName, ...ReferencePresetName[]],
  );

/** What an import did, row errors included: the answer of every CSV upload (rosters and reference lists). */
export const ImportReport = z
  .object({
    runId: z.string(),
    status: z.enum(["completed", "rejected"]),
    dryRun: z.boolean(),
    read: z.number(),
    valid: z.number(),
    inserted: z.number(),
    updated: z.number(),
    ended: z.number(),
    unchanged: z.number(),
    errorCount: z.number(),
    patientsCreated: z.number(),
    rejectedRows: z.number(),
    errors: z.array(
      z.object({
        line: z.number(),
        column: z.string().nullable(),
        value: z.string().nullable(),
        reason: z.string(),
      }),
    ),
    unmappedColumns: z.array(z.string()),
    message: z.string().optional(),
  })
  .meta({ id: "ImportReport" });

/**
 * Fields the file may leave empty in every row although the matcher relies on them or a column
 * looks like them, comma-separated (`allowMissing=birthDate,sex`) or repeated.
 */
export const AllowMissingQuery = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v])
      .flatMap((s) => s.split(","))
      .map((s) => s.trim())
      .filter((s) => s !== ""),
  )
  .pipe(z.array(z.string().max(100)).max(50));

export const CommonQuery = {
  /** The feed the file comes from; the kind's name when absent. */
  source: z.string().trim().min(1).max(200).optional(),
  /** Validate and count, then roll back: nothing changes. */
  dryRun: QueryBoolean.default(false),
  /** The list's date (a consent row without its own date takes effect on it); today when absent. */
  asOf: IsoDateString.optional(),
  /** How many row errors the answer lists (all are counted and stored). */
  errors: z.coerce.number().int().min(0).max(10_000).default(100),
  fileName: z.string().max(255).optional(),
  allowMissing: AllowMissingQuery.optional(),
};

export const SystemQuery = (kind: ReferenceKind) =>
  z.object({ ...CommonQuery, preset: presetsOf(kind).optional() });

export const OrganizationQuery = (kind: ReferenceKind) =>
  z.object({
    ...CommonQuery,
    preset: presetsOf(kind).optional(),
    /** Code of the importing organization: whose consents, whose rules. */
    org: z.string().min(1).max(100),
  });

export type ImportQuery = z.infer<ReturnType<typeof SystemQuery>>;
