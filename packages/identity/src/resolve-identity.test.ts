import { describe, expect, it } from "vitest";
import { type Resolution, resolveIdentity } from "./resolve-identity.ts";
import { candidate, incomingFrom } from "./test-fixtures.ts";

const MRN = { value: "MR-77", typeCode: "MR", assigningAuthority: "MERCYGEN" };

function matched(r: Resolution): string | undefined {
  return r.outcome === "match" ? r.patientId : undefined;
}

describe("resolveIdentity: identifier", () => {
  const william = candidate({ patientId: "p1", identifiers: [MRN] });
  const other = candidate({
    patientId: "p2",
    family: "Lindqvist",
    given: "Hannah",
    birthDate: "1990-10-21",
    sex: "F",
  });

  it("matches on MRN with the same authority and type, even after a name change and a move", () => {
    const r = resolveIdentity(
      incomingFrom(william, {
        identifiers: [MRN],
        name: { family: "Adeyemi", given: "William" },
        addresses: [{ postalCode: "90210" }],
        telecoms: [],
      }),
      [william, other],
    );
    expect(r).toMatchObject({ outcome: "match", patientId: "p1", method: "identifier" });
    if (r.outcome === "match") expect(r.explanation.identifier).toBe("mrn");
  });

  it("does not match an MRN from another authority or of another type", () => {
    const elsewhere = { ...MRN, assigningAuthority: "STJUDE" };
    const r1 = resolveIdentity(incomingFrom(other, { identifiers: [elsewhere] }), [william]);
    expect(r1.outcome).toBe("no-match");
    const typed = { ...MRN, typeCode: "PI" };
    const r2 = resolveIdentity(incomingFrom(other, { identifiers: [typed] }), [william]);
    expect(r2.outcome).toBe("no-match");
  });

  it("matches on the payer member id", () => {
    const member = candidate({ patientId: "p3", memberIds: ["W123-456"] });
    const r = resolveIdentity(incomingFrom(member, { memberId: "w123456", telecoms: [], addresses: [] }), [
      member,
    ]);
    expect(r).toMatchObject({ outcome: "match", patientId: "p3", method: "identifier" });
  });

  it("sends MRN reuse with contradicting demographics to review", () => {
    // Another person carries William's number: different name, birth date and sex.
    const r = resolveIdentity(incomingFrom(other, { identifiers: [MRN] }), [william]);
    expect(r).toMatchObject({ outcome: "review", reason: "identifier-contradicted" });
    if (r.outcome === "review") expect(r.candidates.map((c) => c.patientId)).toEqual(["p1"]);
  });

  it("sends an MRN hit with different birth date and sex (same name) to review", () => {
    const r = resolveIdentity(
      incomingFrom(william, { identifiers: [MRN], birthDate: "1999-12-25", sex: "F" }),
      [william],
    );
    expect(r).toMatchObject({ outcome: "review", reason: "identifier-contradicted" });
  });

  it("sends a relative given the family number (same family, other given name and birth date) to review", () => {
    const r = resolveIdentity(
      incomingFrom(william, {
        identifiers: [MRN],
        name: { family: "Okonkwo", given: "Grace" },
        birthDate: "1994-06-30",
      }),
      [william],
    );
    expect(r.outcome).toBe("review");
  });

  it("sends an identifier held by two patients to review", () => {
    const twice = candidate({ patientId: "p9", family: "Okonkwo", given: "Will", identifiers: [MRN] });
    const r = resolveIdentity(incomingFrom(william, { identifiers: [MRN] }), [william, twice]);
    expect(r).toMatchObject({ outcome: "review", reason: "identifier-conflict" });
  });
});

