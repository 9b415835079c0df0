/** Thresholds for the utilizer flags; configurable per deployment. */
export interface UtilizerThresholds {
  /** This many ED visits … */
  edVisits: number;
  /** … within this many days make a frequent ED user. */
  edWindowDays: number;
  /** An admission within this many days of an inpatient discharge is a readmission. */
  readmissionDays: number;
}

/** ≥3 ED visits in 60 days; readmission within 30 days (the field's usual definitions). */
export const DEFAULT_UTILIZER_THRESHOLDS: UtilizerThresholds = {
  edVisits: 3,
  edWindowDays: 60,
  readmissionDays: 30,
};

/** One past or current encounter of the patient, as the flags need it. */
export interface VisitSummary {
  encounterKey: string;
  setting: "ed" | "inpatient" | "outpatient" | "observation" | "pre-admit";
  startedAt: string;
  dischargedAt?: string;
  cancelled: boolean;
}

export interface UtilizerFlags {
  frequentEd?: { visits: number; windowDays: number };
  readmission?: { priorDischargeAt: string; daysSinceDischarge: number };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Flags for the event at `at` in encounter `current`, from the patient's encounter history
 * (which includes the current encounter). Cancelled encounters never count.
 */
export function utilizerFlags(
  history: readonly VisitSummary[],
  current: { encounterKey: string; setting: VisitSummary["setting"]; at: string },
  thresholds: UtilizerThresholds = DEFAULT_UTILIZER_THRESHOLDS,
): UtilizerFlags {
  const at = Date.parse(current.at);
  const live = history.filter((v) => !v.cancelled);
  const flags: UtilizerFlags = {};

  const edSince = at - thresholds.edWindowDays * DAY_MS;
  const edVisits = live.filter((v) => {
    const started = Date.parse(v.startedAt);
    return v.setting === "ed" && started >= edSince && started <= at;
  }).length;
  if (edVisits >= thresholds.edVisits)
    flags.frequentEd = { visits: edVisits, windowDays: thresholds.edWindowDays };

  if (current.setting === "inpatient") {
    const prior = live
      .filter(
        (v) =>
          v.encounterKey !== current.encounterKey &&
          v.setting === "inpatient" &&
          v.dischargedAt !== undefined,
      )
      .map((v) => ({ at: v.dischargedAt as string, ms: Date.parse(v.dischargedAt as string) }))
      .filter((d) => d.ms <= at && at - d.ms <= thresholds.readmissionDays * DAY_MS)
      .sort((a, b) => b.ms - a.ms)[0];
    if (prior !== undefined) {
      flags.readmission = {
        priorDischargeAt: prior.at,
        daysSinceDischarge: Math.floor((at - prior.ms) / DAY_MS),
      };
    }
  }
  return flags;
}
