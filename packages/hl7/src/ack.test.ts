import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { buildAck, buildNak, hl7Timestamp } from "./ack.ts";
import { ackCodeFor, ackModeOf, ackWanted } from "./ack-mode.ts";
import { ADT_A04_ED, ADT_A11_CANCEL, ADT_A40_MERGE } from "./fixtures/adt-messages.ts";
import type { Hl7Message } from "./message.ts";
import { parseHl7 } from "./parser.ts";
import { extractRawHeader } from "./raw-header.ts";

const now = new Date("2024-03-05T19:30:16Z");

function parsed(text: string): Hl7Message {
  const r = parseHl7(text);
  if (!r.ok) throw new Error(r.error.text);
  return r.message;
}

describe("buildAck", () => {
  it("answers an A04 with swapped parties, its own control id and the original's dialect", () => {
    const ack = parsed(buildAck(parsed(ADT_A04_ED), { code: "CA", controlId: "HW-1", now }));
    expect(ack.get("MSH-2")).toBe("^~\\&");
    expect(ack.get("MSH-3")).toBe("HOMEWARD");
    expect(ack.get("MSH-4")).toBe("HOMEWARD");
    expect(ack.get("MSH-5")).toBe("EPICADT");
    expect(ack.get("MSH-6.1")).toBe("MERCYGEN");
    expect(ack.get("MSH-6.2")).toBe("2.16.840.1.113883.19.4.1");
    expect(ack.get("MSH-7")).toBe("20240305193016+0000");
    expect(ack.get("MSH-9.1")).toBe("ACK");
    expect(ack.get("MSH-9.2")).toBe("A04");
    expect(ack.get("MSH-9.3")).toBe("ACK");
    expect(ack.get("MSH-10")).toBe("HW-1");
    expect(ack.get("MSH-11")).toBe("P");
    expect(ack.get("MSH-12")).toBe("2.5.1");
    expect(ack.get("MSH-18")).toBe("UNICODE UTF-8");
    expect(ack.get("MSA-1")).toBe("CA");
    expect(ack.get("MSA-2")).toBe("MG20240305143015001");
    expect(ack.segments("ERR")).toHaveLength(0);
  });

  it("writes ERR segments with location, table 0357 code, severity and message", () => {
    const text = buildAck(parsed(ADT_A04_ED), {
      code: "AE",
      controlId: "HW-2",
      now,
      errors: [
        {
          code: "101",
          text: "Patient identifier missing",
          location: { segment: "PID", sequence: 3, field: 3, component: 1 },
        },
        { code: "207", text: "Storage unavailable" },
      ],
    });
    const ack = parsed(text);
    expect(ack.get("MSA-3")).toBe("Patient identifier missing");
    const [first, second] = ack.segments("ERR");
    expect(first?.raw).toBe(
      "ERR||PID^3^3^1^1|101^Required field missing^HL70357|E||||Patient identifier missing",
    );
    expect(second?.raw).toBe("ERR|||207^Application internal error^HL70357|E||||Storage unavailable");
  });

  it("also fills ERR-1 for versions before 2.5", () => {
    const ack = parsed(
      buildAck(parsed(ADT_A11_CANCEL), {
        code: "AR",
        controlId: "HW-3",
        now,
        text: "Unsupported event",
        errors: [
          { code: "201", text: "A11 not accepted", location: { segment: "MSH", sequence: 1, field: 9 } },
        ],
      }),
    );
    expect(ack.get("MSH-12")).toBe("2.3.1");
    expect(ack.get("MSA-3")).toBe("Unsupported event");
    expect(ack.segment("ERR")?.raw).toBe(
      "ERR|MSH^1^9^201&Unsupported event code&HL70357|MSH^1^9|201^Unsupported event code^HL70357|E||||A11 not accepted",
    );
  });

  it("keeps non-default encoding characters and escapes our own text with them", () => {
    const text = buildAck(parsed(ADT_A40_MERGE), {
      code: "AA",
      controlId: "HW*4",
      now,
      text: "ok$done",
      application: { app: "HOMEWARD", facility: "CLINIC*NET" },
      timeZone: "America/New_York",
    });
    expect(
      text.startsWith("MSH$*@/%#$HOMEWARD$CLINIC/S/NET$EPICADT$MERCYGEN*2.16.840.1.113883.19.4.1*ISO$"),
    ).toBe(true);
    const ack = parsed(text);
    expect(ack.get("MSH-4")).toBe("CLINIC*NET");
    expect(ack.get("MSH-7")).toBe("20240305143016-0500");
    expect(ack.get("MSH-9.2")).toBe("A40");
    expect(ack.get("MSH-10")).toBe("HW*4");
    expect(ack.get("MSA-3")).toBe("ok$done");
  });

  it("formats timestamps in a given zone", () => {
    expect(hl7Timestamp(new Date("2024-07-01T12:00:00Z"), "America/Chicago")).toBe("20240701070000-0500");
    expect(() => hl7Timestamp(now, "Not/AZone")).toThrow(RangeError);
  });

  it("formats UTC timestamps as luxon does, midnight, month ends and leap days included", () => {
    const starts = [
      Date.UTC(2024, 1, 29, 0, 0, 0),
      Date.UTC(2023, 11, 31, 23, 59, 59),
      Date.UTC(2025, 0, 1, 9, 5, 7),
    ];
    for (let i = 0; i < 2_000; i++) starts.push(Date.UTC(2000, 0, 1) + i * 7_777_777_777);
    for (const ms of starts) {
      const date = new Date(ms);
      expect(hl7Timestamp(date)).toBe(
        DateTime.fromJSDate(date, { zone: "UTC" }).toFormat("yyyyMMddHHmmssZZZ"),
      );
    }
  });
});

