import { ScenarioPart } from "@homeward/simulator";
import { describe, expect, it } from "vitest";
import { demoPopulation } from "./demo-population.ts";
import { demoCast } from "./demo-scenario.ts";

describe("the demo's cast", () => {
  const people = demoPopulation();
  const cast = demoCast(people);
  const who = (part: string) =>
    cast.filter((c) => c.part === part).map((c) => people.find((p) => p.memberId === c.memberId));

  it("casts every part of the replayed past, each patient once, the same every time", () => {
    expect(new Set(cast.map((c) => c.part))).toEqual(new Set(ScenarioPart.options));
    expect(new Set(cast.map((c) => c.memberId)).size).toBe(cast.length);
    expect(demoCast(demoPopulation())).toEqual(cast);
  });

  it("casts patients whose lists make each part show what it is for", () => {
    for (const p of [...who("tracking-list-admitted"), ...who("tracking-list-discharged")]) {
      expect(p?.practiceList?.status).toBe("tracking_list");
      expect(p?.planList).toBeUndefined();
    }
    expect(who("readmission")[0]?.practiceList).toMatchObject({ status: "active", tier: "I" });
    expect(who("frequent-ed")[0]?.practiceList?.status).toBe("active");
    expect(who("monitor-copy-ed")[0]).toMatchObject({ planList: { lead: "plan" } });
    expect(who("monitor-copy-ed")[0]?.practiceList).toBeUndefined();
    const unlisted = who("not-enrolled-ed")[0];
    expect([unlisted?.practiceList, unlisted?.planList]).toEqual([undefined, undefined]);
    // Some of those in the ED or discharged lately are on no list, some on the practice's.
    expect(who("in-ed-now").map((p) => p?.practiceList === undefined)).toEqual([false, true]);
    expect(who("recent-discharge")).toHaveLength(3);
  });
});
