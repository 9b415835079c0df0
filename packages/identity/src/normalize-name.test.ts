import { describe, expect, it } from "vitest";
import {
  nameTokens,
  normalizeFamilyName,
  normalizeGivenName,
  normalizeSuffix,
  normalizeText,
  trailingSuffix,
} from "./normalize-name.ts";

describe("normalizeText", () => {
  it("upper-cases and strips accents", () => {
    expect(normalizeText("José Muñoz")).toBe("JOSE MUNOZ");
    expect(normalizeText("Zoë Ibáñez")).toBe("ZOE IBANEZ");
  });
  it("maps letters NFD does not decompose", () => {
    expect(normalizeText("Øster Straße")).toBe("OSTER STRASSE");
    expect(normalizeText("Łukasz")).toBe("LUKASZ");
  });
  it("drops apostrophes and turns other punctuation into spaces", () => {
    expect(normalizeText("O'Brien")).toBe("OBRIEN");
    expect(normalizeText("D’Angelo")).toBe("DANGELO");
    expect(normalizeText("St. John-Smith,  ")).toBe("ST JOHN SMITH");
  });
  it("is empty for undefined and blanks", () => {
    expect(normalizeText(undefined)).toBe("");
    expect(normalizeText("  -- ")).toBe("");
  });
});

describe("nameTokens", () => {
  it("drops generational suffixes at the end", () => {
    expect(nameTokens("Smith Jr.")).toEqual(["SMITH"]);
    expect(nameTokens("Smith III")).toEqual(["SMITH"]);
    expect(nameTokens("Smith, Sr")).toEqual(["SMITH"]);
  });
  it("never drops the only token", () => {
    expect(nameTokens("V")).toEqual(["V"]);
    expect(nameTokens("Jr")).toEqual(["JR"]);
  });
});

describe("normalizeSuffix and trailingSuffix", () => {
  it("give each generational suffix one spelling, and nothing for other suffixes", () => {
    expect(normalizeSuffix("Jr.")).toBe("JR");
    expect(normalizeSuffix("junior")).toBe("JR");
    expect(normalizeSuffix("3rd")).toBe("III");
    expect(normalizeSuffix("II")).toBe("II");
    expect(normalizeSuffix("MD")).toBe("");
    expect(normalizeSuffix(undefined)).toBe("");
  });
  it("read a suffix written after a name, never the only token nor a given name's V", () => {
    expect(trailingSuffix("Okonkwo Jr.")).toBe("JR");
    expect(trailingSuffix("Okonkwo, Senior")).toBe("SR");
    expect(trailingSuffix("Smith V")).toBe("V");
    expect(trailingSuffix("Jr")).toBe("");
    expect(trailingSuffix("Okonkwo")).toBe("");
    expect(trailingSuffix("John V", { given: true })).toBe("");
    expect(trailingSuffix("John III", { given: true })).toBe("III");
  });
});

describe("normalizeFamilyName", () => {
  it("keeps particles in the full form and drops them in the core form", () => {
    expect(normalizeFamilyName("de la Cruz")).toEqual({ full: "DELACRUZ", core: "CRUZ", parts: ["CRUZ"] });
    expect(normalizeFamilyName("Van der Berg")).toMatchObject({ full: "VANDERBERG", core: "BERG" });
  });
  it("joins hyphenated and compound names and keeps their parts", () => {
    expect(normalizeFamilyName("García-López")).toEqual({
      full: "GARCIALOPEZ",
      core: "GARCIALOPEZ",
      parts: ["GARCIA", "LOPEZ"],
    });
    expect(normalizeFamilyName("GARCIA LOPEZ").core).toBe("GARCIALOPEZ");
  });
  it("keeps a name made only of particles", () => {
    expect(normalizeFamilyName("Le").core).toBe("LE");
    expect(normalizeFamilyName("Del").parts).toEqual(["DEL"]);
  });
});

describe("normalizeGivenName", () => {
  it("splits the first token from the rest", () => {
    expect(normalizeGivenName("Mary Ann")).toEqual({ first: "MARY", full: "MARYANN", rest: ["ANN"] });
    expect(normalizeGivenName("Jean-Luc")).toEqual({ first: "JEAN", full: "JEANLUC", rest: ["LUC"] });
  });
  it("is empty for a missing name", () => {
    expect(normalizeGivenName(undefined)).toEqual({ first: "", full: "", rest: [] });
  });
});
