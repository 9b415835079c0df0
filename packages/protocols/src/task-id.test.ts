import { describe, expect, it } from "vitest";
import { taskIdFor } from "./task-id.ts";

const key = { facility: "FAC", visitNumber: "V1", organizationId: "o-1", protocolId: "p", stepId: "s" };

describe("taskIdFor", () => {
  it("is stable, prefixed and short", () => {
    expect(taskIdFor(key)).toBe(taskIdFor({ ...key }));
    expect(taskIdFor(key)).toMatch(/^task_[0-9a-f]{24}$/);
  });

  it("changes with every part of the key, and does not confuse where one part ends", () => {
    const ids = new Set([
      taskIdFor(key),
      taskIdFor({ ...key, facility: "FAC2" }),
      taskIdFor({ ...key, visitNumber: "V2" }),
      taskIdFor({ ...key, organizationId: "o-2" }),
      taskIdFor({ ...key, protocolId: "q" }),
      taskIdFor({ ...key, stepId: "t" }),
      taskIdFor({ ...key, facility: "FACV", visitNumber: "1" }),
      taskIdFor({ ...key, facility: "FAC", visitNumber: "V1o-1" }),
    ]);
    expect(ids.size).toBe(8);
  });
});