describe("buildNak", () => {
  it("answers unparseable text with the control id it can still find", () => {
    const broken = "MSH|^~\\&|LAB|HOSP|HW|HW|20240101||ADT^A01|CTRL9|P|2.4\rPID|1\r??garbage";
    expect(parseHl7(broken).ok).toBe(false);
    const ack = parsed(
      buildNak(broken, {
        code: "AR",
        controlId: "HW-5",
        now,
        errors: [{ code: "100", text: "Bad segment", location: { segment: "", sequence: 3 } }],
      }),
    );
    expect(ack.get("MSA-1")).toBe("AR");
    expect(ack.get("MSA-2")).toBe("CTRL9");
    expect(ack.get("MSH-5")).toBe("LAB");
    expect(ack.get("MSH-12")).toBe("2.4");
  });

  it("escapes header pieces when the sender's delimiters are unusable", () => {
    const header = extractRawHeader("MSH|^^^^|A^B|F|R|RF|x||ADT^A01|C^1|P|2.5");
    expect(header?.delimiters.component).toBe("^");
    expect(header?.controlId).toBe("C\\S\\1");
    expect(header?.triggerEvent).toBe("");
  });

  it("still produces a valid NAK from text with no MSH at all", () => {
    const ack = parsed(buildNak("hello", { code: "AR", controlId: "HW-6", now, text: "Not HL7" }));
    expect(ack.get("MSH-9")).toBe("ACK");
    expect(ack.get("MSH-12")).toBe("2.5.1");
    expect(ack.get("MSA-2")).toBe("");
    expect(extractRawHeader("PID|1")).toBeUndefined();
  });

  it("finds an MSH that is not on the first line", () => {
    expect(extractRawHeader("\r\nMSH|^~\\&|A|B|C|D|1||ADT^A03|X1|P|2.5")?.triggerEvent).toBe("A03");
  });
});

describe("acknowledgment mode", () => {
  it("is original without MSH-15/16 and enhanced with them", () => {
    expect(ackModeOf(parsed(ADT_A11_CANCEL))).toEqual({ mode: "original" });
    expect(ackModeOf(parsed(ADT_A04_ED))).toEqual({ mode: "enhanced", accept: "AL", application: "NE" });
    const header = extractRawHeader("MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5|||ER");
    expect(header && ackModeOf(header)).toEqual({ mode: "enhanced", accept: "ER", application: null });
    const onlyApp = extractRawHeader("MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5||||AL");
    expect(onlyApp && ackModeOf(onlyApp)).toEqual({ mode: "enhanced", accept: "AL", application: "AL" });
  });

  it("maps outcomes to codes by mode", () => {
    expect(ackCodeFor({ mode: "original" }, "accepted")).toBe("AA");
    expect(ackCodeFor({ mode: "original" }, "error")).toBe("AE");
    expect(ackCodeFor({ mode: "original" }, "rejected")).toBe("AR");
    const enhanced = { mode: "enhanced", accept: "AL", application: null } as const;
    expect(ackCodeFor(enhanced, "accepted")).toBe("CA");
    expect(ackCodeFor(enhanced, "error")).toBe("CE");
    expect(ackCodeFor(enhanced, "rejected")).toBe("CR");
  });

  it("sends an accept ACK only when MSH-15 asks for it", () => {
    const mode = (accept: "AL" | "NE" | "ER" | "SU") =>
      ({ mode: "enhanced", accept, application: null }) as const;
    expect(ackWanted({ mode: "original" }, "accepted")).toBe(true);
    expect(ackWanted(mode("AL"), "accepted")).toBe(true);
    expect(ackWanted(mode("NE"), "error")).toBe(false);
    expect(ackWanted(mode("ER"), "accepted")).toBe(false);
    expect(ackWanted(mode("ER"), "rejected")).toBe(true);
    expect(ackWanted(mode("SU"), "accepted")).toBe(true);
    expect(ackWanted(mode("SU"), "error")).toBe(false);
  });
});
