import { describe, expect, it } from "vitest";
import { isSensitivePlace, sensitivePlaceKey } from "./reference-data.ts";

describe("isSensitivePlace", () => {
  const sensitive = new Set([
    sensitivePlaceKey("STLUKE", "", ""), // the whole facility, any application
    sensitivePlaceKey("MERCYGEN", "", "DETOX"), // one location, any application
    sensitivePlaceKey("RIVERSIDE", "BHAPP", ""), // one application's feed, anywhere
    sensitivePlaceKey("VALLEY", "EPIC", "OTP"), // one application at one location
  ]);

  it("takes a place listed for the whole facility, whatever the application or location", () => {
    expect(isSensitivePlace(sensitive, "STLUKE", "EPIC", "ED")).toBe(true);
    expect(isSensitivePlace(sensitive, "STLUKE", "", "")).toBe(true);
  });

  it("takes a listed location only there", () => {
    expect(isSensitivePlace(sensitive, "MERCYGEN", "EPIC", "DETOX")).toBe(true);
    expect(isSensitivePlace(sensitive, "MERCYGEN", "EPIC", "ED")).toBe(false);
  });

  it("takes a place listed for one sending application only from that application", () => {
    expect(isSensitivePlace(sensitive, "RIVERSIDE", "BHAPP", "ED")).toBe(true);
    expect(isSensitivePlace(sensitive, "RIVERSIDE", "EPIC", "ED")).toBe(false);
    expect(isSensitivePlace(sensitive, "VALLEY", "EPIC", "OTP")).toBe(true);
    expect(isSensitivePlace(sensitive, "VALLEY", "CERNER", "OTP")).toBe(false);
    expect(isSensitivePlace(sensitive, "VALLEY", "EPIC", "ED")).toBe(false);
  });

  it("does not confuse names that contain the separators", () => {
    const tricky = new Set([sensitivePlaceKey("A|B", "", "")]);
    expect(isSensitivePlace(tricky, "A", "", "B")).toBe(false);
    expect(isSensitivePlace(tricky, "A|B", "", "")).toBe(true);
  });
});
