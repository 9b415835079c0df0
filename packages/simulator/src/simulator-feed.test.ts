import { readFileSync } from "node:fs";
import { type FacilityMapping, indexFacilityMappings, loadFacilityMappings } from "@homeward/contracts";
import { normalizeAdt, parseHl7 } from "@homeward/hl7";
import { describe, expect, it } from "vitest";
import { createFeed, type FeedMessage } from "./simulator-feed.ts";
import type { SimPatient } from "./simulator-patients.ts";
import { STORY_WEIGHTS } from "./simulator-stories.ts";
import { hl7Time, VENDOR_STYLES } from "./simulator-vendors.ts";

const file = readFileSync(
  new URL("../../../services/adt-listener/config/facilities.example.json", import.meta.url),
  "utf8",
);
const loaded = loadFacilityMappings(file);
if (!loaded.ok) throw new Error(loaded.problems.join("\n"));
const mappings: readonly FacilityMapping[] = loaded.mappings.facilities;
const lookup = indexFacilityMappings(mappings);

const roster: SimPatient[] = Array.from({ length: 12 }, (_, i) => ({
  patientId: String(i + 1),
  family: `Demowood${String.fromCharCode(65 + i)}`,
  given: "Aurelio",
  sex: i % 2 === 0 ? "F" : "M",
  birthDate: `19${50 + i}-0${1 + (i % 9)}-1${i % 9}`,
  street: `${10 + i} Testing Ln`,
  city: "Springvale",
  state: "NY",
  postalCode: "14850",
  phone: `60755501${String(i).padStart(2, "0")}`,
  memberId: `HPL${10000000 + i}`,
  memberIdAuthority: "HPLAN",
  mrns: { MERCYGEN: `MG${100000 + i}`, STLUKES: `SL${2000000 + i}`, VALLEYGEN: `V${300000 + i}` },
  ...(i < 4 ? { riskTier: "I" as const } : {}),
}));

/** `count` messages, one a minute from a fixed instant. */
function messages(seed: number, count: number, patients = roster): { msg: FeedMessage; now: Date }[] {
  const feed = createFeed({ seed, runTag: "T1", patients });
  const start = Date.parse("2026-11-23T14:00:00Z");
  return Array.from({ length: count }, (_, i) => {
    const now = new Date(start + i * 60_000);
    return { msg: feed.next(now), now };
  });
}

function normalize(text: string) {
  const parsed = parseHl7(text);
  if (!parsed.ok) throw new Error(`does not parse: ${parsed.error.text}`);
  const msh = parsed.message.segment("MSH");
  const mapping = lookup(msh?.read(4) ?? "", msh?.read(3) ?? "");
  if (mapping === undefined) throw new Error(`no mapping for ${msh?.read(4)}`);
  const result = normalizeAdt(parsed.message, mapping);
  if (!result.ok) throw new Error(`does not normalize: ${result.error.text}`);
  return result.event;
}

