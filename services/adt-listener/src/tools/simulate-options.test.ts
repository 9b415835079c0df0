import { ackCodeOf } from "@homeward/simulator";
import { describe, expect, it } from "vitest";
import { parseRate, parseSimulateArgs, runTagFor } from "./simulate-options.ts";

describe("simulate options", () => {
  it("reads rates per second, minute or hour as messages per minute", () => {
    expect(parseRate("30")).toBe(30);
    expect(parseRate("30/min")).toBe(30);
    expect(parseRate("2/s")).toBe(120);
    expect(parseRate("0.5/s")).toBe(30);
    expect(parseRate("600/h")).toBe(10);
    for (const bad of ["0", "-1", "fast", "3/week", ""]) expect(parseRate(bad)).toBeUndefined();
  });

  it("has defaults for a local demo", () => {
    const parsed = parseSimulateArgs([]);
    expect(parsed).toMatchObject({
      ok: true,
      args: {
        host: "127.0.0.1",
        port: 2575,
        ratePerMinute: 30,
        count: undefined,
        seed: 1,
        strangerShare: 0.2,
      },
    });
  });

  it("takes every option", () => {
    const parsed = parseSimulateArgs(
      ["--rate", "5/s", "--count", "30", "--host", "10.0.0.2", "--port", "2600", "--seed", "7"].concat([
        "--patients",
        "p.json",
        "--strangers",
        "0",
        "--run-tag",
        "demo1",
        "--ack-timeout",
        "500",
      ]),
    );
    expect(parsed).toMatchObject({
      ok: true,
      args: {
        ratePerMinute: 300,
        count: 30,
        host: "10.0.0.2",
        port: 2600,
        seed: 7,
        patientsFile: "p.json",
        strangerShare: 0,
        runTag: "DEMO1",
        ackTimeoutMs: 500,
      },
    });
  });

  it("lists every bad option at once", () => {
    const parsed = parseSimulateArgs([
      "--rate",
      "lots",
      "--count",
      "0",
      "--port",
      "99999",
      "--run-tag",
      "a-b",
    ]);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems).toHaveLength(4);
    expect(parseSimulateArgs(["--nope"]).ok).toBe(false);
  });

  it("derives a short run tag from the clock, different every second", () => {
    const a = runTagFor(new Date("2026-11-23T13:00:00Z"));
    expect(a).toMatch(/^[A-Z0-9]{1,8}$/);
    expect(runTagFor(new Date("2026-11-23T13:00:01Z"))).not.toBe(a);
  });

  it("reads MSA-1 from an ACK", () => {
    expect(ackCodeOf("MSH|^~\\&|HOMEWARD|HOMEWARD\rMSA|AA|SIM1\r")).toBe("AA");
    expect(ackCodeOf("MSH|^~\\&|X\nMSA|AR|SIM2|bad\nERR|||207")).toBe("AR");
    expect(ackCodeOf("garbage")).toBe("?");
  });
});
