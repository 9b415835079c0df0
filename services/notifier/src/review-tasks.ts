import { inTransaction, notifyWorkspaceChanged, type Pool } from "@homeward/db";
import {
  type BusinessCalendar,
  type ProtocolsFile,
  planReviewTask,
  type ReviewProtocol,
} from "@homeward/protocols";
import {
  cancelReviewsOffList,
  insertReviewTask,
  loadReviewCandidates,
  type StoredReviewCandidate,
  takeReviewPass,
} from "@homeward/tasks";
import { loadOrganizationContext, type Tx } from "./notifier-store.ts";

export interface ReviewPassResult {
  /** Reviews this pass opened (none when another notifier holds the pass). */
  opened: number;
  /** Open reviews of patients who left the list, cancelled. */
  cancelled: number;
}

/** Why an open review is closed when its patient leaves the reviewed statuses. */
export function offListReason(protocol: ReviewProtocol): string {
  return protocol.enrollmentStatuses.length === 1 && protocol.enrollmentStatuses[0] === "tracking_list"
    ? "the patient is no longer on the tracking list"
    : `the patient's enrollment is no longer ${protocol.enrollmentStatuses.join(" or ")}`;
}

/**
 * Opens the periodic reviews that are due to open (the six-month tracking-list review, two weeks
 * ahead) and cancels those of patients who left the list. Idempotent: review ids are deterministic
 * and a patient's open review keeps another from opening, so passes that repeat, overlap or come
 * late open each review once. One notifier at a time does the pass, by a transaction-scoped advisory
 * lock per schema: another instance that finds it taken skips this round.
 */
export async function openDueReviews(
  pool: Pool,
  protocols: ProtocolsFile,
  now: Date,
): Promise<ReviewPassResult> {
  const reviews = protocols.reviews.filter((r) => r.enabled);
  if (reviews.length === 0) return { opened: 0, cancelled: 0 };
  return inTransaction(pool, async (tx) => {
    if (!(await takeReviewPass(tx))) return { opened: 0, cancelled: 0 };
    const changed = new Set<string>();
    let opened = 0;
    let cancelled = 0;
    for (const protocol of reviews) {
      const gone = await cancelReviewsOffList(tx, protocol, now, offListReason(protocol));
      cancelled += gone.length;
      for (const g of gone) changed.add(g.organizationId);
      const candidates = await loadReviewCandidates(tx, protocol, now);
      const calendars = await calendarsFor(pool, candidates);
      // A patient listed twice by one organization under one program (two sources) gets one review.
      const seen = new Set<string>();
      for (const candidate of candidates) {
        const key = `${candidate.organizationId}|${candidate.patientId}|${candidate.program}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const calendar = calendars.get(candidate.organizationId);
        if (calendar === undefined) continue;
        const task = planReviewTask(protocol, candidate, calendar, now);
        if (task === undefined) continue;
        if (await insertReviewTask(tx, task)) {
          opened++;
          changed.add(task.organizationId);
        }
      }
    }
    await notifyChanged(tx, changed);
    return { opened, cancelled };
  });
}

async function notifyChanged(tx: Tx, organizationIds: ReadonlySet<string>): Promise<void> {
  for (const organizationId of organizationIds)
    await notifyWorkspaceChanged(tx, { organizationId, kind: "task" });
}

/** Each candidate organization's business calendar, as deadlines of its event tasks use it. */
async function calendarsFor(
  pool: Pool,
  candidates: readonly StoredReviewCandidate[],
): Promise<Map<string, BusinessCalendar>> {
  const zones = new Map(candidates.map((c) => [c.organizationId, c.timeZone]));
  const calendars = new Map<string, BusinessCalendar>();
  for (const [organizationId, timeZone] of zones) {
    const org = await loadOrganizationContext(pool, organizationId);
    calendars.set(organizationId, { timeZone, holidays: org.holidays, closures: org.closures });
  }
  return calendars;
}
