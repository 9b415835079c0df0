import type { MatchedEvent } from "@homeward/contracts";

/**
 * The JSON body of a webhook (Standard Webhooks: `type`, `timestamp`, `data`). One per matched
 * record; a retraction is its own `event.retracted` naming the webhook id it takes back. The
 * patient block is the organization's own patient, as routing decided (docs/outbound-webhooks.md).
 */
export interface WebhookEvent {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export function buildWebhookEvent(matched: MatchedEvent, at: Date): WebhookEvent {
  const e = matched.event;
  return {
    type: `encounter.${e.kind}`,
    timestamp: at.toISOString(),
    data: {
      eventId: e.eventId,
      matchId: matched.matchId,
      kind: e.kind,
      trigger: e.trigger,
      occurredAt: e.occurredAt,
      facility: {
        code: e.facility.sendingFacility,
        ...(e.facility.displayName === undefined ? {} : { name: e.facility.displayName }),
      },
      organization: { code: matched.practice.code, name: matched.practice.name },
      patient: {
        homewardId: matched.patientId,
        identifiers: e.patient.identifiers.map((i) => ({
          value: i.value,
          ...(i.typeCode === undefined ? {} : { type: i.typeCode }),
          ...(i.assigningAuthority === undefined ? {} : { authority: i.assigningAuthority }),
        })),
        ...(e.patient.name === undefined
          ? {}
          : { name: { family: e.patient.name.family, given: e.patient.name.given } }),
        ...(e.patient.birthDate === undefined ? {} : { birthDate: e.patient.birthDate }),
      },
      encounter: {
        visitNumber: matched.encounter.visitNumber,
        setting: matched.encounter.setting,
        status: matched.encounter.status,
        ...(e.visit?.admittedAt === undefined ? {} : { admittedAt: e.visit.admittedAt }),
        ...(e.visit?.dischargedAt === undefined ? {} : { dischargedAt: e.visit.dischargedAt }),
        ...(e.visit?.dischargeDisposition === undefined
          ? {}
          : { dischargeDisposition: e.visit.dischargeDisposition }),
      },
      ...(matched.enrollment === undefined
        ? {}
        : {
            enrollment: {
              program: matched.enrollment.program,
              ...(matched.enrollment.riskTier === undefined ? {} : { riskTier: matched.enrollment.riskTier }),
              copy: matched.enrollment.copy,
            },
          }),
    },
  };
}

/**
 * The retraction of a webhook already planned: which webhook it takes back (its id, event and match,
 * and what it announced: `encounter.discharge`, kind `discharge`), the hospital's cancel that took it
 * back (kind and trigger), and the encounter's status after it (A11 cancelled, A13 active again).
 */
export function buildRetractionWebhookEvent(
  retraction: MatchedEvent,
  retracted: { webhookId: string; eventId: string; matchId: string; type?: string; kind?: string },
  at: Date,
): WebhookEvent {
  return {
    type: "event.retracted",
    timestamp: at.toISOString(),
    data: {
      eventId: retraction.event.eventId,
      kind: retraction.event.kind,
      trigger: retraction.event.trigger,
      occurredAt: retraction.event.occurredAt,
      retracts: retracted,
      organization: { code: retraction.practice.code, name: retraction.practice.name },
      encounter: { visitNumber: retraction.encounter.visitNumber, status: retraction.encounter.status },
    },
  };
}