describe("resolveIdentity: deterministic and probabilistic", () => {
  const william = candidate({ patientId: "p1" });

  it("matches an exact copy deterministically, with an explanation", () => {
    const r = resolveIdentity(incomingFrom(william), [william]);
    expect(r).toMatchObject({ outcome: "match", patientId: "p1", method: "deterministic" });
    if (r.outcome !== "match") return;
    expect(r.explanation.thresholds).toEqual({ upper: 30, lower: 14 });
    expect(r.explanation.fields.find((f) => f.field === "birthDate")).toEqual({
      field: "birthDate",
      level: "exact",
      weight: 14.21,
    });
    expect(r.explanation.score).toBeCloseTo(
      r.explanation.fields.reduce((s, f) => s + f.weight, 0),
      2,
    );
  });

  it("matches a nickname deterministically (Bill for William)", () => {
    const r = resolveIdentity(incomingFrom(william, { name: { family: "OKONKWO", given: "BILL" } }), [
      william,
    ]);
    expect(r).toMatchObject({ outcome: "match", patientId: "p1", method: "deterministic" });
    if (r.outcome === "match")
      expect(r.explanation.fields.find((f) => f.field === "given")?.level).toBe("nickname");
  });

  it("normalizes accents, particles and suffixes before deterministic matching", () => {
    const maria = candidate({
      patientId: "m",
      family: "de la Peña",
      given: "María",
      sex: "F",
      middle: undefined,
    });
    const r = resolveIdentity(incomingFrom(maria, { name: { family: "DELAPENA JR", given: "MARIA" } }), [
      maria,
    ]);
    expect(r).toMatchObject({ outcome: "match", patientId: "m", method: "deterministic" });
  });

  it("does not match deterministically when a present phone or postal code disagrees", () => {
    const r = resolveIdentity(incomingFrom(william, { addresses: [{ postalCode: "90210" }] }), [william]);
    expect(r.outcome === "match" && r.method === "deterministic").toBe(false);
  });

  it("scores a typo probabilistically", () => {
    const r = resolveIdentity(incomingFrom(william, { name: { family: "Okonkow", given: "William" } }), [
      william,
    ]);
    expect(r).toMatchObject({ outcome: "match", patientId: "p1", method: "probabilistic" });
  });

  it("puts a day/month swap with full contact agreement above the upper threshold, without it in review", () => {
    const swapped = incomingFrom(william, { birthDate: "1961-04-03" });
    const full = resolveIdentity(swapped, [william]);
    expect(full).toMatchObject({ outcome: "match", method: "probabilistic" });
    if (full.outcome === "match")
      expect(full.explanation.fields.find((f) => f.field === "birthDate")?.level).toBe("transposed");
    const bare = resolveIdentity(
      { ...swapped, addresses: [], telecoms: [], name: { family: "Okonkwo", given: "William" } },
      [william],
    );
    expect(bare).toMatchObject({ outcome: "review", reason: "between-thresholds" });
  });

  it("gives no match when nothing agrees, and says what the best candidate scored", () => {
    const stranger = candidate({
      patientId: "x",
      family: "Lindqvist",
      given: "Hannah",
      middle: undefined,
      birthDate: "1990-10-21",
      sex: "F",
      postalCode: "90210",
      phone: "4155550000",
    });
    const r = resolveIdentity(incomingFrom(stranger), [william]);
    expect(r.outcome).toBe("no-match");
    if (r.outcome === "no-match") expect(r.best?.score).toBeLessThan(14);
  });

  it("gives no match without candidates", () => {
    expect(resolveIdentity(incomingFrom(william), [])).toEqual({ outcome: "no-match" });
  });
});

