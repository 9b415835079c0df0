/**
 * The demo's history as the seed writes it into patients.json (`history`): its visits, which
 * demo-history-replay.ts sends over MLLP, and the care team's planned work on their tasks, with the
 * counts the seed prints. Parsed where it is read back (the file is a boundary).
 */

import { deceasedMembers, HistoryVisit } from "@homeward/simulator";
import { z } from "zod";
import { demoHistory, listedFrom } from "./demo-history.ts";
import { PlannedTaskWork, planCareTeamWork } from "./demo-history-care.ts";
import type { DemoPerson } from "./demo-population.ts";

export const DemoHistoryData = z.object({
  /** First and last day a visit of the history starts on (practice zone). */
  from: z.iso.date(),
  to: z.iso.date(),
  /** Its messages, and how many of those the notifier records as events (all but the A11 cancels). */
  messages: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
  /** Patients who died in it (the feed simulator leaves them alone). */
  deceased: z.array(z.string()),
  visits: z.array(HistoryVisit),
  /**
   * From which day each plan-listed patient's line is in force: from then on the plan hears of their
   * events too (a second announcement per event, which the replay waits for).
   */
  planListedFrom: z.record(z.string(), z.iso.date()),
  work: z.array(PlannedTaskWork),
});
export type DemoHistoryData = z.infer<typeof DemoHistoryData>;

/** The part of patients.json the history replay reads beyond the simulator's patients and scenario. */
export const HistoryFile = z.object({ history: DemoHistoryData.optional() });

/**
 * The history of `people` (the recent past's cast left out) told before `epoch`: its visits as
 * the replay sends them, and the care team's planned work.
 */
export function buildDemoHistory(
  people: readonly DemoPerson[],
  options: { epoch: Date; months?: number; exclude: ReadonlySet<string> },
): DemoHistoryData {
  const history = demoHistory(people, {
    epoch: options.epoch,
    exclude: options.exclude,
    ...(options.months === undefined ? {} : { months: options.months }),
  });
  const visits = history.visits.map(({ memberId, facility, visitNumber, diagnosis, beats }) => ({
    memberId,
    facility,
    visitNumber,
    diagnosis,
    beats,
  }));
  const messages = visits.reduce((n, v) => n + v.beats.length, 0);
  const cancels = visits.reduce((n, v) => n + v.beats.filter((b) => b.trigger === "A11").length, 0);
  return {
    from: history.from,
    to: history.to,
    messages,
    events: messages - cancels,
    deceased: [...deceasedMembers(visits)],
    visits,
    planListedFrom: Object.fromEntries(
      people.flatMap((p) =>
        p.planList === undefined ? [] : [[p.memberId, listedFrom(p.planList, options.epoch)]],
      ),
    ),
    work: planCareTeamWork(people, history, { epoch: options.epoch }),
  };
}
