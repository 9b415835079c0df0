import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzCase } from "./fuzz-frames.test-support.ts";
import { runCase } from "./fuzz-pipeline.test-support.ts";

/** No frame may take longer than this (a hang or a superlinear step); most take microseconds. */
const FRAME_BOUND_MS = 1_000;

describe("fuzzing the decoder, parser, normalizer and ACK builder (short run; bench/fuzz.ts is the long one)", () => {
  it("answers every one of 20,000 generated and mutated frames, without an exception or a slow frame", () => {
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(fuzzCase, (c) => {
        const result = runCase(c);
        const ms = result.ms;
        for (const o of result.outcomes) outcomes.add(o);
        expect(result.violations).toEqual([]);
        expect(ms).toBeLessThan(FRAME_BOUND_MS);
      }),
      { numRuns: 20_000, seed: Number(process.env.FUZZ_SEED ?? 12), endOnFailure: true },
    );
    // The generator reaches the answers that matter, not only one kind.
    for (const expected of ["AA", "AE:100", "AE:102", "framing:invalid-end-block"])
      expect([...outcomes]).toContain(expected);
  }, 120_000);
});
