import { listRecipients, loadPreferences } from "@homeward/directory";
import { eventDay, loadRoutingData, planSends, type RecipientProfile, routeEvent } from "@homeward/routing";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../api-deps.ts";
import { recordPatientAccess } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { canReadOrganization } from "../auth/principal.ts";
import { badRequest, ERROR_RESPONSES, notFound } from "../errors.ts";
import { displayName } from "../tasks/task-queries.ts";
import { findPreviewPatients, isSensitiveFacility } from "./preview-store.ts";
import { PreviewOut, PreviewRequest } from "./schemas.ts";

/**
 * "Who would be alerted for this patient and event": the matcher's own routing (@homeward/routing's
 * routeEvent over the rows in force at the event's time) and the notifier's own delivery plan
 * (planSends: channels by the recipients' preferences, quiet hours, digest), without sending
 * anything. A practice admin previews their own patients and sees their own organizations only.
 * It reads the patient's care team, so it is in the access log.
 */
export const routingPreviewRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.post(
    "/routing-preview",
    {
      config: { roles: ADMIN_ROLES },
      schema: {
        summary: "Who would be alerted, and how, if this patient had this event (nothing is sent)",
        tags: ["admin"],
        body: PreviewRequest,
        response: { 200: PreviewOut, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const b = request.body;
      const principal = request.principal;
      const found = await findPreviewPatients(
        deps.pool,
        b.patientId !== undefined
          ? { patientId: b.patientId }
          : { identifier: b.identifier ?? "", assigningAuthority: b.assigningAuthority ?? null },
      );
      const occurredAt = b.occurredAt ?? deps.now().toISOString();
      const day = eventDay({ occurredAt });
      const data = await loadRoutingData(
        deps.pool,
        day,
        found.map((p) => p.id),
      );
      const mine = (organizationId: string) => canReadOrganization(principal, organizationId);
      // A patient is the admin's to preview when one of their organizations has (or had) them on a list.
      const visible = found.filter((p) => {
        const c = data.contexts.get(p.id);
        return (
          principal.role === "system_admin" ||
          (c !== undefined &&
            (c.attributions.some((a) => mine(a.practiceOrgId)) ||
              c.enrollments.some(
                (e) => mine(e.listedByOrgId) || (e.practiceOrgId !== undefined && mine(e.practiceOrgId)),
              )))
        );
      });
      if (visible.length === 0) throw notFound("no such patient on your organizations' lists");
      if (visible.length > 1)
        throw badRequest(
          "ambiguous_identifier",
          "several patients have that identifier: give its authority too",
        );
      const patient = visible[0] as (typeof visible)[number];
      const sensitive = await isSensitiveFacility(deps.pool, b.facility);
      const routing = routeEvent(
        {
          kind: b.eventKind,
          occurredAt,
          facility: { sendingFacility: b.facility },
          flags: { sensitiveFacility: sensitive },
        },
        data.contexts.get(patient.id) ?? {
          patientId: patient.id,
          attributions: [],
          enrollments: [],
          optOuts: [],
        },
        data.directory,
      );
      const names = new Map(data.organizations.map((o) => [o.id, o.name]));
      const byName = (a: { organizationId: string }, b: { organizationId: string }) =>
        (names.get(a.organizationId) ?? "").localeCompare(names.get(b.organizationId) ?? "");
      const routes = routing.routes.filter((r) => mine(r.organizationId)).sort(byName);
      const people = await listRecipients(deps.pool, {
        organizationIds: routes.map((r) => r.organizationId),
      });
      const preferences = await loadPreferences(
        deps.pool,
        people.map((p) => p.id),
      );
      const profileOf = (id: string): RecipientProfile | undefined => {
        const r = people.find((p) => p.id === id);
        if (r === undefined) return undefined;
        const p = preferences.get(id);
        return {
          recipientId: r.id,
          organizationId: r.organizationId,
          role: r.role,
          ...(r.email === null ? {} : { email: r.email }),
          ...(r.pagerId === null ? {} : { pagerId: r.pagerId }),
          timeZone: r.timeZone,
          active: r.active,
          channelRules: (p?.channelRules ?? []) as RecipientProfile["channelRules"],
          emailMode: p?.emailMode ?? "realtime",
          digestHour: p?.digestHour ?? 7,
          ...(p?.quietHours == null ? {} : { quietHours: p.quietHours }),
          pagePriorityOneInQuietHours: p?.pagePriorityOneInQuietHours ?? true,
        };
      };
      const at = new Date(occurredAt);
      const organizations = routes.map((route) => ({
        organizationId: route.organizationId,
        name: names.get(route.organizationId) ?? route.organizationId,
        copy: route.copy,
        enrollment:
          route.enrollment === undefined
            ? null
            : {
                program: route.enrollment.program,
                riskTier: route.enrollment.riskTier ?? null,
                status: route.enrollment.status,
                leadOrganization: route.enrollment.leadOrganization ?? null,
              },
        attribution: route.attribution === undefined ? null : { source: route.attribution.source },
        recipients: route.recipients.map((m) => {
          const profile = profileOf(m.recipientId);
          return {
            recipientId: m.recipientId,
            displayName: people.find((p) => p.id === m.recipientId)?.displayName ?? m.recipientId,
            role: m.role,
            basis: m.basis ?? null,
            sends:
              profile === undefined
                ? []
                : planSends(
                    profile,
                    { eventKind: b.eventKind, riskTier: route.enrollment?.riskTier, copy: m.copy },
                    at,
                  ).map((s) => ({
                    channel: s.channel,
                    status: s.status,
                    sendAfter: s.sendAfter?.toISOString() ?? null,
                  })),
          };
        }),
      }));
      const suppressed = routing.suppressed
        .filter((s) => mine(s.organizationId))
        .map((s) => ({ ...s, name: names.get(s.organizationId) ?? s.organizationId }));
      const told = [
        ...organizations.map((o) => o.organizationId),
        ...suppressed.map((s) => s.organizationId),
      ];
      await recordPatientAccess(deps.pool, request, [
        {
          action: "routing.preview",
          organizationId: told[0] ?? principal.organizationIds[0] ?? null,
          patientIds: [patient.id],
          detail: { eventKind: b.eventKind, facility: b.facility },
        },
      ]);
      return {
        patient: { id: patient.id, displayName: displayName(patient.givenName, patient.familyName) },
        event: { kind: b.eventKind, occurredAt, facility: b.facility, sensitiveFacility: sensitive },
        organizations,
        suppressed,
      };
    },
  );
};
