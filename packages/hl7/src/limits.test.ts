import { performance } from "node:perf_hooks";
import { FacilityMapping } from "@homeward/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildAck } from "./ack.ts";
import { ADT_A01_ADMIT, SAMPLE_ADT_MESSAGES } from "./fixtures/adt-messages.ts";
import { HOSTILE_SHAPES, hostileMessage } from "./fixtures/hostile-messages.ts";
import { DEFAULT_HL7_LIMITS, type Hl7Limits } from "./limits.ts";
import { normalizeAdt } from "./normalize/normalize-adt.ts";
import { parseHl7 } from "./parser.ts";

const NO_LIMITS: Hl7Limits = {
  maxSegments: Number.MAX_SAFE_INTEGER,
  maxFieldsPerSegment: Number.MAX_SAFE_INTEGER,
  maxRepetitions: Number.MAX_SAFE_INTEGER,
  maxComponents: Number.MAX_SAFE_INTEGER,
  maxSubcomponents: Number.MAX_SAFE_INTEGER,
  maxFieldBytes: Number.MAX_SAFE_INTEGER,
};

const withPid = (field: number, value: string): string =>
  ADT_A01_ADMIT.split("\r")
    .map((line) => {
      if (!line.startsWith("PID|")) return line;
      const fields = line.split("|");
      while (fields.length <= field) fields.push("");
      fields[field] = value;
      return fields.join("|");
    })
    .join("\r");

const errorOf = (text: string, limits: Partial<Hl7Limits> = {}) => {
  const parsed = parseHl7(text, { limits: { ...DEFAULT_HL7_LIMITS, ...limits } });
  if (parsed.ok) throw new Error("expected the message to break a limit");
  return parsed.error;
};

describe("message limits", () => {
  it("lets every sample message through with the defaults", () => {
    for (const text of Object.values(SAMPLE_ADT_MESSAGES)) expect(parseHl7(text).ok).toBe(true);
  });

  it("refuses a message with too many segments at the first one over, with 207", () => {
    const text = [ADT_A01_ADMIT, "ZZZ|1", "ZZZ|2", "ZZZ|3"].join("\r");
    const segments = ADT_A01_ADMIT.split("\r").length;
    expect(parseHl7(text, { limits: { ...DEFAULT_HL7_LIMITS, maxSegments: segments + 3 } }).ok).toBe(true);
    expect(errorOf(text, { maxSegments: segments + 1 })).toEqual({
      code: "207",
      text: `Message has more than ${segments + 1} segments`,
      location: { segment: "ZZZ", sequence: 2 },
    });
  });

  it("refuses too many fields in a segment at the first field over", () => {
    expect(errorOf([ADT_A01_ADMIT, `ZZZ${"|x".repeat(90)}`].join("\r"), { maxFieldsPerSegment: 80 })).toEqual(
      {
        code: "102",
        text: "Segment has more than 80 fields",
        location: { segment: "ZZZ", sequence: 1, field: 81 },
      },
    );
    // MSH counts MSH-1 and MSH-2: MSH-12 is its twelfth field, so 12 lets MSH through (PID is next).
    expect(errorOf(ADT_A01_ADMIT, { maxFieldsPerSegment: 12 }).location?.segment).toBe("PID");
    expect(errorOf(ADT_A01_ADMIT, { maxFieldsPerSegment: 11 }).location).toEqual({
      segment: "MSH",
      sequence: 1,
      field: 12,
    });
  });

  it("refuses too many repetitions, components or subcomponents where the first one over is", () => {
    expect(errorOf(withPid(5, "A~B~C~D"), { maxRepetitions: 3 })).toEqual({
      code: "102",
      text: "Field has more than 3 repetitions",
      location: { segment: "PID", sequence: 1, field: 5, repetition: 4 },
    });
    expect(errorOf(withPid(11, "x~1^2^3^4^5^6^7^8"), { maxComponents: 7 }).location).toEqual({
      segment: "PID",
      sequence: 1,
      field: 11,
      repetition: 2,
      component: 8,
    });
    expect(errorOf(withPid(3, "1^^^A&B&C&D"), { maxSubcomponents: 3 }).location).toEqual({
      segment: "PID",
      sequence: 1,
      field: 3,
      repetition: 1,
      component: 4,
      subcomponent: 4,
    });
  });

  it("measures field length in UTF-8 bytes", () => {
    const limits = { maxFieldBytes: 64 };
    expect(parseHl7(withPid(5, "É".repeat(32)), { limits: { ...DEFAULT_HL7_LIMITS, ...limits } }).ok).toBe(
      true,
    );
    expect(errorOf(withPid(5, "É".repeat(33)), limits)).toEqual({
      code: "102",
      text: "Field is longer than 64 bytes",
      location: { segment: "PID", sequence: 1, field: 5 },
    });
  });

  it("never counts the separators of MSH-2", () => {
    const limits = { ...DEFAULT_HL7_LIMITS, maxRepetitions: 1, maxSubcomponents: 1 };
    expect(parseHl7(ADT_A01_ADMIT, { limits }).ok).toBe(true);
  });

  it("writes the location into ERR-2 as HL7 2.5 does (segment^sequence^field^repetition^component^sub)", () => {
    const error = errorOf(withPid(3, "1^^^A&B&C&D"), { maxSubcomponents: 3 });
    const ack = buildAck(headerLike(), {
      code: "AE",
      controlId: "ACK1",
      now: new Date("2024-03-05T12:00:00Z"),
      errors: [error],
    });
    expect(ack.split("\r").find((s) => s.startsWith("ERR"))).toBe(
      "ERR||PID^1^3^1^4^4|102^Data type error^HL70357|E||||Component has more than 3 subcomponents",
    );
    const repetition = errorOf(withPid(5, "A~B~C~D"), { maxRepetitions: 3 });
    const nak = buildAck(headerLike(), {
      code: "AE",
      controlId: "A",
      now: new Date(0),
      errors: [repetition],
    });
    expect(nak).toContain(
      "ERR||PID^1^5^4|102^Data type error^HL70357|E||||Field has more than 3 repetitions",
    );
  });

  it("finds the first part over a limit wherever it is (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), (reps, cap) => {
        const value = Array.from({ length: reps }, (_, i) => `N${i}`).join("~");
        const parsed = parseHl7(withPid(5, value), {
          limits: { ...DEFAULT_HL7_LIMITS, maxRepetitions: cap },
        });
        if (reps <= cap) return parsed.ok;
        return (
          !parsed.ok && parsed.error.location?.repetition === cap + 1 && parsed.error.location.field === 5
        );
      }),
    );
  });
});