describe("resolveIdentity: when in doubt, do not match", () => {
  it("never cross-matches twins (same birth date, family, address; different given names)", () => {
    const ava = candidate({
      patientId: "ava",
      given: "Ava",
      middle: undefined,
      sex: "F",
      birthDate: "2015-06-01",
    });
    const noah = candidate({
      patientId: "noah",
      given: "Noah",
      middle: undefined,
      sex: "M",
      birthDate: "2015-06-01",
    });
    const forAva = resolveIdentity(incomingFrom(ava), [ava, noah]);
    expect(matched(forAva)).toBe("ava");
    // Ava's twin brother is not on the roster: his event must not match Ava.
    expect(matched(resolveIdentity(incomingFrom(noah), [ava]))).toBeUndefined();
    // Same-sex twins, one missing from the roster.
    const mia = candidate({
      patientId: "mia",
      given: "Mia",
      middle: undefined,
      sex: "F",
      birthDate: "2015-06-01",
    });
    expect(matched(resolveIdentity(incomingFrom(mia), [ava]))).toBeUndefined();
    // A typo in the twin's given name goes to review, never to the other twin.
    const typo = resolveIdentity(incomingFrom(ava, { name: { family: "Okonkwo", given: "Aba" } }), [
      ava,
      mia,
    ]);
    expect(matched(typo) === "mia").toBe(false);
  });

  it("never matches a father to his junior (same name and household, other birth date)", () => {
    const senior = candidate({ patientId: "sr", birthDate: "1961-03-04" });
    const junior = candidate({ patientId: "jr", birthDate: "1990-08-17", middle: undefined });
    const r = resolveIdentity(incomingFrom(junior, { name: { family: "Okonkwo Jr", given: "William" } }), [
      senior,
    ]);
    expect(matched(r)).toBeUndefined();
  });

  it("never matches a parent to a same-name child born a generation later, even one digit apart", () => {
    const parent = candidate({ patientId: "parent", birthDate: "1958-03-14", middle: undefined });
    const child = candidate({ patientId: "child", birthDate: "1988-03-14", middle: undefined });
    expect(matched(resolveIdentity(incomingFrom(child), [parent]))).toBeUndefined();
    expect(matched(resolveIdentity(incomingFrom(parent), [child]))).toBeUndefined();
    expect(matched(resolveIdentity(incomingFrom(child), [parent, child]))).toBe("child");
  });

  it("never matches Jr to Sr (or III to II), even on the same birth date, and reads the suffix anywhere", () => {
    const senior = candidate({ patientId: "sr", suffix: "Sr" });
    const junior = candidate({ patientId: "jr", family: "Okonkwo Jr" });
    const asJunior = incomingFrom(senior, { name: { family: "Okonkwo", given: "William", suffix: "JR" } });
    const r = resolveIdentity(asJunior, [senior]);
    expect(r).toMatchObject({ outcome: "review", reason: "vetoed" });
    if (r.outcome === "review")
      expect(r.candidates[0]?.explanation.fields.find((f) => f.field === "suffix")?.level).toBe("disagree");
    expect(
      matched(
        resolveIdentity(incomingFrom(junior, { name: { family: "Okonkwo III", given: "William" } }), [
          junior,
        ]),
      ),
    ).toBeUndefined();
    expect(matched(resolveIdentity(asJunior, [senior, junior]))).toBe("jr");
    // Jr on one side only is no evidence either way.
    expect(
      matched(
        resolveIdentity(
          incomingFrom(senior, { name: { family: "Okonkwo", given: "William", suffix: "Jr" } }),
          [candidate({ patientId: "plain" })],
        ),
      ),
    ).toBe("plain");
  });

  it("never matches twins of one given name told apart by the middle name or initial", () => {
    const a = candidate({ patientId: "a", given: "Mia", middle: "Rose", sex: "F", birthDate: "2015-06-01" });
    const b = candidate({ patientId: "b", given: "Mia", middle: "L", sex: "F", birthDate: "2015-06-01" });
    const forA = resolveIdentity(incomingFrom(a), [b]);
    expect(forA).toMatchObject({ outcome: "review", reason: "vetoed" });
    expect(matched(resolveIdentity(incomingFrom(b), [a]))).toBeUndefined();
    expect(matched(resolveIdentity(incomingFrom(a), [a, b]))).toBe("a");
    expect(
      matched(
        resolveIdentity(incomingFrom(a, { name: { family: "Okonkwo", given: "Mia", middle: "R" } }), [a, b]),
      ),
    ).toBe("a");
  });

  it("lets a middle name disagreement weigh against, but not overturn, an MRN", () => {
    const mrn = { value: "MR-1", typeCode: "MR", assigningAuthority: "MERCYGEN" };
    const william = candidate({ patientId: "w", identifiers: [mrn] });
    const r = resolveIdentity(
      incomingFrom(william, {
        identifiers: [mrn],
        name: { family: "Okonkwo", given: "William", middle: "Peter" },
      }),
      [william],
    );
    expect(r).toMatchObject({ outcome: "match", method: "identifier" });
  });

  it("sends a junior carrying his father's MRN to review (birth date and suffix disagree)", () => {
    const mrn = { value: "MR-1", typeCode: "MR", assigningAuthority: "MERCYGEN" };
    const senior = candidate({ patientId: "sr", identifiers: [mrn], family: "Okonkwo Sr" });
    const r = resolveIdentity(
      incomingFrom(senior, {
        identifiers: [mrn],
        name: { family: "Okonkwo", given: "William", suffix: "JR" },
        birthDate: "1991-03-04",
      }),
      [senior],
    );
    expect(r).toMatchObject({ outcome: "review", reason: "identifier-contradicted" });
  });

  it("sends two equally good candidates to review (a duplicate roster record)", () => {
    const a = candidate({ patientId: "a" });
    const b = candidate({ patientId: "b" });
    const r = resolveIdentity(incomingFrom(a), [a, b]);
    expect(r).toMatchObject({ outcome: "review", reason: "ambiguous" });
    if (r.outcome === "review") expect(r.candidates.map((c) => c.patientId).sort()).toEqual(["a", "b"]);
  });

  it("sends close probabilistic scores to review", () => {
    const a = candidate({ patientId: "a", given: "Jonathan", middle: undefined });
    const b = candidate({ patientId: "b", given: "Jonathon", middle: undefined, phone: undefined });
    const r = resolveIdentity(incomingFrom(a, { name: { family: "Okonkwo", given: "Jonathen" } }), [a, b]);
    expect(r.outcome).toBe("review");
  });

  it("treats two records of one patient id as one candidate", () => {
    const a1 = candidate({ patientId: "a" });
    const a2 = candidate({ patientId: "a", phone: undefined });
    expect(matched(resolveIdentity(incomingFrom(a1), [a1, a2]))).toBe("a");
    expect(matched(resolveIdentity(incomingFrom(a1), [a2, a1]))).toBe("a");
  });

  it("honours custom thresholds", () => {
    const william = candidate({ patientId: "p1" });
    const typo = incomingFrom(william, { name: { family: "Okonkow", given: "William" } });
    const strict = resolveIdentity(typo, [william], { thresholds: { upper: 60, lower: 14 } });
    expect(strict).toMatchObject({ outcome: "review", reason: "between-thresholds" });
  });
});

