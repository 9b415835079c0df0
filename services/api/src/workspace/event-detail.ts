import type { MatchedEvent, PersonName, Provider } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import { outboundDeliveriesOfMatch } from "@homeward/outbound";
import { NO_TASK_REASON_TEXT, type NoTaskReason } from "@homeward/protocols";
import type { z } from "zod";
import { iso } from "../schemas.ts";
import { displayName, loadTask, toTaskSummary } from "../tasks/task-queries.ts";
import type { AlertSent } from "../tasks/task-schemas.ts";
import { diagnosisTypeLabel, dischargeDisposition } from "./event-dispositions.ts";
import type { EventDetail } from "./event-schemas.ts";
import {
  type AlertRow,
  careManagerOfRecord,
  eventAlerts,
  eventTaskIds,
  loadEventPatient,
  type MatchedEventRow,
  pcpOfRecord,
  recipientsOf,
} from "./event-store.ts";

/** Why someone was alerted, in words (MatchedRecipient `basis`). */
const BASIS_WORDS: Record<NonNullable<MatchedEvent["recipients"][number]["basis"]>, string> = {
  "care-manager-of-record": "Care manager of record (the enrollment names them)",
  "pcp-of-record": "PCP of record (the attribution names them)",
  "named-by-rule": "Named in a notification rule",
  "role-in-organization": "Everyone with this role in the organization (a notification rule)",
};

/** A name as sent: "Dr Ingrid M Halvorsen MD" from its parts; null when the message had none. */
export function personName(name: PersonName | undefined): string | null {
  if (name === undefined) return null;
  const parts = [name.prefix, name.given, name.middle, name.family, name.suffix, name.degree];
  const text = parts.filter((p) => p !== undefined && p !== "").join(" ");
  return text === "" ? null : text;
}

function provider(p: Provider): { name: string | null; npi: string | null } {
  return { name: personName(p.name), npi: p.npi ?? null };
}

/** A delivery as the page lists it: purpose, channel, status, to whom, when. */
export function toAlertSent(d: AlertRow): z.infer<typeof AlertSent> {
  return {
    id: d.id,
    purpose: d.purpose,
    channel: d.channel,
    status: d.status,
    recipient: { id: d.recipient_id, displayName: d.display_name },
    attempts: d.attempts,
    createdAt: d.created_at.toISOString(),
    sendAfter: iso(d.send_after),
    sentAt: iso(d.sent_at),
  };
}

/** The words of a stored no-task reason; an unknown code (a newer notifier) is shown as it is. */
export function noTaskOf(reason: string | null): EventDetail["noTask"] {
  if (reason === null) return null;
  const text = NO_TASK_REASON_TEXT[reason as NoTaskReason] ?? reason.replace(/-/g, " ");
  return { reason, text };
}

/**
 * The event page's answer for one matched event the principal may read: the stored announcement
 * (what the hospital said, as routed to this organization) with the patient as the organization
 * knows them, the care team now and as alerted, the tasks, the alerts sent and what went to the
 * organization's systems.
 */
