import { describe, expect, it } from "vitest";
import {
  compareBirthDate,
  compareFamily,
  compareGiven,
  compareMiddle,
  compareRecords,
  compareSuffix,
  isOneEditTypo,
} from "./compare-fields.ts";
import { prepareCandidate } from "./identity-record.ts";
import { parseBirthDate } from "./normalize-contact.ts";
import { normalizeFamilyName as fam, normalizeGivenName as giv } from "./normalize-name.ts";

const date = (s: string) => parseBirthDate(s);

describe("isOneEditTypo", () => {
  it("accepts one transposition, deletion, insertion or substitution", () => {
    expect(isOneEditTypo("JOHNSON", "JONHSON")).toBe(true);
    expect(isOneEditTypo("SMITH", "SMTH")).toBe(true);
    expect(isOneEditTypo("SMTH", "SMITH")).toBe(true);
    expect(isOneEditTypo("SMITH", "SMYTH")).toBe(true);
    expect(isOneEditTypo("JON", "JNO")).toBe(true);
  });
  it("rejects equal strings, two edits and substitutions on short names", () => {
    expect(isOneEditTypo("SMITH", "SMITH")).toBe(false);
    expect(isOneEditTypo("SMITH", "SMYTHE")).toBe(false);
    expect(isOneEditTypo("JON", "JAN")).toBe(false);
    expect(isOneEditTypo("ANN", "AN")).toBe(false);
  });
});

describe("compareFamily", () => {
  it("levels", () => {
    expect(compareFamily(fam("De La Cruz"), fam("DELACRUZ"))).toBe("exact");
    expect(compareFamily(fam("de la Cruz"), fam("Cruz"))).toBe("exact");
    expect(compareFamily(fam("García-López"), fam("Garcia"))).toBe("compound");
    expect(compareFamily(fam("Lopez Garcia"), fam("García-López"))).toBe("compound");
    expect(compareFamily(fam("Johnson"), fam("Jonhson"))).toBe("close");
    expect(compareFamily(fam("Miller"), fam("Mills"))).toBe("similar");
    expect(compareFamily(fam("Smith"), fam("Nguyen"))).toBe("disagree");
    expect(compareFamily(fam(""), fam("Nguyen"))).toBe("missing");
  });
});

describe("compareGiven", () => {
  it("levels", () => {
    expect(compareGiven(giv("Mary Ann"), giv("MARYANN"))).toBe("exact");
    expect(compareGiven(giv("Mary"), giv("MARY ANN"))).toBe("exact");
    expect(compareGiven(giv("Bill"), giv("William"))).toBe("nickname");
    expect(compareGiven(giv("Wiliam"), giv("William"))).toBe("close");
    expect(compareGiven(giv("W"), giv("William"))).toBe("initial");
    expect(compareGiven(giv("R"), giv("William"))).toBe("disagree");
    expect(compareGiven(giv("Robert"), giv("William"))).toBe("disagree");
    expect(compareGiven(giv(undefined), giv("William"))).toBe("missing");
  });
});

describe("compareMiddle", () => {
  it("levels", () => {
    expect(compareMiddle("LOUISE", "LOUISE")).toBe("exact");
    expect(compareMiddle("L", "LOUISE")).toBe("initial");
    expect(compareMiddle("ANN", "LOUISE")).toBe("disagree");
    expect(compareMiddle("", "LOUISE")).toBe("missing");
    expect(compareMiddle("ANNE", "ANNEMARIE")).toBe("initial");
  });

  it("keeps apart twins and siblings of one given name (other initial, or another name of one initial)", () => {
    expect(compareMiddle("A", "B")).toBe("disagree");
    expect(compareMiddle("ADAM", "B")).toBe("disagree");
    expect(compareMiddle("ADAM", "ALAN")).toBe("disagree");
  });
});

describe("compareSuffix", () => {
  it("agrees, disagrees, or is missing when either side has none", () => {
    expect(compareSuffix("JR", "JR")).toBe("agree");
    expect(compareSuffix("JR", "SR")).toBe("disagree");
    expect(compareSuffix("II", "III")).toBe("disagree");
    expect(compareSuffix("", "JR")).toBe("missing");
  });
});

describe("compareBirthDate", () => {
  it("gives partial credit for swapped and off-by-one parts", () => {
    expect(compareBirthDate(date("1985-03-04"), date("1985-03-04"))).toBe("exact");
    expect(compareBirthDate(date("1985-03-04"), date("1985-04-03"))).toBe("transposed");
    expect(compareBirthDate(date("1985-03-04"), date("1986-03-04"))).toBe("off-by-one");
    expect(compareBirthDate(date("1985-03-04"), date("1985-03-05"))).toBe("off-by-one");
    expect(compareBirthDate(date("1985-03-04"), date("1985-02-04"))).toBe("off-by-one");
    expect(compareBirthDate(date("1985-03-14"), date("1985-03-41".replace("41", "24")))).toBe("off-by-one");
    expect(compareBirthDate(date("1985-03-04"), date("1989-03-04"))).toBe("off-by-one");
    expect(compareBirthDate(date("1985-03-04"), date("1979-03-04"))).toBe("partial");
    expect(compareBirthDate(date("1985-03-04"), date("1962-07-19"))).toBe("disagree");
    expect(compareBirthDate(undefined, date("1962-07-19"))).toBe("missing");
  });

  it("never takes years a generation apart for a typo, even one digit apart", () => {
    expect(compareBirthDate(date("1958-03-14"), date("1988-03-14"))).toBe("disagree");
    expect(compareBirthDate(date("1985-03-04"), date("1958-03-04"))).toBe("disagree");
    expect(compareBirthDate(date("1961-05-20"), date("1971-05-20"))).toBe("disagree");
    expect(compareBirthDate(date("1961-03-04"), date("1971-04-03"))).toBe("disagree");
    expect(compareBirthDate(date("1961-05-20"), date("1970-05-20"))).toBe("partial");
  });

  it("gives a day/month swap with a one-digit year slip partial credit", () => {
    expect(compareBirthDate(date("1961-03-04"), date("1967-04-03"))).toBe("partial");
    expect(compareBirthDate(date("1961-03-04"), date("1962-04-03"))).toBe("partial");
    expect(compareBirthDate(date("1961-03-04"), date("1967-04-05"))).toBe("disagree");
  });
});

describe("compareRecords", () => {
  it("compares every field in a fixed order with its weight; missing weighs 0", () => {
    const a = prepareCandidate({
      patientId: "a",
      identifiers: [],
      family: "Smith",
      given: "Ann",
      birthDate: "1970-01-02",
      sex: "F",
    });
    const fields = compareRecords(a, a);
    expect(fields.map((f) => f.field)).toEqual([
      "family",
      "given",
      "middle",
      "suffix",
      "birthDate",
      "sex",
      "postalCode",
      "phone",
    ]);
    expect(fields.map((f) => f.level)).toEqual([
      "exact",
      "exact",
      "missing",
      "missing",
      "exact",
      "agree",
      "missing",
      "missing",
    ]);
    for (const f of fields) if (f.level === "missing") expect(f.weight).toBe(0);
  });
});