describe("resolveIdentity: several source records of one patient", () => {
  const MRN_A = { value: "MR-5", typeCode: "MR", assigningAuthority: "MERCYGEN" };
  // What one organization's roster says about patient "a", and a stale or wrong record another
  // organization's roster holds for the same patient id (another person of the household).
  const current = candidate({ patientId: "a" });
  const junior = candidate({ patientId: "a", birthDate: "1991-08-17", middle: undefined, phone: undefined });

  it("auto-matches when the other records only lack or update contact details", () => {
    const moved = candidate({ patientId: "a", postalCode: "90210", phone: undefined });
    const r = resolveIdentity(incomingFrom(current), [current, moved]);
    expect(r).toMatchObject({ outcome: "match", patientId: "a", method: "deterministic" });
  });

  it("sends a deterministic match to review when another source's record of the patient disagrees", () => {
    for (const records of [
      [current, junior],
      [junior, current],
    ]) {
      const r = resolveIdentity(incomingFrom(current), records);
      expect(r).toMatchObject({ outcome: "review", reason: "vetoed" });
      if (r.outcome === "review") {
        expect(r.candidates.map((c) => c.patientId)).toEqual(["a"]);
        expect(r.candidates[0]?.explanation.notes).toContain(
          "another source's demographics for this patient disagree",
        );
      }
    }
  });

  it("never lets a wrong source win a match for someone else: the junior's event is not matched to a", () => {
    // The junior (not on any roster under his own id) arrives; source B wrongly holds his demographics
    // under patient a. Source A's record of a (his father) contradicts him.
    const r = resolveIdentity(incomingFrom(junior), [current, junior]);
    expect(matched(r)).toBeUndefined();
  });

  it("sends a probabilistic match to review when another record of the patient disagrees", () => {
    const typo = incomingFrom(current, { name: { family: "Okonkow", given: "William" } });
    expect(matched(resolveIdentity(typo, [current]))).toBe("a");
    const r = resolveIdentity(typo, [current, junior]);
    expect(r).toMatchObject({ outcome: "review", reason: "vetoed" });
  });

  it("sends an identifier hit to review when any record of its patient contradicts the incoming patient", () => {
    const withMrn = candidate({ patientId: "a", identifiers: [MRN_A] });
    // Another source holds someone else entirely under patient a: other names, birth date and sex.
    const wrong = candidate({
      patientId: "a",
      family: "Lindqvist",
      given: "Hannah",
      birthDate: "1990-10-21",
      sex: "F",
    });
    const incoming = incomingFrom(withMrn, { identifiers: [MRN_A] });
    expect(resolveIdentity(incoming, [withMrn])).toMatchObject({ outcome: "match", method: "identifier" });
    for (const records of [
      [withMrn, wrong],
      [wrong, withMrn],
    ]) {
      const r = resolveIdentity(incoming, records);
      expect(r).toMatchObject({ outcome: "review", reason: "identifier-contradicted" });
      if (r.outcome === "review")
        expect(r.candidates[0]?.explanation.notes.join(" ")).toContain("another source's demographics");
    }
  });

  it("keeps an identifier match when the other record disagrees on one fact only (a maiden name)", () => {
    const withMrn = candidate({ patientId: "a", identifiers: [MRN_A], sex: "F", given: "Grace" });
    const maiden = candidate({ patientId: "a", family: "Lindqvist", sex: "F", given: "Grace" });
    const r = resolveIdentity(incomingFrom(withMrn, { identifiers: [MRN_A] }), [withMrn, maiden]);
    expect(r).toMatchObject({ outcome: "match", patientId: "a", method: "identifier" });
  });
});
