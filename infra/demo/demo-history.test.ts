import { readFileSync } from "node:fs";
import { indexFacilityMappings, loadFacilityMappings } from "@homeward/contracts";
import { normalizeAdt, parseHl7 } from "@homeward/hl7";
import { publicHolidayDates } from "@homeward/protocols";
import { historyMessages, type SimPatient, scenarioTag } from "@homeward/simulator";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { demoHistory, listedFrom } from "./demo-history.ts";
import { PRACTICE_CALENDAR } from "./demo-history-care.ts";
import { buildDemoHistory } from "./demo-history-data.ts";
import { demoPopulation } from "./demo-population.ts";
import { demoCast } from "./demo-scenario.ts";

const EPOCH = new Date("2026-12-07T14:30:00.000Z");
const people = demoPopulation();
const cast = new Set(demoCast(people).map((c) => c.memberId));
const data = buildDemoHistory(people, { epoch: EPOCH, exclude: cast });
const visits = demoHistory(people, { epoch: EPOCH, exclude: cast }).visits;
const DAY = 86_400_000;

const roster: SimPatient[] = people.map((p) => ({
  family: p.family,
  given: p.given,
  sex: p.sex,
  birthDate: p.birthDate,
  memberId: p.memberId,
  memberIdAuthority: "HPLAN",
  mrns: p.mrns,
}));
const file = readFileSync(
  new URL("../../services/adt-listener/config/facilities.example.json", import.meta.url),
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

const local = (iso: string) => DateTime.fromISO(iso, { zone: PRACTICE_CALENDAR.timeZone });
const calls = data.work.filter((w) => w.stepId === "follow-up-call" && w.careManager !== "planCareManager");
const share = (ws: readonly { verdict: string }[]) =>
  ws.filter((w) => w.verdict === "in-time").length / ws.length;

describe("the demo's six months of history", () => {
  it("runs from the first of the month six months back to twelve days before the epoch, every month with visits", () => {
    // Epoch Monday 7 December 2026: June 1 to November 25 (7 Dec 14:30 UTC less 12 days, in New York).
    expect([data.from, data.to]).toEqual(["2026-06-01", "2026-11-25"]);
    const months = new Set(visits.map((v) => v.beats[0]?.at.slice(0, 7)));
    expect([...months].sort()).toEqual(["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]);
    for (const v of visits)
      for (const b of v.beats) expect(Date.parse(b.at)).toBeLessThan(EPOCH.getTime() - DAY);
    // Nobody who plays the recent past has a history: their own stories stand alone.
    expect(visits.some((v) => cast.has(v.memberId))).toBe(false);
  });

  it("is the same history for the same population and epoch, a new one for another epoch", () => {
    expect(buildDemoHistory(people, { epoch: EPOCH, exclude: cast })).toEqual(data);
    const other = buildDemoHistory(people, { epoch: new Date("2026-12-08T09:00:00Z"), exclude: cast });
    expect(other.visits.map((v) => v.visitNumber)).not.toEqual(data.visits.map((v) => v.visitNumber));
  });

  it("tells plausible stories: the sickest go most, frequent ED users, readmissions, one-off endings and two deaths", () => {
    const stories = (story: string) => visits.filter((v) => v.story === story).length;
    expect([stories("ed-transferred"), stories("ed-cancelled"), stories("ed-then-new-visit")]).toEqual([
      2, 2, 2,
    ]);
    expect([stories("ed-died"), stories("admission-died")]).toEqual([1, 1]);
    expect(data.deceased).toHaveLength(2);
    expect(visits.filter((v) => v.readmission).length).toBeGreaterThanOrEqual(3);
    const edVisits = new Map<string, number>();
    for (const v of visits)
      if (v.beats[0]?.trigger === "A04") edVisits.set(v.memberId, (edVisits.get(v.memberId) ?? 0) + 1);
    expect([...edVisits.values()].filter((n) => n >= 4).length).toBeGreaterThanOrEqual(3);
    // Per tier, visits per patient fall from I to III to no list at all.
    const perPatient = (tier: string | undefined) => {
      const group = people.filter(
        (p) => !cast.has(p.memberId) && (p.practiceList?.tier ?? p.planList?.tier) === tier,
      );
      return visits.filter((v) => group.some((p) => p.memberId === v.memberId)).length / group.length;
    };
    expect(perPatient("I")).toBeGreaterThan(perPatient("III"));
    expect(perPatient("III")).toBeGreaterThan(perPatient(undefined));
  });

  it("never overlaps a patient's visits, and nobody comes back after dying", () => {
    const byPatient = new Map<string, typeof visits>();
    for (const v of visits) byPatient.set(v.memberId, [...(byPatient.get(v.memberId) ?? []), v]);
    for (const [member, mine] of byPatient) {
      for (let i = 1; i < mine.length; i++) {
        const end = Date.parse(mine[i - 1]?.beats.at(-1)?.at ?? "");
        expect(Date.parse(mine[i]?.beats[0]?.at ?? ""), member).toBeGreaterThan(end);
      }
      if (data.deceased.includes(member)) expect(mine.at(-1)?.story).toMatch(/died/);
    }
  });

  it("is written as the hospitals would send it: each message normalizes to its kind, at its time, with its own ids", () => {
    const messages = historyMessages(scenarioTag(EPOCH), data.visits, roster);
    expect(messages).toHaveLength(data.messages);
    expect(new Set(messages.map((m) => m.controlId)).size).toBe(messages.length);
    expect(new Set(data.visits.map((v) => v.visitNumber)).size).toBe(data.visits.length);
    const times = messages.map((m) => m.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const m of messages) {
      const event = normalize(m.text);
      expect([m.controlId, event.kind]).toEqual([event.controlId, m.expectedKind]);
      expect(event.patient.memberId).toBe(m.memberId);
      expect(event.visit?.visitNumber).toBe(m.visitNumber);
      expect(Date.parse(event.occurredAt)).toBe(m.at.getTime());
    }
  });
});

describe("the care team's work on the history's tasks", () => {
  it("is recorded at working hours of the practice's business days, after the event and before the epoch", () => {
    const holidays = publicHolidayDates({ country: "US", state: "NY" }, 2026);
    const visitOf = new Map(data.visits.map((v) => [v.visitNumber, v]));
    for (const w of data.work) {
      const event = Date.parse(visitOf.get(w.visitNumber)?.beats[0]?.at ?? "");
      for (const a of w.actions) {
        const at = local(a.at);
        expect(at.weekday, a.at).toBeLessThan(6);
        expect(holidays.has(at.toISODate() ?? ""), a.at).toBe(false);
        expect(at.hour * 60 + at.minute).toBeGreaterThanOrEqual(8 * 60 + 30);
        expect(at.hour * 60 + at.minute).toBeLessThanOrEqual(17 * 60 + 45);
        expect(Date.parse(a.at)).toBeGreaterThan(event);
        expect(Date.parse(a.at)).toBeLessThan(EPOCH.getTime());
        if (a.happenedAt !== undefined) expect(Date.parse(a.happenedAt)).toBeLessThan(Date.parse(a.at));
      }
    }
  });

  it("reaches about four ED calls in five in time, never 0% or 100% in a month, and better as months go by", () => {
    expect(share(calls)).toBeGreaterThan(0.72);
    expect(share(calls)).toBeLessThan(0.9);
    const months = [...new Set(calls.map((w) => w.month))].sort();
    for (const month of months) {
      const these = calls.filter((w) => w.month === month);
      if (these.length < 2) continue;
      expect(share(these), month).toBeGreaterThan(0);
      expect(share(these), month).toBeLessThan(1);
    }
    const firstHalf = calls.filter((w) => months.indexOf(w.month) < 3);
    const secondHalf = calls.filter((w) => months.indexOf(w.month) >= 3);
    expect(share(secondHalf)).toBeGreaterThan(share(firstHalf));
  });

  it("has one slower care manager, and worse weeks around public holidays", () => {
    const of = (key: string) => calls.filter((w) => w.careManager === key);
    expect(share(of("practiceCareManager3"))).toBeLessThan(share(of("practiceCareManager")));
    expect(share(of("practiceCareManager3"))).toBeLessThan(share(of("practiceCareManager2")));
    const holidays = publicHolidayDates({ country: "US", state: "NY" }, 2026);
    const visitOf = new Map(data.visits.map((v) => [v.visitNumber, v]));
    const nearHoliday = (w: (typeof calls)[number]) => {
      const day = local(visitOf.get(w.visitNumber)?.beats[0]?.at ?? "");
      return [0, 1, 2, 3, 4].some((d) => holidays.has(day.plus({ days: d }).toISODate() ?? ""));
    };
    expect(share(calls.filter(nearHoliday))).toBeLessThan(share(calls.filter((w) => !nearHoliday(w))));
  });

  it("has misses with stories, and contacts entered days later with the time the patient was reached", () => {
    const stories = new Set(data.work.map((w) => w.story));
    for (const story of [
      "reached after the window",
      "unable to reach after three attempts",
      "closed after a voicemail",
      "never worked",
      "reached in time, entered days later with the contact time",
    ])
      expect(stories, story).toContain(story);
    const unable = data.work.find((w) => w.story === "unable to reach after three attempts");
    expect(unable?.actions.map((a) => [a.kind, a.outcome])).toEqual([
      ["attempt", "left_message"],
      ["attempt", "unable_to_reach"],
      ["attempt", "unable_to_reach"],
      ["complete", "unable_to_reach"],
    ]);
  });

  it("dates each list line from the first of the epoch's month (UTC), as the seed dates the rosters", () => {
    const line = {
      tier: "II",
      lead: "practice",
      status: "active",
      goal: "g",
      goalMet: false,
      sinceDays: 30,
    } as const;
    // 1 December 2026 less 30 days.
    expect(listedFrom(line, EPOCH)).toBe("2026-11-01");
    expect(listedFrom({ ...line, sinceDays: 0 }, new Date("2026-12-31T23:30:00Z"))).toBe("2026-12-01");
  });
});
