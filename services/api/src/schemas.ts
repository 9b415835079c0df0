import { z } from "zod";

/** A bigserial id as the api shows it: a decimal string (JSON numbers lose precision past 2^53). */
export const DbId = z.string().regex(/^[1-9]\d{0,18}$/, "must be a numeric id");

export const IdParams = z.object({ id: DbId });

/** Offset pagination for lists; `total` in the response counts every match. */
export const Page = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

/** Query-string booleans: `true`/`false`/`1`/`0` (z.coerce.boolean would take "false" as true). */
export const QueryBoolean = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

export const IsoDateTimeString = z.iso.datetime({ offset: true });
export const IsoDateString = z.iso.date();

/** `Date | null` from PostgreSQL to an ISO string or null. */
export const iso = (d: Date | null | undefined): string | null => (d == null ? null : d.toISOString());

export const RiskTier = z.enum(["I", "II", "III"]);

/** An organization as lists name it. */
export const OrganizationRef = z.object({ id: DbId, code: z.string(), name: z.string() });
