import {
  createOrganization,
  findOrganization,
  listClosures,
  listOrganizations,
  type Organization,
  removeClosure,
  setClosure,
  updateOrganization,
} from "@homeward/directory";
import { isKnownHolidaySet } from "@homeward/protocols";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { recordAdminAction } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { canReadOrganization, organizationScope } from "../auth/principal.ts";
import { ApiError, badRequest, conflict, ERROR_RESPONSES, notFound } from "../errors.ts";
import { IdParams, IsoDateString } from "../schemas.ts";
import { holidayRegions, namedHolidays } from "./holiday-calendar.ts";
import {
  ClosureParams,
  HolidaysOut,
  NewOrganization,
  OrganizationDetail,
  OrganizationOut,
  OrganizationUpdate,
} from "./schemas.ts";

/** Field-by-field what a change did, for the audit row: `{ timeZone: [old, new] }`. */
function changes(before: Organization, after: Organization): Record<string, [unknown, unknown]> {
  const flat = (o: Organization) => ({ name: o.name, timeZone: o.timeZone, ...o.settings });
  const a = flat(before);
  const b = flat(after);
  return Object.fromEntries(
    (Object.keys(a) as (keyof typeof a)[]).filter((k) => a[k] !== b[k]).map((k) => [k, [a[k], b[k]]]),
  );
}

/** Today in the organization's zone (YYYY-MM-DD). */
const todayIn = (now: Date, timeZone: string) => now.toLocaleDateString("en-CA", { timeZone });

/**
 * Organizations and their settings: time zone, alert detail level, the holiday calendar and closed
 * days that deadlines skip. A practice admin changes their own organizations (not their names); a
 * system admin adds organizations and changes any. Every change is audited with what it changed.
 */
