import { describe, expect, it } from "vitest";
import { type Admission, ConnectionSlots } from "./connection-slots.ts";

const slot = (a: Admission) => {
  if (!a.ok) throw new Error(`refused: ${a.reason}`);
  return a.slot;
};

describe("ConnectionSlots", () => {
  it("keeps one address to maxPerAddress and gives the slot back on release", () => {
    const slots = new ConnectionSlots({
      maxConnections: 10,
      maxPerAddress: 2,
      allowedSources: [],
      reservedPerSource: 0,
    });
    const [a, b] = [slot(slots.admit("10.0.0.1")), slot(slots.admit("::ffff:10.0.0.1"))];
    expect(slots.admit("10.0.0.1")).toEqual({ ok: false, reason: "per-address" });
    expect(slots.admit("10.0.0.2").ok).toBe(true);
    a.release();
    a.release(); // twice is once
    expect(slots.admit("10.0.0.1").ok).toBe(true);
    expect(slots.admit("10.0.0.1")).toEqual({ ok: false, reason: "per-address" });
    b.release();
    expect(slots.inUse).toBe(2);
  });

  it("refuses a source off the allowlist, and anything that is not an address", () => {
    const slots = new ConnectionSlots({
      maxConnections: 10,
      maxPerAddress: 10,
      allowedSources: ["10.1.0.0/16", "2001:db8::1"],
      reservedPerSource: 1,
    });
    expect(slots.admit("10.1.2.3").ok).toBe(true);
    expect(slots.admit("2001:db8::1").ok).toBe(true);
    expect(slots.admit("10.2.0.1")).toEqual({ ok: false, reason: "source" });
    expect(slots.admit("")).toEqual({ ok: false, reason: "source" });
  });

  it("keeps each source's reserved slots from the others once the shared ones are gone", () => {
    const slots = new ConnectionSlots({
      maxConnections: 6,
      maxPerAddress: 1,
      allowedSources: ["10.1.0.0/16", "10.2.0.0/16"],
      reservedPerSource: 2,
    });
    // Two shared slots and the first source's two reserved ones.
    const held = [1, 2, 3, 4].map((n) => slot(slots.admit(`10.1.0.${n}`)));
    expect(slots.admit("10.1.0.5")).toEqual({ ok: false, reason: "max-connections" });
    expect(slots.admit("10.2.0.1").ok).toBe(true);
    expect(slots.admit("10.2.0.2").ok).toBe(true);
    expect(slots.admit("10.2.0.3")).toEqual({ ok: false, reason: "max-connections" });
    held[0]?.release();
    expect(slots.admit("10.1.0.5").ok).toBe(true);
    expect(slots.inUse).toBe(6);
  });
});
