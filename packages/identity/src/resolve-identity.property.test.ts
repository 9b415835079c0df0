import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Candidate, IncomingPatient } from "./identity-record.ts";
import { resolveIdentity } from "./resolve-identity.ts";
import { incomingFrom } from "./test-fixtures.ts";

const name = fc.stringMatching(/^[A-Za-zÀ-ÿ' -]{0,14}$/);
const date = fc
  .date({ min: new Date("1920-01-01T00:00:00Z"), max: new Date("2024-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));

const candidateArb: fc.Arbitrary<Candidate> = fc.record({
  patientId: fc.stringMatching(/^P[0-9]{1,4}$/),
  identifiers: fc.array(
    fc.record({
      value: digits(3),
      typeCode: fc.constantFrom("MR", "PI"),
      assigningAuthority: fc.constantFrom("A", "B"),
    }),
    { maxLength: 2 },
  ),
  family: name,
  given: name,
  middle: fc.option(name, { nil: undefined }),
  birthDate: fc.oneof(date, fc.constant("not-a-date")),
  sex: fc.constantFrom("F", "M", "U", "female", ""),
  postalCode: fc.option(digits(5), { nil: undefined }),
  phone: fc.option(digits(10), { nil: undefined }),
  memberIds: fc.array(digits(3), { maxLength: 1 }),
});

const incomingArb: fc.Arbitrary<IncomingPatient> = fc.record({
  identifiers: fc.array(
    fc.record({
      value: digits(3),
      typeCode: fc.constantFrom("MR", "PI"),
      assigningAuthority: fc.constantFrom("A", "B"),
    }),
    { minLength: 1, maxLength: 2 },
  ),
  name: fc.record({ family: name, given: name }, { requiredKeys: [] }),
  birthDate: date,
  sex: fc.constantFrom("F", "M", "U", "X"),
  addresses: fc.array(fc.record({ postalCode: digits(5) }), { maxLength: 2 }),
  telecoms: fc.array(
    fc.record({
      system: fc.constant("phone" as const),
      value: digits(10),
      field: fc.constant("PID-13" as const),
    }),
    { maxLength: 2 },
  ),
  memberId: digits(3),
});

describe("resolveIdentity properties", () => {
  it("never throws and is deterministic", () => {
    fc.assert(
      fc.property(incomingArb, fc.array(candidateArb, { maxLength: 6 }), (incoming, candidates) => {
        const a = resolveIdentity(incoming, candidates);
        const b = resolveIdentity(incoming, candidates);
        expect(a).toEqual(b);
      }),
      { numRuns: 300 },
    );
  });

  it("only ever matches one of the candidates given, with its explanation's score", () => {
    fc.assert(
      fc.property(incomingArb, fc.array(candidateArb, { maxLength: 6 }), (incoming, candidates) => {
        const r = resolveIdentity(incoming, candidates);
        if (r.outcome !== "match") return;
        expect(candidates.map((c) => c.patientId)).toContain(r.patientId);
        expect(r.explanation.score).toBeCloseTo(
          r.explanation.fields.reduce((s, f) => s + f.weight, 0),
          1,
        );
      }),
      { numRuns: 300 },
    );
  });

  it("does not depend on the order of the candidates", () => {
    fc.assert(
      fc.property(
        incomingArb,
        fc.uniqueArray(candidateArb, { maxLength: 6, selector: (c) => c.patientId }),
        (incoming, candidates) => {
          const forward = resolveIdentity(incoming, candidates);
          const backward = resolveIdentity(incoming, [...candidates].reverse());
          expect(backward.outcome).toBe(forward.outcome);
          if (forward.outcome === "match" && backward.outcome === "match")
            expect(backward.patientId).toBe(forward.patientId);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// Realistic people for the "exact copy" and "stranger" properties: names of letters, a real date.
const personArb = fc.record({
  patientId: fc.stringMatching(/^P[0-9]{1,6}$/),
  identifiers: fc.constant([]),
  family: fc.stringMatching(/^[A-Z][a-z]{3,10}$/),
  given: fc.stringMatching(/^[A-Z][a-z]{3,9}$/),
  birthDate: date,
  sex: fc.constantFrom("F", "M"),
  postalCode: fc.option(digits(5), { nil: undefined }),
  phone: fc.option(fc.stringMatching(/^[2-9][0-9]{9}$/), { nil: undefined }),
}) satisfies fc.Arbitrary<Candidate>;

describe("resolveIdentity on people", () => {
  it("always matches an exact copy of a lone candidate", () => {
    fc.assert(
      fc.property(personArb, (person) => {
        const r = resolveIdentity(incomingFrom(person), [person]);
        expect(r).toMatchObject({ outcome: "match", patientId: person.patientId });
      }),
      { numRuns: 500 },
    );
  });

  it("always matches an exact copy among distinct other people", () => {
    fc.assert(
      fc.property(personArb, fc.array(personArb, { maxLength: 5 }), (person, others) => {
        const distinct = others.filter(
          (o) =>
            o.patientId !== person.patientId &&
            o.birthDate !== person.birthDate &&
            o.family !== person.family,
        );
        const r = resolveIdentity(incomingFrom(person), [...distinct, person]);
        expect(r).toMatchObject({ outcome: "match", patientId: person.patientId });
      }),
      { numRuns: 300 },
    );
  });

  it("never matches a person with distinct demographics who is not on the roster", () => {
    fc.assert(
      fc.property(personArb, fc.array(personArb, { minLength: 1, maxLength: 5 }), (stranger, roster) => {
        const distinct = roster.filter(
          (c) =>
            c.birthDate !== stranger.birthDate &&
            c.family.slice(0, 2) !== stranger.family.slice(0, 2) &&
            c.given.slice(0, 2) !== stranger.given.slice(0, 2) &&
            c.phone !== stranger.phone,
        );
        const r = resolveIdentity(incomingFrom(stranger), distinct);
        expect(r.outcome).not.toBe("match");
      }),
      { numRuns: 500 },
    );
  });
});

// A household look-alike of a roster person: same family and given name, sex, postal code and
// phone, told apart only by a birth date a generation away, a suffix, or a middle name or initial.
const SUFFIXES = ["Jr", "Sr", "II", "III"] as const;
const initialOf = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ");
const middleFrom = (initial: string) =>
  fc.oneof(
    fc.constant(initial),
    fc.stringMatching(/^[a-z]{2,8}$/).map((rest) => `${initial}${rest}`),
  );
const monthDay = fc.record({ month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) });
const isoDate = (year: number, d: { month: number; day: number }) =>
  `${year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;

/** Where a suffix is written: the name's suffix component, after the family name, or not at all. */
type SuffixPlace = "field" | "family" | "none";
const suffixPlace = fc.constantFrom<SuffixPlace>("field", "family", "none");

const lookAlikeArb = fc
  .record({
    person: personArb,
    year: fc.integer({ min: 1920, max: 2000 }),
    date: monthDay,
    kind: fc.constantFrom("generation", "suffix", "middle"),
    gap: fc.integer({ min: 10, max: 60 }),
    childDate: fc.option(monthDay, { nil: undefined }),
    suffixes: fc.shuffledSubarray([...SUFFIXES], { minLength: 2, maxLength: 2 }),
    places: fc.tuple(suffixPlace, suffixPlace),
    initials: fc.uniqueArray(initialOf, { minLength: 2, maxLength: 2 }),
    middleSeed: fc.tuple(fc.boolean(), fc.boolean()),
    bothOnRoster: fc.boolean(),
  })
  .chain((g) =>
    fc
      .tuple(middleFrom(g.initials[0] ?? "A"), middleFrom(g.initials[1] ?? "B"))
      .map(([m1, m2]) => ({ ...g, middles: [m1, m2] as const })),
  )
  .map((g) => {
    const base = { ...g.person, birthDate: isoDate(g.year, g.date) };
    const withSuffix = (c: Candidate, suffix: string, place: SuffixPlace): Candidate =>
      place === "field"
        ? { ...c, suffix }
        : place === "family"
          ? { ...c, family: `${c.family} ${suffix}` }
          : c;
    let relative: Candidate = { ...base, patientId: `${base.patientId}-relative` };
    let person: Candidate = base;
    if (g.kind === "generation") {
      // A child of the same name born 10-60 years later, often on the same day (1958 and 1988).
      relative = { ...relative, birthDate: isoDate(g.year + g.gap, g.childDate ?? g.date) };
    } else if (g.kind === "suffix") {
      // Jr against Sr, II against III: with both written, on any birth date.
      const [mine = "Sr", theirs = "Jr"] = g.suffixes;
      const [myPlace, theirPlace] = g.places;
      person = withSuffix(person, mine, myPlace === "none" ? "field" : myPlace);
      relative = withSuffix(relative, theirs, theirPlace === "none" ? "family" : theirPlace);
    } else {
      // Twins of one given name: the same birth date, middle names of different initials.
      person = { ...person, middle: g.middles[0] };
      relative = { ...relative, middle: g.middles[1] };
    }
    return { person, relative, bothOnRoster: g.bothOnRoster };
  });

describe("resolveIdentity on households", () => {
  it("never auto-matches a household look-alike to the roster person it resembles", () => {
    fc.assert(
      fc.property(lookAlikeArb, ({ person, relative, bothOnRoster }) => {
        const roster = bothOnRoster ? [person, relative] : [person];
        for (const [incoming, other] of [
          [relative, person],
          [person, relative],
        ] as const) {
          const candidates = bothOnRoster ? roster : [other];
          const r = resolveIdentity(incomingFrom(incoming), candidates);
          if (r.outcome === "match") expect(r.patientId).not.toBe(other.patientId);
        }
      }),
      { numRuns: 1000 },
    );
  }, 60_000);
});
