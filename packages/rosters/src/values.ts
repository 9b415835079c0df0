import { z } from "zod";

/**
 * Cell parsers for roster CSVs: each accepts the spellings rosters really use and turns them into
 * the one form the database stores, or fails with a reason a roster admin can act on.
 */

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** A trimmed non-empty string; an empty cell is "not given". */
export const cellText = z.preprocess(blankToUndefined, z.string().trim().min(1).max(500));

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * `YYYY-MM-DD`, `M/D/YYYY` (US rosters) or `YYYYMMDD` (HL7-style) to `YYYY-MM-DD`; `undefined` when
 * the text is none of these or not a real calendar day. Two-digit years are refused on purpose:
 * guessing the century of a birth date is how a 1924 patient becomes a 2024 newborn.
 */
export function parseRosterDate(text: string): string | undefined {
  const t = text.trim();
  let y: number;
  let m: number;
  let d: number;
  const iso = ISO_DATE.exec(t) ?? COMPACT_DATE.exec(t);
  const us = US_DATE.exec(t);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (us) [y, m, d] = [Number(us[3]), Number(us[1]), Number(us[2])];
  else return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return undefined;
  if (y < 1850 || y > 2200) return undefined;
  return date.toISOString().slice(0, 10);
}

export const cellDate = z.preprocess(
  blankToUndefined,
  z.string().transform((v, ctx) => {
    const date = parseRosterDate(v);
    if (date === undefined) {
      ctx.addIssue({ code: "custom", message: "not a date (YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD)" });
      return z.NEVER;
    }
    return date;
  }),
);

/** Is `npi` a valid National Provider Identifier: 10 digits, Luhn check over "80840" + the first 9. */
export function isValidNpi(npi: string): boolean {
  if (!/^\d{10}$/.test(npi)) return false;
  const digits = `80840${npi.slice(0, 9)}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return (10 - (sum % 10)) % 10 === Number(npi[9]);
}

export const cellNpi = z.preprocess(
  blankToUndefined,
  z.string().trim().refine(isValidNpi, { message: "not a valid NPI (10 digits with a check digit)" }),
);

const SEX: Record<string, string> = {
  F: "F",
  FEMALE: "F",
  M: "M",
  MALE: "M",
  O: "O",
  OTHER: "O",
  U: "U",
  UNKNOWN: "U",
  X: "X",
  N: "N",
};

/** Administrative sex as HL7 table 0001 codes, the form PID-8 arrives in. */
export const cellSex = z.preprocess(
  blankToUndefined,
  z.string().transform((v, ctx) => {
    const code = SEX[v.trim().toUpperCase()];
    if (code === undefined) {
      ctx.addIssue({ code: "custom", message: "not a sex code (F, M, O, U, X, N)" });
      return z.NEVER;
    }
    return code;
  }),
);

/** US postal code: the five-digit ZIP (ZIP+4 is cut to five, as the matcher compares five). */
export const cellPostalCode = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .regex(/^\d{5}(-?\d{4})?$/, "not a ZIP code")
    .transform((v) => v.slice(0, 5)),
);

/** A phone number, stored as its ten digits (a leading US country code 1 dropped). */
export const cellPhone = z.preprocess(
  blankToUndefined,
  z.string().transform((v, ctx) => {
    const digits = v.replace(/\D/g, "").replace(/^1(\d{10})$/, "$1");
    if (digits.length !== 10) {
      ctx.addIssue({ code: "custom", message: "not a 10-digit phone number" });
      return z.NEVER;
    }
    return digits;
  }),
);

const TIERS: Record<string, "I" | "II" | "III"> = {
  I: "I",
  "1": "I",
  II: "II",
  "2": "II",
  III: "III",
  "3": "III",
};

/** Risk tier Priority I/II/III from `I`, `1`, `Priority I`, `Tier 2`...; `undefined` for anything else. */
export function riskTierOf(text: string): "I" | "II" | "III" | undefined {
  const key = text
    .trim()
    .toUpperCase()
    .replace(/^(PRIORITY|TIER)\s*/, "");
  return TIERS[key];
}

/** Risk tier Priority I/II/III, written `I`, `1`, `Priority I`, `Tier 2`... */
export const cellRiskTier = z.preprocess(
  blankToUndefined,
  z.string().transform((v, ctx) => {
    const tier = riskTierOf(v);
    if (tier === undefined) {
      ctx.addIssue({ code: "custom", message: "not a risk tier (I, II or III)" });
      return z.NEVER;
    }
    return tier;
  }),
);

const TRUE = new Set(["Y", "YES", "TRUE", "1", "X"]);
const FALSE = new Set(["N", "NO", "FALSE", "0"]);

/** Yes/no cells: Y/N, yes/no, true/false, 1/0 (an `X` in a flag column means yes). */
export const cellBoolean = z.preprocess(
  blankToUndefined,
  z.string().transform((v, ctx) => {
    const key = v.trim().toUpperCase();
    if (TRUE.has(key)) return true;
    if (FALSE.has(key)) return false;
    ctx.addIssue({ code: "custom", message: "not yes/no (Y/N, true/false, 1/0)" });
    return z.NEVER;
  }),
);

export const cellScore = z.preprocess(
  blankToUndefined,
  z.coerce.number({ message: "not a number" }).finite().min(0).max(999_999),
);

/** Turns a free-text cell into one of `values` by its normalized spelling (case, spaces, dashes). */
export function cellEnum<const T extends string>(values: readonly T[], aliases: Record<string, T> = {}) {
  const lookup = new Map<string, T>();
  for (const v of values) lookup.set(v.replace(/[\s_-]/g, "").toUpperCase(), v);
  for (const [k, v] of Object.entries(aliases)) lookup.set(k.replace(/[\s_-]/g, "").toUpperCase(), v);
  return z.preprocess(
    blankToUndefined,
    z.string().transform((v, ctx) => {
      const found = lookup.get(v.replace(/[\s_-]/g, "").toUpperCase());
      if (found === undefined) {
        ctx.addIssue({ code: "custom", message: `not one of ${values.join(", ")}` });
        return z.NEVER;
      }
      return found;
    }),
  );
}

/** Words that, alone in a list cell, mean "no restriction" (as an empty cell does). */
const ANY = new Set(["*", "ALL", "ANY"]);

/**
 * A list in one cell, its items separated by `;`, `|` or `,` (the cell quoted) or line breaks:
 * trimmed, each turned into its stored form by `item` (or refused with the reason it gives),
 * without repeats, sorted so that the same list written in another order is the same list.
 * An empty cell, `*`, `all` or `any` is `undefined`: no restriction.
 */
export function cellList(item: (text: string) => string | { error: string }) {
  return z.preprocess(
    blankToUndefined,
    z.string().transform((v, ctx) => {
      if (ANY.has(v.trim().toUpperCase())) return undefined;
      const items = new Set<string>();
      const refused: string[] = [];
      for (const part of v.split(/[;|,\n]/)) {
        if (part.trim() === "") continue;
        const parsed = item(part.trim());
        if (typeof parsed === "string") items.add(parsed);
        else refused.push(parsed.error);
      }
      if (refused.length > 0) {
        ctx.addIssue({ code: "custom", message: refused.join("; ") });
        return z.NEVER;
      }
      return items.size === 0 ? undefined : [...items].sort();
    }),
  );
}
