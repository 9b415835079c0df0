import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseContract } from "./parse-contract.ts";

const Point = z.object({ x: z.number() });

describe("parseContract", () => {
  it("returns the value for JSON that matches, from text or bytes", () => {
    expect(parseContract(Point, '{"x":1}')).toEqual({ x: 1 });
    expect(parseContract(Point, Buffer.from('{"x":2}'))).toEqual({ x: 2 });
  });

  it("returns undefined for no value, text that is not JSON, and JSON that does not match", () => {
    expect(parseContract(Point, null)).toBeUndefined();
    expect(parseContract(Point, "{x:")).toBeUndefined();
    expect(parseContract(Point, '{"x":"1"}')).toBeUndefined();
  });
});
