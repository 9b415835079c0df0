/**
 * Who the feed simulator sends messages about: roster patients from the demo seed's patients file
 * (`.stack/demo/patients.json`, written by infra/demo/seed-cli.ts) and strangers it makes up, who
 * match nobody. Everyone here is synthetic; the names are obviously invented.
 */
import { z } from "zod";
import { DemoScenario } from "./simulator-scenario.ts";

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD");

/** One person as the simulator needs them: demographics, the plan's member id, an MRN per hospital. */
export const SimPatient = z.object({
  /** Homeward's patient id when the person is on the roster (for the seed's own bookkeeping). */
  patientId: z.string().optional(),
  family: z.string().min(1),
  given: z.string().min(1),
  middle: z.string().optional(),
  sex: z.enum(["F", "M", "U"]),
  birthDate: Day,
  street: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  postalCode: z.string().optional(),
  /** Ten digits. */
  phone: z
    .string()
    .regex(/^\d{10}$/)
    .optional(),
  memberId: z.string().optional(),
  /** The plan that issued `memberId` (CX-4 when a hospital sends it in PID-3). */
  memberIdAuthority: z.string().optional(),
  /** The patient's medical record number at each hospital, by sending facility (MSH-4). */
  mrns: z.record(z.string(), z.string()),
  /** Care-management tier: high-risk patients visit the ED more often, so the simulator picks them more. */
  riskTier: z.enum(["I", "II", "III"]).optional(),
  pcp: z.object({ npi: z.string(), family: z.string(), given: z.string() }).optional(),
});
export type SimPatient = z.infer<typeof SimPatient>;

/** The patients file the demo seed writes (extra fields are allowed and ignored). */
export const PatientsFile = z.object({
  schemaVersion: z.literal(1),
  patients: z.array(SimPatient),
  /** The demo's recent past, replayed when the feed starts (simulator-scenario.ts). */
  scenario: DemoScenario.optional(),
});
export type PatientsFile = z.infer<typeof PatientsFile>;

/** Reads a patients file's text; every problem is reported, as `path: message`. */
export function parsePatientsFile(
  text: string,
): { ok: true; patients: SimPatient[]; scenario?: DemoScenario } | { ok: false; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`not JSON: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const parsed = PatientsFile.safeParse(json);
  if (parsed.success) {
    const { patients, scenario } = parsed.data;
    return scenario === undefined ? { ok: true, patients } : { ok: true, patients, scenario };
  }
  return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
}

/** A small seeded PRNG (mulberry32): the same seed gives the same feed. Not for anything secret. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      const item = items[int(items.length)];
      if (item === undefined) throw new RangeError("pick from an empty list");
      return item;
    },
  };
}

// Invented names that resemble nobody on the demo roster (whose family names are Demo-/Synth-/Sample-…).
const STRANGER_FAMILY = [
  "Wanderby",
  "Strayfield",
  "Nomadson",
  "Transiter",
  "Passerine",
  "Drifton",
  "Roamwell",
];
const STRANGER_GIVEN_F = ["Quenby", "Ysolde", "Marisol", "Ottilie", "Briallen", "Sunniva"];
const STRANGER_GIVEN_M = ["Caspian", "Thaddeus", "Leopold", "Osric", "Barnaby", "Fitzroy"];

/**
 * `count` strangers, each with an MRN at every hospital in `facilities` and a member id of a plan
 * Homeward does not know: their events must end up unmatched, never with a practice.
 */
export function makeStrangers(count: number, facilities: readonly string[], random: Random): SimPatient[] {
  const out: SimPatient[] = [];
  for (let i = 0; i < count; i++) {
    const sex = random.chance(0.5) ? "F" : "M";
    const year = 1930 + random.int(80);
    const month = String(1 + random.int(12)).padStart(2, "0");
    const day = String(1 + random.int(28)).padStart(2, "0");
    const mrns: Record<string, string> = {};
    for (const f of facilities) mrns[f] = `X${f.slice(0, 2)}${String(700000 + i * 131 + random.int(97))}`;
    out.push({
      family: random.pick(STRANGER_FAMILY),
      given: random.pick(sex === "F" ? STRANGER_GIVEN_F : STRANGER_GIVEN_M),
      sex,
      birthDate: `${year}-${month}-${day}`,
      street: `${100 + random.int(800)} Nowhere Rd`,
      city: "Elsewhere",
      state: "ZZ",
      postalCode: String(90000 + random.int(999)).padStart(5, "0"),
      phone: `555555${String(random.int(100)).padStart(2, "0")}${String(random.int(100)).padStart(2, "0")}`,
      memberId: `OTH${String(10_000_000 + i * 7919 + random.int(1000))}`,
      memberIdAuthority: "OTHERPLAN",
      mrns,
    });
  }
  return out;
}