export async function loadEventDetail(pool: Pool, row: MatchedEventRow, now: Date): Promise<EventDetail> {
  const record = row.record;
  const event = record.event;
  const visit = event.visit;
  const [patient, careManager, pcp, alerted, taskIds, alerts, systems] = await Promise.all([
    loadEventPatient(pool, row.patient_id, row.organization_id),
    careManagerOfRecord(pool, row.patient_id, row.organization_id),
    pcpOfRecord(pool, row.patient_id, row.organization_id, record.attribution?.pcpNpi),
    recipientsOf(
      pool,
      record.recipients.map((r) => r.recipientId),
      row.organization_id,
    ),
    eventTaskIds(pool, row),
    eventAlerts(pool, row),
    outboundDeliveriesOfMatch(pool, row.match_id, row.organization_id),
  ]);
  const tasks = (await Promise.all(taskIds.map((id) => loadTask(pool, id, now)))).flatMap((t) =>
    t === undefined ? [] : [toTaskSummary(t)],
  );
  const caseManagerAlerted = record.recipients.find((r) => r.basis === "care-manager-of-record");
  const alertedCareManager = alerted.find((p) => p.id === caseManagerAlerted?.recipientId);
  const hospitalId = event.patient.primaryIdentifier;
  const own = patient?.identifiers ?? [];
  const identifiers = [
    ...own.map((i) => ({ ...i, source: "organization" as const })),
    ...(own.some(
      (i) => i.value === hospitalId.value && i.assigningAuthority === (hospitalId.assigningAuthority ?? null),
    )
      ? []
      : [
          {
            value: hospitalId.value,
            typeCode: hospitalId.typeCode ?? null,
            assigningAuthority: hospitalId.assigningAuthority ?? event.facility.sendingFacility,
            source: "hospital" as const,
          },
        ]),
  ];
  const location = visit?.location;
  return {
    matchId: row.match_id,
    organization: {
      id: row.organization_id,
      code: row.org_code,
      name: row.org_name,
      timeZone: row.org_time_zone,
    },
    copy: row.copy,
    event: { id: event.eventId, kind: event.kind, trigger: event.trigger, occurredAt: event.occurredAt },
    patient: {
      id: row.patient_id,
      displayName: displayName(patient?.given_name ?? null, patient?.family_name ?? null),
      birthDate: patient?.birth_date ?? null,
      sex: patient?.sex ?? null,
      identifiers,
    },
    facility: {
      code: event.facility.sendingFacility,
      name: event.facility.displayName ?? null,
      timeZone: event.facility.timeZone,
    },
    location:
      location === undefined
        ? null
        : {
            pointOfCare: location.pointOfCare ?? null,
            room: location.room ?? null,
            bed: location.bed ?? null,
            building: location.building ?? null,
            floor: location.floor ?? null,
            description: location.description ?? null,
          },
    encounter: { setting: record.encounter.setting, status: record.encounter.status },
    visit: {
      visitNumber: row.visit_number,
      patientClass: visit?.patientClass ?? null,
      hospitalService: visit?.hospitalService ?? null,
      admittedAt: visit?.admittedAt ?? null,
      dischargedAt: visit?.dischargedAt ?? null,
    },
    admitReason:
      visit?.admitReason === undefined
        ? null
        : {
            code: visit.admitReason.code ?? null,
            text: visit.admitReason.text ?? null,
            system: visit.admitReason.system ?? null,
          },
    diagnoses: event.diagnoses.map((d) => ({
      code: d.code ?? null,
      system: d.system ?? null,
      description: d.description ?? null,
      type: diagnosisTypeLabel(d.type),
    })),
    discharge:
      visit?.dischargeDisposition === undefined && visit?.dischargedTo === undefined
        ? null
        : {
            disposition:
              visit.dischargeDisposition === undefined
                ? null
                : dischargeDisposition(visit.dischargeDisposition),
            dischargedTo: visit.dischargedTo ?? null,
          },
    attendingProvider: visit?.attendingProvider === undefined ? null : provider(visit.attendingProvider),
    primaryCareProvider:
      event.primaryCareProvider === undefined
        ? null
        : { ...provider(event.primaryCareProvider), source: event.primaryCareProvider.source },
    flags: {
      frequentEd: record.flags.frequentEd ?? null,
      readmission: record.flags.readmission ?? null,
    },
    careTeam: {
      careManager:
        careManager !== undefined
          ? { id: careManager.id, displayName: careManager.display_name }
          : alertedCareManager !== undefined
            ? { id: alertedCareManager.id, displayName: alertedCareManager.display_name }
            : null,
      pcp:
        pcp === undefined
          ? null
          : {
              name: [pcp.given_name, pcp.family_name].filter((n) => n !== null && n !== "").join(" ") || null,
              npi: pcp.npi,
              recipient:
                pcp.recipient_id === null
                  ? null
                  : { id: pcp.recipient_id, displayName: pcp.recipient_name ?? "" },
            },
      enrollment:
        record.enrollment === undefined
          ? null
          : {
              program: record.enrollment.program,
              riskTier: record.enrollment.riskTier ?? null,
              status: record.enrollment.status,
              leadOrganization: record.enrollment.leadOrganization,
            },
      alerted: record.recipients.flatMap((r) => {
        const person = alerted.find((p) => p.id === r.recipientId);
        if (person === undefined) return [];
        return [
          {
            recipient: { id: person.id, displayName: person.display_name },
            role: r.role,
            copy: r.copy,
            ...(r.basis === undefined ? {} : { basis: r.basis }),
            why: r.basis === undefined ? "Alerted" : BASIS_WORDS[r.basis],
          },
        ];
      }),
    },
    retraction:
      row.retracted_at === null
        ? null
        : { at: row.retracted_at.toISOString(), reason: row.retraction_reason },
    tasks,
    noTask: tasks.length > 0 ? null : noTaskOf(row.no_task_reason),
    alerts: alerts.map(toAlertSent),
    systems,
  };
}
