import { readFileSync } from "node:fs";
import { indexFacilityMappings, loadFacilityMappings } from "@homeward/contracts";
import { normalizeAdt, parseHl7 } from "@homeward/hl7";
import { describe, expect, it } from "vitest";
import { createFeed } from "./simulator-feed.ts";
import type { SimPatient } from "./simulator-patients.ts";
import { type DemoScenario, ScenarioPart, scenarioMessages, scenarioTag } from "./simulator-scenario.ts";

const file = readFileSync(
  new URL("../../../services/adt-listener/config/facilities.example.json", import.meta.url),
  "utf8",
);
const loaded = loadFacilityMappings(file);
if (!loaded.ok) throw new Error(loaded.problems.join("\n"));
const lookup = indexFacilityMappings(loaded.mappings.facilities);

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

const roster: SimPatient[] = Array.from({ length: 16 }, (_, i) => ({
  family: `Mockridge${String.fromCharCode(65 + i)}`,
  given: "Tamsin",
  sex: "F",
  birthDate: `19${40 + i}-03-1${i % 9}`,
  memberId: `HPL3000${String(i).padStart(4, "0")}`,
  memberIdAuthority: "HPLAN",
  mrns: { MERCYGEN: `MG${700000 + i}`, STLUKES: `SL${4000000 + i}`, VALLEYGEN: `VG${800000 + i}` },
}));

const EPOCH = "2026-12-07T14:30:00.000Z";
const PARTS = [...ScenarioPart.options, "in-ed-now", "recent-discharge", "recent-discharge"] as const;
const scenario: DemoScenario = {
  epoch: EPOCH,
  cast: PARTS.map((part, i) => ({ part, memberId: roster[i]?.memberId ?? "" })),
};
const messages = scenarioMessages(scenario, roster);
const DAY = 86_400_000;
const ago = (at: Date) => (Date.parse(EPOCH) - at.getTime()) / DAY;

/** Each cast patient's messages, normalized, in the order sent. */
function story(part: ScenarioPart, nth = 0) {
  const memberId = scenario.cast.filter((c) => c.part === part)[nth]?.memberId;
  return messages
    .map((m) => ({ m, event: normalize(m.text) }))
    .filter(({ event }) => event.patient.memberId === memberId);
}

