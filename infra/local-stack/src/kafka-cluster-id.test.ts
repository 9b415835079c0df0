import { describe, expect, it } from "vitest";
import { isUsableClusterId, newKafkaClusterId } from "./kafka-cluster-id.ts";

describe("newKafkaClusterId", () => {
  it("draws again when the id would start with '-', which kafka-storage reads as an option", () => {
    const draws = [Buffer.alloc(16, 0xfb), Buffer.alloc(16, 0x01)];
    const id = newKafkaClusterId(() => draws.shift() as Buffer);
    expect(Buffer.alloc(16, 0xfb).toString("base64url").startsWith("-")).toBe(true);
    expect(id).toBe(Buffer.alloc(16, 0x01).toString("base64url"));
    expect(draws).toEqual([]);
  });

  it("gives 22 base64url characters that kafka-storage accepts", () => {
    for (let i = 0; i < 500; i++) expect(isUsableClusterId(newKafkaClusterId())).toBe(true);
    expect(isUsableClusterId("-D6F_y1hY_7-gduMl8FDeg")).toBe(false);
  });
});
