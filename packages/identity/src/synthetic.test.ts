import { describe, expect, it } from "vitest";
import { buildIdentityIndex } from "./identity-index.ts";
import { seededRandom } from "./random.ts";
import { resolveIdentity } from "./resolve-identity.ts";
import { generatePopulation } from "./synthetic.ts";
import { generateEvents, typo } from "./synthetic-events.ts";

describe("seededRandom", () => {
  it("repeats for a seed and differs across seeds", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe("typo", () => {
  it("makes one edit and keeps the first letter", () => {
    const random = seededRandom(1);
    for (let i = 0; i < 50; i++) {
      const t = typo(random, "Johnson");
      expect(t[0]).toBe("J");
      expect(Math.abs(t.length - 7)).toBeLessThanOrEqual(1);
    }
  });
});

describe("generatePopulation and generateEvents", () => {
  const population = generatePopulation({ seed: 11, people: 3000 });
  const events = generateEvents(population, { seed: 11, events: 1000 });

  it("are deterministic for a seed", () => {
    expect(generatePopulation({ seed: 11, people: 3000 })).toEqual(population);
    expect(generateEvents(population, { seed: 11, events: 1000 })).toEqual(events);
  });

  it("build households with shared addresses, twins and a roster that is part of the population", () => {
    expect(population.people.length).toBeGreaterThanOrEqual(3000);
    expect(population.roster.length / population.people.length).toBeGreaterThan(0.6);
    expect(population.roster.length / population.people.length).toBeLessThan(0.8);
    const households = new Map<number, number>();
    for (const p of population.people)
      households.set(p.householdId, (households.get(p.householdId) ?? 0) + 1);
    expect([...households.values()].some((n) => n >= 3)).toBe(true);
    const byHouseholdAndDate = new Map<string, number>();
    for (const p of population.people) {
      const key = `${p.householdId}|${p.birthDate}`;
      byHouseholdAndDate.set(key, (byHouseholdAndDate.get(key) ?? 0) + 1);
    }
    expect([...byHouseholdAndDate.values()].some((n) => n >= 2)).toBe(true);
  });

  it("keep the ground truth: members point at their roster record, non-members at none", () => {
    const ids = new Set(population.roster.map((c) => c.patientId));
    for (const e of events) {
      if (e.truth.errors.includes("nonMember")) expect(e.truth.patientId).toBeUndefined();
      else expect(ids.has(e.truth.patientId ?? "")).toBe(true);
    }
    const nonMembers = events.filter((e) => e.truth.patientId === undefined).length;
    expect(nonMembers / events.length).toBeGreaterThan(0.2);
    expect(nonMembers / events.length).toBeLessThan(0.4);
  });

  it("apply errors at about the configured rates", () => {
    const many = generateEvents(population, {
      seed: 3,
      events: 4000,
      errorRates: { nickname: 0, nameTypo: 0.5 },
    });
    const rate = (e: string) => many.filter((x) => x.truth.errors.includes(e as never)).length / many.length;
    expect(rate("nickname")).toBe(0);
    expect(rate("nameTypo")).toBeGreaterThan(0.45);
    expect(rate("nameTypo")).toBeLessThan(0.55);
  });

  it("never lead to a wrong auto-match at the default thresholds (small sample of the benchmark)", () => {
    const index = buildIdentityIndex(population.roster);
    let wrong = 0;
    let right = 0;
    for (const e of events) {
      const r = resolveIdentity(e.patient, index.candidatesFor(e.patient), { index });
      if (r.outcome !== "match") continue;
      if (r.patientId === e.truth.patientId) right++;
      else wrong++;
    }
    expect(wrong).toBe(0);
    expect(right / events.filter((e) => e.truth.patientId !== undefined).length).toBeGreaterThan(0.9);
  });
});
