/**
 * Name normalization for identity matching. Hospitals and rosters spell the same person's name with
 * and without accents, apostrophes, hyphens, suffixes and particles ("María de la Peña-Ruiz Jr."
 * vs "MARIA DELAPENA RUIZ"); both sides are reduced to the same comparable forms before scoring.
 */

/** Letters NFD does not decompose into a base letter plus a combining mark. */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ß: "SS",
  Æ: "AE",
  æ: "AE",
  Œ: "OE",
  œ: "OE",
  Ø: "O",
  ø: "O",
  Ł: "L",
  ł: "L",
  Đ: "D",
  đ: "D",
  Ð: "D",
  ð: "D",
  Þ: "TH",
  þ: "TH",
  ı: "I",
};

const SPECIAL_LETTER_PATTERN = new RegExp(`[${Object.keys(SPECIAL_LETTERS).join("")}]`, "g");

/**
 * Generational suffixes dropped from the end of a name (XPN-4 is often folded into XPN-1 or XPN-2),
 * each with the one spelling it is compared by.
 */
const SUFFIXES: ReadonlyMap<string, string> = new Map([
  ["JR", "JR"],
  ["JUNIOR", "JR"],
  ["SR", "SR"],
  ["SENIOR", "SR"],
  ["II", "II"],
  ["2ND", "II"],
  ["III", "III"],
  ["3RD", "III"],
  ["IV", "IV"],
  ["4TH", "IV"],
  ["V", "V"],
  ["5TH", "V"],
]);

/** Family-name particles: kept in the full form, dropped in the core form ("VAN DER BERG" → "BERG"). */
const PARTICLES = new Set([
  "DE",
  "DEL",
  "DELA",
  "DELLA",
  "DER",
  "DI",
  "DA",
  "DOS",
  "DAS",
  "DU",
  "LA",
  "LE",
  "LOS",
  "VAN",
  "VON",
  "DEN",
  "TER",
  "TEN",
  "Y",
  "E",
  "ST",
  "SAINT",
  "BIN",
  "BEN",
  "AL",
  "EL",
]);

/**
 * Upper-case ASCII letters and digits separated by single spaces: accents removed (NFD), apostrophes
 * dropped ("O'Brien" → "OBRIEN"), hyphens, periods and other punctuation turned into spaces.
 */
export function normalizeText(value: string | undefined): string {
  if (value === undefined) return "";
  return value
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(SPECIAL_LETTER_PATTERN, (ch) => SPECIAL_LETTERS[ch] ?? "")
    .replace(/['’`´]/g, "")
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, " ")
    .trim();
}

/** Tokens of a normalized name with a trailing generational suffix removed (never the only token). */
export function nameTokens(value: string | undefined): string[] {
  const tokens = normalizeText(value)
    .split(" ")
    .filter((t) => t.length > 0);
  while (tokens.length > 1 && SUFFIXES.has(tokens[tokens.length - 1] ?? "")) tokens.pop();
  return tokens;
}

/** A generational suffix in its compared spelling ("Jr." → "JR", "3rd" → "III"); "" when it is none. */
export function normalizeSuffix(value: string | undefined): string {
  return SUFFIXES.get(normalizeText(value).replace(/ /g, "")) ?? "";
}

/**
 * The generational suffix written at the end of a name ("OKONKWO JR" → "JR"), or "" (never the
 * only token). A lone `V` after a given name is read as a middle initial, not as "the fifth".
 */
export function trailingSuffix(
  value: string | undefined,
  options: { readonly given?: boolean } = {},
): string {
  const tokens = normalizeText(value).split(" ");
  const last = tokens[tokens.length - 1] ?? "";
  if (tokens.length < 2 || (options.given === true && last === "V")) return "";
  return SUFFIXES.get(last) ?? "";
}

/** The comparable forms of a family name. */
export interface NormalizedFamily {
  /** Every token joined without spaces, particles kept: "DE LA CRUZ" → "DELACRUZ". */
  readonly full: string;
  /** Tokens without particles, joined: "DE LA CRUZ" → "CRUZ", "GARCIA-LOPEZ" → "GARCIALOPEZ". */
  readonly core: string;
  /** Tokens without particles, for compound names recorded by one half only ("GARCIA" of "GARCIA LOPEZ"). */
  readonly parts: readonly string[];
}

/** Normalizes a family name (XPN-1 or a roster's last-name column). */
export function normalizeFamilyName(value: string | undefined): NormalizedFamily {
  const tokens = nameTokens(value);
  const withoutParticles = tokens.filter((t) => !PARTICLES.has(t));
  const parts = withoutParticles.length > 0 ? withoutParticles : tokens;
  return { full: tokens.join(""), core: parts.join(""), parts };
}

/** The comparable forms of a given name. */
export interface NormalizedGiven {
  /** First token: "MARY ANN" → "MARY"; the name used for nickname lookup. */
  readonly first: string;
  /** Every token joined: "MARY ANN" → "MARYANN", "JEAN-LUC" → "JEANLUC". */
  readonly full: string;
  /** Tokens after the first (a middle name written into the given-name field). */
  readonly rest: readonly string[];
}

/** Normalizes a given name (XPN-2 or a roster's first-name column). */
export function normalizeGivenName(value: string | undefined): NormalizedGiven {
  const tokens = nameTokens(value);
  return { first: tokens[0] ?? "", full: tokens.join(""), rest: tokens.slice(1) };
}
