import type { DueRule, ProtocolsFile } from "@homeward/protocols";
import { type DayUnit, type FollowUpMeasure, MEASURE_STEPS } from "./follow-up-window.ts";
import { describeHighRisk } from "./high-risk-sql.ts";
import type { FollowUpDefaults } from "./report-schemas.ts";

/** Whose tasks a measure counts unless the request says: "% of high-risk patients" for the ED call. */
export const DEFAULT_POPULATION: Record<FollowUpMeasure, "high-risk" | "all"> = {
  "ed-follow-up": "high-risk",
  // Transitional care (CMS TCM, HEDIS TRC) is for every discharged patient of the practice.
  "discharge-contact": "all",
  "discharge-visit": "all",
  "medication-reconciliation": "all",
};

/** A step's due rule as the report's "within x days after the event day" (the event day is day 0). */
function windowOf(due: DueRule): { x: number; unit: DayUnit } | undefined {
  switch (due.type) {
    case "business-days":
    case "calendar-days":
      return { x: due.indexDayCounts ? due.days - 1 : due.days, unit: due.type };
    case "next-business-day":
      return { x: 1, unit: "business-days" };
    case "calendar-months":
    case "hours":
      return undefined;
  }
}

/** Used when no step of a measure is enabled in the protocols in force: the measures' usual windows. */
const FALLBACK: Record<FollowUpMeasure, { x: number; unit: DayUnit }> = {
  "ed-follow-up": { x: 2, unit: "business-days" },
  "discharge-contact": { x: 2, unit: "business-days" },
  "discharge-visit": { x: 14, unit: "calendar-days" },
  "medication-reconciliation": { x: 30, unit: "calendar-days" },
};

/**
 * Each measure's default window from the protocols in force: the due rule of the first enabled step
 * the measure counts (the ED call's 2 business days unless a program runs only the 7-day FMC step).
 * The face-to-face measure looks at its 14-day step first: that is the window of most patients (tiers
 * II, III and those without a tier); Priority I's 7 days is asked for by setting x.
 */
export function followUpDefaults(protocols: ProtocolsFile): FollowUpDefaults {
  const measures = (Object.keys(MEASURE_STEPS) as FollowUpMeasure[]).map((measure) => {
    const steps =
      measure === "discharge-visit" ? [...MEASURE_STEPS[measure]].reverse() : MEASURE_STEPS[measure];
    for (const ref of steps) {
      const protocol = protocols.protocols.find((p) => p.protocolId === ref.protocolId && p.enabled);
      const step = protocol?.steps.find((s) => s.stepId === ref.stepId);
      const window = step === undefined ? undefined : windowOf(step.due);
      if (step !== undefined && window !== undefined)
        return {
          measure,
          ...window,
          population: DEFAULT_POPULATION[measure],
          step: { protocolId: ref.protocolId, stepId: ref.stepId, title: step.title },
        };
    }
    return { measure, ...FALLBACK[measure], population: DEFAULT_POPULATION[measure], step: null };
  });
  return {
    measures,
    counting: "visit",
    highRisk: {
      text: describeHighRisk(protocols.highRisk),
      programs: protocols.programs.map((p) => ({ program: p.program, text: describeHighRisk(p.highRisk) })),
    },
  };
}