export const organizationRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const config = { roles: ADMIN_ROLES };
  const tags = ["admin"];

  /** The organization, if the caller administers it; otherwise "not found". */
  const organizationFor = async (request: FastifyRequest, id: string): Promise<Organization> => {
    const org = await findOrganization(deps.pool, id, deps.now());
    if (org === undefined || !canReadOrganization(request.principal, org.id))
      throw notFound("no such organization");
    return org;
  };
  const detail = async (org: Organization) => {
    const yearAgo = new Date(deps.now().getTime() - 365 * 86_400_000);
    return { ...org, closures: await listClosures(deps.pool, org.id, todayIn(yearAgo, org.timeZone)) };
  };
  const checkHolidaySet = (country: string, state: string | null) => {
    if (!isKnownHolidaySet({ country, ...(state === null ? {} : { state }) }))
      throw badRequest(
        "unknown_holiday_set",
        `no holiday calendar for ${country}${state ? `-${state}` : ""}`,
      );
  };

  app.get(
    "/organizations",
    {
      config,
      schema: {
        summary: "The organizations the admin administers (a system admin: all), with their settings",
        tags,
        response: { 200: z.object({ items: z.array(OrganizationOut) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      items: await listOrganizations(deps.pool, organizationScope(request.principal) ?? null, deps.now()),
    }),
  );

  app.post(
    "/organizations",
    {
      config: { roles: ["system_admin"] },
      schema: {
        summary: "Add an organization (system admins): a practice, health plan or ACO",
        tags,
        body: NewOrganization,
        response: { 201: OrganizationDetail, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const created = await createOrganization(deps.pool, request.body, deps.now());
      if (created === "taken") throw conflict("an organization with that code or NPI exists");
      if (created === "no-parent") throw badRequest("unknown_parent", "no such parent organization");
      await recordAdminAction(deps.pool, request, {
        action: "organization.create",
        subjectType: "organization",
        subjectId: created.id,
        organizationId: created.id,
        detail: { code: created.code, kind: created.kind },
      });
      return reply.code(201).send(await detail(created));
    },
  );

  app.get(
    "/organizations/:id",
    {
      config,
      schema: {
        summary: "An organization with its settings and closed days",
        tags,
        params: IdParams,
        response: { 200: OrganizationDetail, ...ERROR_RESPONSES },
      },
    },
    async (request) => detail(await organizationFor(request, request.params.id)),
  );

  app.put(
    "/organizations/:id",
    {
      config,
      schema: {
        summary:
          "Change an organization's time zone, alert detail level and holiday calendar (and name: system admins)",
        tags,
        params: IdParams,
        body: OrganizationUpdate,
        response: { 200: OrganizationDetail, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const current = await organizationFor(request, request.params.id);
      const b = request.body;
      if (b.name !== current.name && request.principal.role !== "system_admin")
        throw new ApiError(403, "forbidden", "only a system admin renames an organization");
      checkHolidaySet(b.holidayCountry, b.holidayState);
      const updated = await updateOrganization(
        deps.pool,
        current.id,
        {
          name: b.name,
          timeZone: b.timeZone,
          settings: {
            alertDetailLevel: b.alertDetailLevel,
            holidayCountry: b.holidayCountry,
            holidayState: b.holidayState,
          },
        },
        deps.now(),
      );
      if (updated === undefined) throw notFound("no such organization");
      await recordAdminAction(deps.pool, request, {
        action: "organization.update",
        subjectType: "organization",
        subjectId: current.id,
        organizationId: current.id,
        detail: { changes: changes(updated.before, updated.after) },
      });
      return detail(updated.after);
    },
  );

  app.post(
    "/organizations/:id/closures",
    {
      config,
      schema: {
        summary: "Close the organization on a day (deadlines skip it), or change the day's reason",
        tags,
        params: IdParams,
        body: z.object({ day: IsoDateString, reason: z.string().trim().max(200).nullable().default(null) }),
        response: { 200: OrganizationDetail, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const org = await organizationFor(request, request.params.id);
      const closure = { day: request.body.day, reason: request.body.reason || null };
      const outcome = await setClosure(deps.pool, org.id, closure);
      await recordAdminAction(deps.pool, request, {
        action: outcome === "added" ? "organization.closure.add" : "organization.closure.update",
        subjectType: "organization",
        subjectId: org.id,
        organizationId: org.id,
        detail: closure,
      });
      return detail((await findOrganization(deps.pool, org.id, deps.now())) ?? org);
    },
  );

  app.delete(
    "/organizations/:id/closures/:day",
    {
      config,
      schema: {
        summary: "Open the organization again on a day it was closed",
        tags,
        params: ClosureParams,
        response: { 200: OrganizationDetail, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const org = await organizationFor(request, request.params.id);
      if (!(await removeClosure(deps.pool, org.id, request.params.day))) throw notFound("not a closed day");
      await recordAdminAction(deps.pool, request, {
        action: "organization.closure.remove",
        subjectType: "organization",
        subjectId: org.id,
        organizationId: org.id,
        detail: { day: request.params.day },
      });
      return detail((await findOrganization(deps.pool, org.id, deps.now())) ?? org);
    },
  );

  app.get(
    "/organizations/:id/holidays",
    {
      config,
      schema: {
        summary: "The public holidays the organization's deadlines skip in a year (its holiday calendar)",
        tags,
        params: IdParams,
        querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() }),
        response: { 200: HolidaysOut, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const org = await organizationFor(request, request.params.id);
      const year = request.query.year ?? Number(todayIn(deps.now(), org.timeZone).slice(0, 4));
      const { holidayCountry: country, holidayState: state } = org.settings;
      return {
        year,
        country,
        state,
        holidays: namedHolidays({ country, ...(state === null ? {} : { state }) }, year),
      };
    },
  );

  app.get(
    "/holiday-regions",
    {
      config,
      schema: {
        summary: "The holiday calendars an organization may follow: countries, and the states of one",
        tags,
        querystring: z.object({
          country: z
            .string()
            .regex(/^[A-Z]{2}$/)
            .default("US"),
        }),
        response: {
          200: z.object({
            countries: z.array(z.object({ code: z.string(), name: z.string() })),
            states: z.array(z.object({ code: z.string(), name: z.string() })),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => holidayRegions(request.query.country),
  );
};