describe("the demo's replayed past", () => {
  it("is written as the hospitals would have sent it, each message at its own past time, oldest first", () => {
    expect(messages.length).toBeGreaterThan(25);
    for (const m of messages) {
      const event = normalize(m.text);
      expect(event.kind).toBe(m.expectedKind);
      expect(event.trigger).toBe(m.trigger);
      expect(event.controlId).toBe(m.controlId);
      expect(Date.parse(event.occurredAt)).toBe(m.at.getTime());
      expect(m.at.getTime()).toBeLessThan(Date.parse(EPOCH));
      expect(event.flags.sensitiveFacility).toBe(false);
    }
    const times = messages.map((m) => m.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("carries the plan's member id on every message, so every visit can be matched to its patient", () => {
    for (const m of messages) {
      const member = normalize(m.text).patient.memberId;
      expect(roster.map((p) => p.memberId)).toContain(member);
    }
  });

  it("tells each part's visits: three ED visits in six weeks and one now, a readmission after 22 days", () => {
    const frequent = story("frequent-ed").filter(({ event }) => event.kind === "ed-arrival");
    expect(frequent.map(({ m }) => Math.round(ago(m.at)))).toEqual([38, 19, 6, 0]);
    expect(new Set(frequent.map(({ event }) => event.visit?.visitNumber)).size).toBe(4);
    const readmission = story("readmission").map(({ event }) => event.kind);
    expect(readmission).toEqual(["ed-arrival", "ed-to-inpatient", "discharge", "inpatient-admit"]);
    const [, , discharge, again] = story("readmission");
    expect(discharge && again && (again.m.at.getTime() - discharge.m.at.getTime()) / DAY).toBeLessThan(30);
    expect(story("tracking-list-admitted").map(({ event }) => event.kind)).toEqual([
      "ed-arrival",
      "ed-to-inpatient",
    ]);
    expect(story("tracking-list-discharged").map(({ event }) => event.kind)).toEqual([
      "inpatient-admit",
      "discharge",
    ]);
    expect(story("not-enrolled-ed").map(({ event }) => event.kind)).toEqual(["ed-arrival", "ed-discharge"]);
  });

  it("leaves the patients in the ED or the hospital now with their visit open, and the lately discharged home", () => {
    const last = (part: ScenarioPart, nth = 0) => story(part, nth).at(-1)?.event;
    for (const part of ["in-ed-now", "monitor-copy-ed", "frequent-ed"] as const)
      expect(last(part)?.kind, part).toBe("ed-arrival");
    expect(last("in-ed-now", 1)?.kind).toBe("ed-arrival");
    for (const part of ["in-hospital-now", "tracking-list-admitted", "readmission"] as const) {
      expect(["ed-to-inpatient", "inpatient-admit", "transfer"], part).toContain(last(part)?.kind);
      expect(last(part)?.visit?.patientClass, part).toBe("I");
    }
    for (const nth of [0, 1, 2]) {
      const home = story("recent-discharge", nth).at(-1);
      expect(home?.event).toMatchObject({ kind: "discharge", visit: { dischargeDisposition: "01" } });
      expect(ago(home?.m.at ?? new Date())).toBeLessThan(2);
    }
  });

  it("gives the same messages and ids for the same epoch, other ids for another", () => {
    expect(scenarioMessages(scenario, roster)).toEqual(messages);
    const other = scenarioMessages({ ...scenario, epoch: "2026-12-08T09:00:00.000Z" }, roster);
    expect(other.map((m) => m.controlId)).not.toEqual(messages.map((m) => m.controlId));
    expect(scenarioTag(new Date(EPOCH))).toMatch(/^[0-9A-Z]{6}$/);
    expect(new Set(messages.map((m) => m.controlId)).size).toBe(messages.length);
    for (const m of messages)
      expect(m.controlId).toMatch(new RegExp(`^HIS${scenarioTag(new Date(EPOCH))}\\d{4}$`));
  });

  it("leaves out a cast member the patients file does not have", () => {
    expect(scenario.cast[0]?.part).toBe("frequent-ed");
    const fewer = scenarioMessages(scenario, roster.slice(1));
    expect(fewer.some((m) => m.part === "frequent-ed")).toBe(false);
    expect(fewer.length).toBe(messages.filter((m) => m.part !== "frequent-ed").length);
  });
});

describe("a feed with the demo's past", () => {
  it("sends the past first, then the live feed, which leaves the cast to their own stories", () => {
    const feed = createFeed({ seed: 5, runTag: "T9", patients: roster, strangerShare: 0, scenario });
    const now = new Date("2026-12-07T15:00:00Z");
    const sent = Array.from({ length: messages.length + 60 }, () => feed.next(now));
    const replay = sent.slice(0, messages.length);
    expect(replay.map((m) => m.controlId)).toEqual(messages.map((m) => m.controlId));
    expect(replay.every((m) => m.replayedAt !== undefined && m.storyId === 0)).toBe(true);
    const live = sent.slice(messages.length);
    expect(live.every((m) => m.replayedAt === undefined && m.storyId > 0)).toBe(true);
    // The cast is 12 of the 16 roster patients: the live feed tells the other four's stories.
    const castFamilies = new Set(
      roster
        .filter((p) => scenario.cast.some((c) => c.memberId === p.memberId))
        .map((p) => p.family.toUpperCase()),
    );
    const liveFamilies = live.map((m) => normalize(m.text).patient.name?.family ?? "");
    expect(liveFamilies.some((f) => f.startsWith("MOCKRIDGE"))).toBe(true);
    for (const family of liveFamilies) expect(castFamilies.has(family)).toBe(false);
  });
});
