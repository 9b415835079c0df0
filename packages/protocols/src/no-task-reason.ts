import type { MatchedEvent } from "@homeward/contracts";
import { encounterExclusionOf, patientDied } from "./exclusions.ts";
import type { Protocol, ProtocolsFile } from "./protocol.ts";
import { protocolApplies, stepApplies } from "./protocol-match.ts";

/**
 * Why a matched event opened no follow-up task, for the event page and the alert: the care team
 * must see that nothing was opened on purpose, and can then open one by hand.
 */
export type NoTaskReason =
  | "retraction"
  | "monitor-copy"
  | "deceased"
  | "not-enrolled"
  | "enrollment-status"
  | "no-protocol-for-event"
  | "no-step-for-tier"
  | "excluded-by-discharge";

export const NO_TASK_REASON_TEXT: Record<NoTaskReason, string> = {
  retraction: "the hospital took this event back",
  "monitor-copy": "your organization has the monitor copy: the lead organization's care team follows up",
  deceased: "the hospital reports the patient as deceased",
  "not-enrolled":
    "the patient is not enrolled in a care-management program, and no protocol covers this event for them",
  "enrollment-status": "no protocol opens tasks for the patient's enrollment status",
  "no-protocol-for-event": "no protocol opens a task for this kind of event",
  "no-step-for-tier": "the protocol has no step for the patient's risk tier",
  "excluded-by-discharge":
    "the discharge takes this visit out of follow-up (a transfer on to inpatient care, or against advice where the program excludes it)",
};

/**
 * The reason `planTasks` returns nothing for this event, checked in the order the planner decides;
 * undefined when it would open at least one task.
 */
export function noTaskReason(matched: MatchedEvent, protocols: ProtocolsFile): NoTaskReason | undefined {
  if (matched.kind !== "announcement") return "retraction";
  if (matched.enrollment?.copy === "monitor") return "monitor-copy";
  if (patientDied(matched)) return "deceased";
  const matching = protocols.protocols.filter((p) => protocolApplies(p, matched));
  const applying = matching.filter((p) => encounterExclusionOf(p, matched) === undefined);
  if (matching.length > 0 && applying.length === 0) return "excluded-by-discharge";
  if (applying.some((p) => p.steps.some((s) => stepApplies(s, matched)))) return undefined;
  if (applying.length > 0) return "no-step-for-tier";
  const enrolledOnly = protocols.protocols.filter(
    (p) => p.enabled && p.population === "enrolled" && p.trigger.eventKinds.includes(matched.event.kind),
  );
  if (matched.enrollment === undefined && enrolledOnly.length > 0) return "not-enrolled";
  if (enrolledOnly.some((p) => excludedByStatusAlone(p, matched))) return "enrollment-status";
  return "no-protocol-for-event";
}

/**
 * Whether a protocol for active patients would open a task for this event but for the patient's
 * enrollment status: a tracking-list patient's ED visit (the ED call is for active and monitor
 * patients). A protocol only for another status (the tracking list's in-hospital visit) is not why
 * an active or monitor patient's Priority II admission opens nothing.
 */
function excludedByStatusAlone(protocol: Protocol, matched: MatchedEvent): boolean {
  const status = matched.enrollment?.status;
  const statuses = protocol.enrollmentStatuses;
  if (status === undefined || statuses === undefined) return false;
  if (!statuses.includes("active") || statuses.includes(status)) return false;
  const anyStatus: Protocol = { ...protocol, enrollmentStatuses: undefined };
  return protocolApplies(anyStatus, matched) && protocol.steps.some((s) => stepApplies(s, matched));
}
