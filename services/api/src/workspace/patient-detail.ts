import type { AdtEventKind } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import { iso } from "../schemas.ts";
import { displayName, loadTask, toTaskSummary } from "../tasks/task-queries.ts";
import { noTaskOf, toAlertSent } from "./event-detail.ts";
import type { PatientDetail } from "./patient-schemas.ts";
import {
  type EnrollmentRow,
  encountersOf,
  type OrganizationRow,
  organizationDemographics,
  organizationIdentifiers,
  organizationsById,
  type PatientEventRow,
  type PatientRow,
  patientAlerts,
  patientAttributions,
  patientEnrollments,
  patientEvents,
  patientTaskIds,
  taskHistories,
} from "./patient-store.ts";

type Source = PatientDetail["identifiers"][number]["sources"][number];
const ref = (o: OrganizationRow) => ({ id: o.id, code: o.code, name: o.name });
const orText = (value: string | null | undefined) => (value === undefined || value === "" ? null : value);

const hospitalSource = (e: PatientEventRow): Source => ({
  kind: "hospital",
  organization: null,
  label: `Hospital message: ${e.event_facility.displayName ?? e.facility} (${e.facility})`,
});

/**
 * The patient page for `organizations` (the viewer's organizations entitled to the patient): each
 * part read only for them, put together with where each value came from.
 */
export async function loadPatientDetail(
  pool: Pool,
  patientId: string,
  patient: PatientRow,
  organizations: readonly OrganizationRow[],
  now: Date,
): Promise<PatientDetail> {
  const orgIds = organizations.map((o) => o.id);
  const [identifiers, demographics, events, attributions, enrollments, alerts, taskIds] = await Promise.all([
    organizationIdentifiers(pool, patientId, orgIds),
    organizationDemographics(pool, patientId, orgIds),
    patientEvents(pool, patientId, orgIds),
    patientAttributions(pool, patientId, orgIds),
    patientEnrollments(pool, patientId, orgIds),
    patientAlerts(pool, patientId, orgIds),
    patientTaskIds(pool, patientId, orgIds),
  ]);
  const encounterKeys = [
    ...new Map(
      events.map((e) => [
        JSON.stringify([e.facility, e.visit_number]),
        { facility: e.facility, visitNumber: e.visit_number },
      ]),
    ).values(),
  ];
  const [encounters, histories, tasks, listingOrgs] = await Promise.all([
    encountersOf(pool, encounterKeys),
    taskHistories(pool, taskIds),
    Promise.all(taskIds.map((id) => loadTask(pool, id, now))),
    organizationsById(pool, [...new Set(enrollments.map((e) => e.listed_by_org_id))]),
  ]);
  const known = new Map([...organizations, ...listingOrgs].map((o) => [o.id, o]));
  const byCode = new Map(organizations.map((o) => [o.code, o]));

  // Identifiers: the organizations' own, then the hospital's key for the patient in each message.
  const ids = new Map<string, PatientDetail["identifiers"][number]>();
  const addIdentifier = (
    value: string,
    typeCode: string | null,
    authority: string | null,
    source: Source,
  ) => {
    const key = JSON.stringify([authority, typeCode, value]);
    const entry = ids.get(key) ?? { value, typeCode, assigningAuthority: authority, sources: [] };
    if (!entry.sources.some((s) => s.label === source.label)) entry.sources.push(source);
    ids.set(key, entry);
  };
  for (const i of identifiers) {
    const supplier = i.source_org_id === null ? undefined : known.get(i.source_org_id);
    const issuer = byCode.get(i.assigning_authority);
    const org = supplier ?? issuer;
    if (org === undefined) continue;
    const how = supplier !== undefined && i.source !== null ? i.source : "its own identifier";
    addIdentifier(i.value, i.type_code, i.assigning_authority, {
      kind: "organization",
      organization: ref(org),
      label: `${org.name} (${how})`,
    });
  }
  for (const e of events) {
    const id = e.event_patient.primaryIdentifier;
    addIdentifier(id.value, id.typeCode ?? null, id.assigningAuthority ?? e.facility, hospitalSource(e));
  }

  return {
    patient: {
      id: patientId,
      displayName: displayName(patient.given_name, patient.family_name),
      birthDate: patient.birth_date,
      sex: patient.sex,
    },
    organizations: organizations.map((o) => ({ ...ref(o), timeZone: o.time_zone })),
    identifiers: [...ids.values()],
    demographics: [
      recordDemographics(patient, known),
      ...demographics.flatMap((d) => {
        const org = known.get(d.source_org_id);
        if (org === undefined) return [];
        return [
          {
            source: {
              kind: "organization" as const,
              organization: ref(org),
              label: `${org.name} (${d.source})`,
            },
            familyName: d.family_name,
            givenName: d.given_name,
            middleName: d.middle_name,
            birthDate: d.birth_date,
            sex: d.sex,
            postalCode: d.postal_code,
            phone: d.phone,
            asOf: d.updated_at.toISOString(),
          },
        ];
      }),
      ...hospitalDemographics(events),
    ],
    attributions: attributions.flatMap((a) => {
      const org = known.get(a.organization_id);
      if (org === undefined) return [];
      return [
        {
          id: a.id,
          organization: ref(org),
          kind: a.kind,
          source: a.source,
          pcp:
            a.pcp_npi === null
              ? null
              : {
                  name: [a.pcp_given, a.pcp_family].filter((n) => n !== null && n !== "").join(" ") || null,
                  npi: a.pcp_npi,
                },
          effectiveFrom: a.effective_from,
          effectiveTo: a.effective_to,
        },
      ];
    }),
    enrollments: groupEnrollments(enrollments, known),
    encounters: groupEncounters(events, encounters, known),
    alerts: alerts.flatMap((d) => {
      const org = known.get(d.organization_id);
      if (org === undefined) return [];
      return [{ ...toAlertSent(d), organization: ref(org), matchId: d.match_id, taskId: d.task_id }];
    }),
    tasks: tasks.flatMap((t) =>
      t === undefined
        ? []
        : [
            {
              task: toTaskSummary(t),
              history: histories
                .filter((h) => h.task_id === t.id)
                .map((h) => ({
                  id: h.id,
                  at: h.at.toISOString(),
                  actor: h.actor,
                  actorName: h.email,
                  action: h.action,
                  fromStatus: h.from_status,
                  toStatus: h.to_status,
                  detail: h.detail,
                })),
            },
          ],
    ),
  };
}

