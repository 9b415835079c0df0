// The api's task JSON (services/api/src/tasks/task-schemas.ts) in the one flat shape the views use.

/** The items of a list response (`{ items }`, or the named key of a report). */
export function listOf(body, key = "items") {
  if (Array.isArray(body)) return body;
  return Array.isArray(body?.[key]) ? body[key] : Array.isArray(body?.items) ? body.items : [];
}

/** A TaskSummary as the inbox and the drawer show it. */
export function readTask(t) {
  return {
    id: t.id,
    title: t.title,
    status: t.status,
    dueAt: t.dueAt,
    triggeredAt: t.triggeredAt,
    openedAt: t.openedAt,
    completedAt: t.completedAt,
    outcome: t.outcome,
    completedBy: t.completedBy,
    // When and how the patient was reached (entered, not the click on Complete), and the first attempt.
    contactedAt: t.contactedAt ?? null,
    contactMethod: t.contactMethod ?? null,
    firstAttemptAt: t.firstAttemptAt ?? null,
    cancelReason: t.cancelReason,
    patientName: t.patient?.displayName ?? "Patient",
    birthDate: t.patient?.birthDate,
    patientIdentifier: t.patient?.practiceIdentifier,
    facility: t.facility?.name ?? t.facility?.code,
    facilityCode: t.facility?.code,
    // Event times are read in the facility's zone, due dates on the practice's calendar.
    facilityTimeZone: t.facility?.timeZone ?? t.organization?.timeZone,
    practiceTimeZone: t.organization?.timeZone,
    visitNumber: t.visitNumber,
    eventKind: t.eventKind,
    program: t.program,
    tier: t.riskTier,
    practice: t.organization?.name,
    assignee: t.assignee?.displayName,
  };
}

/** A TaskDetail: the task, its encounter timeline, the alerts sent and its history. */
export function readTaskDetail(body) {
  return {
    task: readTask(body.task),
    timeZone: body.task?.organization?.timeZone,
    // The event page of the announcement that opened the task (null when none was kept), and the patient's.
    matchId: body.matchId ?? null,
    // A periodic review (no encounter): what it is and what its deadline counts from.
    review: body.review ? { label: body.review.label, countedFrom: body.review.countedFrom } : null,
    patientId: body.task?.patient?.id ?? null,
    timeline: (body.timeline ?? []).map((e) => ({
      at: e.occurredAt,
      kind: e.kind,
      facility: e.facility,
      thisEncounter: e.thisEncounter,
      retracted: e.retracted,
    })),
    alerts: (body.alerts ?? []).map((a) => ({
      at: a.sentAt ?? a.sendAfter ?? a.createdAt,
      channel: a.channel,
      purpose: a.purpose,
      recipient: a.recipient?.displayName,
      status: a.status,
      attempts: a.attempts,
    })),
    history: (body.history ?? []).map((entry) => ({
      at: entry.at,
      actor: entry.actorName ?? entry.actor,
      action: entry.action,
      fromStatus: entry.fromStatus,
      toStatus: entry.toStatus,
      detail: entry.detail,
    })),
  };
}
