import { describe, expect, it } from "vitest";
import { buildIdentityIndex, MAX_BLOCK_SIZE } from "./identity-index.ts";
import { resolveIdentity, resolveThroughIndex } from "./resolve-identity.ts";
import { generatePopulation } from "./synthetic.ts";
import { generateEvents } from "./synthetic-events.ts";
import { candidate, incomingFrom } from "./test-fixtures.ts";

describe("buildIdentityIndex", () => {
  const william = candidate({
    patientId: "w",
    identifiers: [{ value: "77", typeCode: "MR", assigningAuthority: "MERCY" }],
  });
  const hannah = candidate({
    patientId: "h",
    family: "Lindqvist",
    given: "Hannah",
    birthDate: "1990-10-21",
    phone: "4155550000",
    postalCode: "94110",
  });
  const maya = candidate({
    patientId: "m",
    family: "Castillo",
    given: "Maya",
    birthDate: "1975-02-11",
    phone: undefined,
    memberIds: ["W9"],
  });
  const index = buildIdentityIndex([william, hannah, maya]);

  it("finds by identifier only with the same authority", () => {
    const bare = { addresses: [], telecoms: [] };
    expect(
      index.candidatesFor({
        identifiers: [{ value: "77", typeCode: "MR", assigningAuthority: "MERCY" }],
        ...bare,
      }),
    ).toEqual([william]);
    expect(
      index.candidatesFor({
        identifiers: [{ value: "77", typeCode: "MR", assigningAuthority: "OTHER" }],
        ...bare,
      }),
    ).toEqual([]);
  });

  it("finds by member id, birth date, swapped birth date, phone and family sound", () => {
    const none = [{ value: "x", assigningAuthority: "Z" }];
    expect(index.candidatesFor({ identifiers: none, addresses: [], telecoms: [], memberId: "W9" })).toEqual([
      maya,
    ]);
    expect(
      index.candidatesFor({ identifiers: none, addresses: [], telecoms: [], birthDate: "1990-10-21" }),
    ).toEqual([hannah]);
    expect(
      index.candidatesFor({ identifiers: none, addresses: [], telecoms: [], birthDate: "1961-04-03" }),
    ).toEqual([william]);
    expect(
      index.candidatesFor({
        identifiers: none,
        addresses: [],
        telecoms: [{ system: "phone", value: "(415) 555-0000", field: "PID-13" }],
      }),
    ).toEqual([hannah]);
    // Family sounds alike, birth year off by one, day wrong.
    expect(
      index.candidatesFor({
        identifiers: none,
        addresses: [],
        telecoms: [],
        name: { family: "Lindkvist" },
        birthDate: "1991-10-02",
      }),
    ).toEqual([hannah]);
  });

  it("finds a record through a day/month swap and a year typo at once, without a phone", () => {
    // William, born 1961-03-04, registered as 1967-04-03 with no phone and another postal code.
    const both = {
      identifiers: [{ value: "x", assigningAuthority: "Z" }],
      addresses: [{ postalCode: "90210" }],
      telecoms: [],
      name: { family: "OKONKWO", given: "WILLIAM" },
      birthDate: "1967-04-03",
    };
    expect(index.candidatesFor(both)).toEqual([william]);
    const r = resolveIdentity(both, index.candidatesFor(both), { index });
    expect(r).toMatchObject({ outcome: "review" });
    if (r.outcome === "review") expect(r.candidates.map((c) => c.patientId)).toContain("w");
  });

  it("skips an oversized name-and-day block, as every other non-identifier block", () => {
    const crowd = Array.from({ length: MAX_BLOCK_SIZE + 1 }, (_, i) =>
      candidate({
        patientId: `c${i}`,
        birthDate: `${1900 + (i % 100)}-03-04`,
        postalCode: String(10000 + i),
        phone: undefined,
      }),
    );
    const crowded = buildIdentityIndex(crowd);
    const swappedAndMistyped = {
      identifiers: [{ value: "x", assigningAuthority: "Z" }],
      addresses: [],
      telecoms: [],
      name: { family: "Okonkwo", given: "William" },
      birthDate: "2031-04-03",
    };
    expect(crowded.candidatesFor(swappedAndMistyped)).toEqual([]);
  });

  it("exposes its prepared records and size", () => {
    expect(index.size).toBe(3);
    expect(index.preparedOf(william)?.family.core).toBe("OKONKWO");
    expect(index.preparedOf(candidate({ patientId: "zz" }))).toBeUndefined();
  });

  it("resolves through the index as without it", () => {
    for (const c of [william, hannah, maya]) {
      const incoming = incomingFrom(c);
      expect(resolveIdentity(incoming, index.candidatesFor(incoming), { index })).toEqual(
        resolveIdentity(incoming, [william, hannah, maya]),
      );
    }
  });

  it("resolveThroughIndex decides every synthetic event as resolveIdentity over the index's candidates", () => {
    const population = generatePopulation({ seed: 11, people: 2_000 });
    const big = buildIdentityIndex(population.roster);
    const events = generateEvents(population, { seed: 5, events: 400 });
    let matched = 0;
    for (const e of events) {
      const through = resolveThroughIndex(e.patient, big);
      expect(through).toEqual(resolveIdentity(e.patient, big.candidatesFor(e.patient), { index: big }));
      if (through.outcome === "match") matched++;
    }
    expect(matched).toBeGreaterThan(100);
  });

  it("returns a small block on a synthetic roster and keeps the true record in it", () => {
    const population = generatePopulation({ seed: 7, people: 5000 });
    const big = buildIdentityIndex(population.roster);
    const events = generateEvents(population, { seed: 7, events: 500, errorRates: { nonMember: 0 } });
    let total = 0;
    let found = 0;
    for (const e of events) {
      const block = big.candidatesFor(e.patient);
      total += block.length;
      if (block.some((c) => c.patientId === e.truth.patientId)) found++;
    }
    expect(total / events.length).toBeLessThan(30);
    expect(found / events.length).toBeGreaterThan(0.97);
  });
});