/** Homeward's own patient row: what lists and tasks name the patient by. */
function recordDemographics(
  patient: PatientRow,
  known: ReadonlyMap<string, OrganizationRow>,
): PatientDetail["demographics"][number] {
  const creator = patient.source_org_id === null ? undefined : known.get(patient.source_org_id);
  return {
    source: {
      kind: "record",
      organization: creator === undefined ? null : ref(creator),
      label:
        creator === undefined
          ? "Homeward's patient record"
          : `Homeward's patient record (from ${creator.name})`,
    },
    familyName: patient.family_name,
    givenName: patient.given_name,
    middleName: patient.middle_name,
    birthDate: patient.birth_date,
    sex: patient.sex,
    postalCode: patient.postal_code,
    phone: patient.phone,
    asOf: patient.updated_at.toISOString(),
  };
}

/** What each hospital's latest message routed to the organizations said about the patient. */
function hospitalDemographics(events: readonly PatientEventRow[]): PatientDetail["demographics"] {
  const latest = new Map<string, PatientEventRow>();
  for (const e of events) latest.set(e.facility, e);
  return [...latest.values()].map((e) => {
    const p = e.event_patient;
    return {
      source: hospitalSource(e),
      familyName: orText(p.name?.family),
      givenName: orText(p.name?.given),
      middleName: orText(p.name?.middle),
      birthDate: orText(p.birthDate),
      sex: orText(p.sex),
      postalCode: orText(p.addresses.find((a) => a.postalCode !== undefined)?.postalCode),
      phone: orText(p.telecoms.find((t) => t.system === "phone")?.value),
      asOf: e.occurred_at.toISOString(),
    };
  });
}

function groupEnrollments(
  rows: readonly EnrollmentRow[],
  known: ReadonlyMap<string, OrganizationRow>,
): PatientDetail["enrollments"] {
  const lists = new Map<string, EnrollmentRow[]>();
  for (const r of rows) {
    const key = JSON.stringify([r.listed_by_org_id, r.program, r.source]);
    lists.set(key, [...(lists.get(key) ?? []), r]);
  }
  return [...lists.values()].flatMap((periods) => {
    const first = periods[0];
    const listedBy = first === undefined ? undefined : known.get(first.listed_by_org_id);
    if (first === undefined || listedBy === undefined) return [];
    const shaped = periods.map((p) => ({
      id: p.id,
      riskTier: p.risk_tier,
      status: p.status,
      leadOrganization: p.lead_organization,
      careManager: p.cm_id === null ? null : { id: p.cm_id, displayName: p.cm_name ?? "" },
      goal: p.goal,
      goalMet: p.goal_met,
      effectiveFrom: p.effective_from,
      effectiveTo: p.effective_to,
    }));
    const current = shaped.find((p) => p.effectiveTo === null && p.status !== "ended") ?? null;
    return [
      {
        program: first.program,
        listedBy: ref(listedBy),
        side: first.listed_by_kind === "practice" ? ("practice" as const) : ("plan" as const),
        source: first.source,
        current,
        periods: shaped,
      },
    ];
  });
}

function groupEncounters(
  events: readonly PatientEventRow[],
  encounters: Awaited<ReturnType<typeof encountersOf>>,
  known: ReadonlyMap<string, OrganizationRow>,
): PatientDetail["encounters"] {
  const groups = new Map<string, PatientEventRow[]>();
  for (const e of events) {
    const key = JSON.stringify([e.facility, e.visit_number]);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const shaped = [...groups.values()].flatMap((list) => {
    const last = list[list.length - 1];
    if (last === undefined) return [];
    const stored = encounters.find(
      (x) => x.facility === last.facility && x.visit_number === last.visit_number,
    );
    return [
      {
        facility: {
          code: last.facility,
          name: last.event_facility.displayName ?? null,
          timeZone: last.event_facility.timeZone,
        },
        visitNumber: last.visit_number,
        setting: stored?.setting ?? null,
        status: stored?.status ?? null,
        startedAt: iso(stored?.started_at ?? list[0]?.occurred_at),
        dischargedAt: iso(stored?.discharged_at),
        events: list.flatMap((e) => {
          const org = known.get(e.organization_id);
          if (org === undefined) return [];
          return [
            {
              matchId: e.match_id,
              kind: e.event_kind as AdtEventKind,
              occurredAt: e.occurred_at.toISOString(),
              organization: ref(org),
              copy: e.copy,
              retracted: e.retracted_at !== null,
              noTask: noTaskOf(e.no_task_reason)?.text ?? null,
            },
          ];
        }),
      },
    ];
  });
  return shaped.sort((a, b) => Date.parse(b.startedAt ?? "") - Date.parse(a.startedAt ?? ""));
}
