import { describe, expect, it } from "vitest";
import { NICKNAME_GROUPS } from "./nickname-table.ts";
import { areNicknameEquivalent, nicknamesOf } from "./nicknames.ts";

describe("nickname table", () => {
  it("has 300–500 groups of normalized names", () => {
    expect(NICKNAME_GROUPS.length).toBeGreaterThanOrEqual(300);
    expect(NICKNAME_GROUPS.length).toBeLessThanOrEqual(500);
    for (const group of NICKNAME_GROUPS) {
      expect(group.length).toBeGreaterThanOrEqual(2);
      for (const name of group) expect(name).toMatch(/^[A-Z]+$/);
    }
  });
  it("has each formal name head only one group", () => {
    const heads = NICKNAME_GROUPS.map((g) => g[0]);
    expect(new Set(heads).size).toBe(heads.length);
  });
});

describe("areNicknameEquivalent", () => {
  it("knows the classic groups", () => {
    expect(areNicknameEquivalent("WILLIAM", "BILL")).toBe(true);
    expect(areNicknameEquivalent("BILL", "LIAM")).toBe(true);
    expect(areNicknameEquivalent("MARGARET", "PEGGY")).toBe(true);
    expect(areNicknameEquivalent("ELIZABETH", "BETSY")).toBe(true);
    expect(areNicknameEquivalent("JOSE", "PEPE")).toBe(true);
    expect(areNicknameEquivalent("ROBERT", "BOB")).toBe(true);
  });
  it("is symmetric and reflexive for non-empty names", () => {
    expect(areNicknameEquivalent("BOB", "ROBERT")).toBe(true);
    expect(areNicknameEquivalent("ZYX", "ZYX")).toBe(true);
    expect(areNicknameEquivalent("", "")).toBe(false);
  });
  it("is not transitive through an ambiguous short form", () => {
    expect(areNicknameEquivalent("ALBERT", "AL")).toBe(true);
    expect(areNicknameEquivalent("ALAN", "AL")).toBe(true);
    expect(areNicknameEquivalent("ALBERT", "ALAN")).toBe(false);
  });
  it("keeps names of one root but different people apart", () => {
    expect(areNicknameEquivalent("DANIEL", "DANIELLE")).toBe(false);
    expect(areNicknameEquivalent("FRANCIS", "FRANCES")).toBe(false);
    expect(areNicknameEquivalent("CHRISTINA", "CHRISTINE")).toBe(false);
  });
  it("does not relate unrelated names", () => {
    expect(areNicknameEquivalent("WILLIAM", "ROBERT")).toBe(false);
    expect(areNicknameEquivalent("UNKNOWNNAME", "BILL")).toBe(false);
  });
});

describe("nicknamesOf", () => {
  it("lists the short forms of a formal name", () => {
    expect(nicknamesOf("WILLIAM")).toEqual(expect.arrayContaining(["BILL", "WILL", "LIAM"]));
    expect(nicknamesOf("BILL")).toEqual([]);
  });
});