describe("parsing is linear in the message's size", () => {
  const mapping = FacilityMapping.parse({
    sendingFacility: "MERCYGEN",
    displayName: "Mercy General",
    timeZone: "America/New_York",
  });

  /** Best of five: parse + normalize, limits off, so the whole message is read. */
  const nsPerByte = (text: string): number => {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const parsed = parseHl7(text, { limits: NO_LIMITS });
      if (parsed.ok) normalizeAdt(parsed.message, mapping);
      best = Math.min(best, performance.now() - started);
    }
    return (best * 1e6) / text.length;
  };

  // Quadratic work would make the 8x larger message cost 8x more per byte; linear keeps it about
  // level (garbage collection of the objects it keeps adds some). The bound is loose because the
  // machine is shared; bench/parse-scaling.bench.ts measures.
  it.each(HOSTILE_SHAPES)("%s: time per byte at 1 MB within 5x of that at 128 KB", (shape) => {
    nsPerByte(hostileMessage(shape, 64 * 1024)); // warm-up
    const small = nsPerByte(hostileMessage(shape, 128 * 1024));
    const large = nsPerByte(hostileMessage(shape, 1024 * 1024));
    expect(large).toBeLessThan(Math.max(small * 5, 20));
  });
});

function headerLike() {
  return {
    delimiters: {
      field: "|",
      component: "^",
      repetition: "~",
      escape: "\\",
      subcomponent: "&",
      truncation: null,
    },
    sendingApplication: "A",
    sendingFacility: "F",
    receivingApplication: "",
    receivingFacility: "",
    messageType: "ADT^A01",
    triggerEvent: "A01",
    controlId: "1",
    processingId: "P",
    version: "2.5",
    acceptAckType: "",
    applicationAckType: "",
    charset: "",
  };
}
