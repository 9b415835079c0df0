import type { AlertContent, AlertDetailLevel, DeliveryPurpose, MatchedEvent } from "@homeward/contracts";

export interface TaskLink {
  taskId: string;
  title: string;
  dueAt: Date;
  status?: string;
}

/** The link into Homeward for a task or an event: the recipient signs in there to see the detail. */
export const taskUrl = (baseUrl: string, taskId: string) => `${baseUrl}/tasks/${encodeURIComponent(taskId)}`;
export const eventUrl = (baseUrl: string, matchId: string) =>
  `${baseUrl}/events/${encodeURIComponent(matchId)}`;

/**
 * What an alert about `matched` says, trimmed to the organization's detail level (minimum necessary):
 * minimal = no patient data at all; limited = initials and the practice's own identifier; full = name
 * and birth date. Subject lines and pager text are rendered without the patient block whatever the level.
 */
export function buildAlertContent(input: {
  matched: MatchedEvent;
  purpose: DeliveryPurpose;
  copy: "lead" | "monitor";
  tasks: readonly TaskLink[];
  detailLevel: AlertDetailLevel;
  baseUrl: string;
  correctionReason?: string;
  /** Why the event opened no follow-up task, in words (protocols NO_TASK_REASON_TEXT), when it opened none. */
  noTaskReason?: string | undefined;
}): AlertContent {
  const { matched, baseUrl } = input;
  const event = matched.event;
  const flags: AlertContent["flags"] = [];
  if (matched.flags.frequentEd !== undefined) flags.push("frequent-ed");
  if (matched.flags.readmission !== undefined) flags.push("readmission");
  const patient = patientBlock(matched, input.detailLevel);
  return {
    purpose: input.purpose,
    eventKind: event.kind,
    occurredAt: event.occurredAt,
    facility: {
      code: event.facility.sendingFacility,
      ...(event.facility.displayName === undefined ? {} : { name: event.facility.displayName }),
    },
    practice: { code: matched.practice.code, name: matched.practice.name },
    copy: input.copy,
    ...(matched.enrollment === undefined
      ? {}
      : { program: matched.enrollment.program, riskTier: matched.enrollment.riskTier }),
    flags,
    ...(patient === undefined ? {} : { patient }),
    tasks: input.tasks.map((t) => ({
      taskId: t.taskId,
      title: t.title,
      dueAt: t.dueAt.toISOString(),
      url: taskUrl(baseUrl, t.taskId),
      ...(t.status === undefined ? {} : { status: t.status }),
    })),
    ...(input.correctionReason === undefined ? {} : { correction: { reason: input.correctionReason } }),
    ...(input.noTaskReason === undefined ? {} : { noTaskReason: input.noTaskReason }),
    url: eventUrl(baseUrl, matched.retracts?.matchId ?? matched.matchId),
  };
}

function patientBlock(matched: MatchedEvent, level: AlertDetailLevel): AlertContent["patient"] {
  if (level === "minimal") return undefined;
  const name = matched.event.patient.name;
  if (level === "limited") {
    const initials = [name?.given, name?.family].map((p) => p?.[0]?.toUpperCase() ?? "").join("");
    return initials === "" ? undefined : { displayName: initials };
  }
  const displayName = [name?.given, name?.family].filter((p) => p !== undefined).join(" ");
  const birthDate = matched.event.patient.birthDate;
  return {
    ...(displayName === "" ? {} : { displayName }),
    ...(birthDate === undefined ? {} : { birthDate }),
  };
}