describe("feed simulator", () => {
  const sample = messages(42, 600);

  it("writes messages the listener's own parser and normalizer read as the intended event kinds", () => {
    for (const { msg, now } of sample) {
      const event = normalize(msg.text);
      expect({ id: msg.controlId, kind: event.kind }).toEqual({ id: msg.controlId, kind: msg.expectedKind });
      expect(event.trigger).toBe(msg.trigger);
      expect(event.controlId).toBe(msg.controlId);
      expect(event.facility.sendingFacility).toBe(msg.facility);
      // Times are "now", in each hospital's zone, with or without an offset.
      expect(Date.parse(event.occurredAt)).toBe(now.getTime());
    }
  });

  it("is deterministic for a seed, and another seed tells other stories", () => {
    expect(messages(42, 80).map((m) => m.msg.text)).toEqual(sample.slice(0, 80).map((m) => m.msg.text));
    expect(messages(43, 80).map((m) => m.msg.text)).not.toEqual(sample.slice(0, 80).map((m) => m.msg.text));
  });

  it("gives every message its own control id and tells every kind of story from every hospital", () => {
    expect(new Set(sample.map((m) => m.msg.controlId)).size).toBe(sample.length);
    expect(new Set(sample.map((m) => m.msg.story))).toEqual(new Set(Object.keys(STORY_WEIGHTS)));
    expect(new Set(sample.map((m) => m.msg.trigger))).toEqual(
      new Set(["A01", "A02", "A03", "A04", "A06", "A08", "A11", "A13", "A40"]),
    );
    expect(new Set(sample.map((m) => m.msg.facility))).toEqual(new Set(VENDOR_STYLES.map((s) => s.facility)));
    const strangers = sample.filter((m) => m.msg.about === "stranger").length;
    expect(strangers / sample.length).toBeGreaterThan(0.1);
    expect(strangers / sample.length).toBeLessThan(0.35);
  });

  it("keeps each story in hospital order and on one visit number", () => {
    const byStory = new Map<number, FeedMessage[]>();
    for (const { msg } of sample) byStory.set(msg.storyId, [...(byStory.get(msg.storyId) ?? []), msg]);
    for (const story of byStory.values()) {
      const first = story[0];
      expect(["ed-arrival", "inpatient-admit", "registration"]).toContain(first?.expectedKind);
      const visits = new Set(
        story.filter((m) => m.trigger !== "A40").map((m) => normalize(m.text).visit?.visitNumber),
      );
      expect(visits.size).toBe(1);
      const kinds = story.map((m) => m.expectedKind);
      if (kinds.includes("cancel-admit")) expect(kinds).toEqual(["ed-arrival", "cancel-admit"]);
      if (kinds.includes("cancel-discharge"))
        expect(kinds.indexOf("cancel-discharge")).toBe(kinds.indexOf("discharge") + 1);
    }
  });

  it("carries the roster's identifiers where each hospital puts them", () => {
    let withMemberId = 0;
    for (const { msg } of sample.filter((m) => m.msg.about === "roster")) {
      const event = normalize(msg.text);
      const patient = roster.find((p) => event.patient.name?.family === p.family.toUpperCase());
      expect(patient).toBeDefined();
      if (msg.trigger === "A40") {
        expect(event.merge?.priorIdentifiers[0]?.value).toMatch(/^TT1\d+$/);
        expect(event.patient.identifiers[0]?.value).toBe(patient?.mrns[msg.facility] ?? expect.any(String));
      }
      if (event.patient.memberId !== undefined) {
        withMemberId++;
        expect(event.patient.memberId).toBe(patient?.memberId);
      }
    }
    expect(withMemberId).toBeGreaterThan(0);
  });

  it("marks what the sensitive facility sends, and only that", () => {
    for (const { msg } of sample) {
      expect(normalize(msg.text).flags.sensitiveFacility).toBe(msg.facility === "RECOVERY");
    }
  });

  it("tells stories about strangers only when it has no roster", () => {
    expect(messages(1, 30, []).every((m) => m.msg.about === "stranger")).toBe(true);
  });

  it("uses each facility's time zone as the example mappings set it", () => {
    for (const style of VENDOR_STYLES) {
      expect(mappings.find((m) => m.sendingFacility === style.facility)?.timeZone).toBe(style.timeZone);
    }
  });
});

describe("hl7Time", () => {
  it("writes wall time and the offset in force, across DST", () => {
    expect(hl7Time(new Date("2026-07-01T12:00:00Z"), "America/Chicago", true)).toBe("20260701070000-0500");
    expect(hl7Time(new Date("2026-01-15T12:00:00Z"), "America/Chicago", true)).toBe("20260115060000-0600");
    expect(hl7Time(new Date("2026-01-15T12:00:05Z"), "America/New_York", false)).toBe("20260115070005");
    expect(hl7Time(new Date("2026-01-15T12:00:00Z"), "Etc/UTC", true)).toBe("20260115120000+0000");
  });
});
