import { findUserAccount } from "@homeward/directory";
import type { Facility } from "@homeward/facilities";
import {
  createFacility,
  deleteFacility,
  exportFacilities,
  type FacilityWriteResult,
  facilityHistory,
  findFacility,
  importFacilities,
  listFacilities,
  updateFacility,
} from "@homeward/facilities";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { actorOf, recordAdminAction } from "../audit.ts";
import { ApiError, conflict, ERROR_RESPONSES, notFound } from "../errors.ts";
import { IdParams } from "../schemas.ts";
import {
  FacilityBody,
  FacilityHistoryOut,
  FacilityOut,
  FacilityUpdateBody,
  ImportOut,
  MappingsFileBody,
} from "./facility-schemas.ts";
import { FACILITY_ADMIN_ROLES, FEED_ROLES } from "./feed-roles.ts";

/** The e-mails of the users that `user:<id>` actors name (others, such as `file:…`, are left out). */
async function actorNames(deps: ApiDeps, actors: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(actors.flatMap((a) => /^user:(\d{1,18})$/.exec(a)?.[1] ?? []))];
  const names = new Map<string, string>();
  for (const id of ids) {
    const account = await findUserAccount(deps.pool, id, deps.now());
    if (account !== undefined) names.set(`user:${id}`, account.email);
  }
  return names;
}

/** Facilities as the api shows them: who last changed each, by e-mail. */
async function named(deps: ApiDeps, facilities: readonly Facility[]) {
  const names = await actorNames(
    deps,
    facilities.map((f) => f.updatedBy),
  );
  return facilities.map((f) => ({ ...f, updatedByName: names.get(f.updatedBy) ?? null }));
}

async function namedOne(deps: ApiDeps, facility: Facility) {
  const names = await actorNames(deps, [facility.updatedBy]);
  return { ...facility, updatedByName: names.get(facility.updatedBy) ?? null };
}

/** A store refusal as the API's answer; the facility when the write went through. */
function written(result: FacilityWriteResult) {
  if (result.ok) return result.facility;
  switch (result.reason) {
    case "invalid":
      throw new ApiError(400, "validation_failed", "the facility settings are invalid", {
        problems: result.problems,
      });
    case "duplicate":
      throw conflict("another facility has this sending facility (MSH-4) and application (MSH-3)");
    case "not-found":
      throw notFound("no such facility");
    case "stale":
      throw conflict("the facility was changed since it was read; reload it and make the change again", {
        current: result.current,
      });
  }
}

/**
 * Facility settings (how the adt-listener reads each hospital feed): onboarding a feed is a form,
 * not a deploy. Every change is checked with the facility mappings file's schema, kept in the
 * facility's history, audited, and reaches the running listeners at once (NOTIFY; they reload
 * without a restart). The mappings file stays as an import and export format.
 */
export const facilityRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const tags = ["facilities"];
  const read = { roles: FEED_ROLES };
  const write = { roles: FACILITY_ADMIN_ROLES };

  app.get(
    "/facilities",
    {
      config: read,
      schema: {
        summary: "Every facility the listener knows",
        tags,
        response: { 200: z.object({ items: z.array(FacilityOut) }), ...ERROR_RESPONSES },
      },
    },
    async () => ({ items: await named(deps, await listFacilities(deps.pool)) }),
  );

  app.post(
    "/facilities",
    {
      config: write,
      schema: {
        summary: "Onboard a facility (its feed is accepted from the listener's next reload, within seconds)",
        tags,
        body: FacilityBody,
        response: { 201: FacilityOut, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const facility = written(await createFacility(deps.pool, request.body, actorOf(request.principal)));
      await recordAdminAction(deps.pool, request, {
        action: "facility.create",
        subjectType: "facility",
        subjectId: facility.id,
        detail: { sendingFacility: facility.mapping.sendingFacility },
      });
      const out = await namedOne(deps, facility);
      return reply.code(201).send(out);
    },
  );

  app.get(
    "/facilities/export",
    {
      config: read,
      schema: {
        summary: "The active facilities as a facility mappings file (schemas/facility-mappings.v1.json)",
        tags,
        response: { 200: MappingsFileBody, ...ERROR_RESPONSES },
      },
    },
    async (_request, reply) => {
      reply.header("content-disposition", 'attachment; filename="facilities.json"');
      return exportFacilities(deps.pool);
    },
  );

  app.post(
    "/facilities/import",
    {
      config: write,
      schema: {
        summary: "Import a facility mappings file: creates or replaces each entry's mapping, all or nothing",
        tags,
        body: MappingsFileBody,
        response: { 200: ImportOut, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const result = await importFacilities(deps.pool, request.body, actorOf(request.principal));
      if (!result.ok)
        throw new ApiError(400, "validation_failed", "the facility mappings file is invalid", {
          problems: result.problems,
        });
      const { created, updated, unchanged } = result;
      await recordAdminAction(deps.pool, request, {
        action: "facility.import",
        subjectType: "facility",
        subjectId: "*",
        detail: { created, updated, unchanged },
      });
      return { created, updated, unchanged };
    },
  );

  app.get(
    "/facilities/:id",
    {
      config: read,
      schema: {
        summary: "One facility",
        tags,
        params: IdParams,
        response: { 200: FacilityOut, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const facility = await findFacility(deps.pool, request.params.id);
      if (facility === undefined) throw notFound("no such facility");
      const out = await namedOne(deps, facility);
      return out;
    },
  );

  app.put(
    "/facilities/:id",
    {
      config: write,
      schema: {
        summary: "Change a facility as a whole (mapping, active, silent-feed alarm)",
        tags,
        params: IdParams,
        body: FacilityUpdateBody,
        response: { 200: FacilityOut, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { version, ...input } = request.body;
      const facility = written(
        await updateFacility(deps.pool, request.params.id, input, version, actorOf(request.principal)),
      );
      await recordAdminAction(deps.pool, request, {
        action: "facility.update",
        subjectType: "facility",
        subjectId: facility.id,
        detail: { sendingFacility: facility.mapping.sendingFacility, version: facility.version },
      });
      const out = await namedOne(deps, facility);
      return out;
    },
  );

  app.delete(
    "/facilities/:id",
    {
      config: write,
      schema: {
        summary: "Remove a facility (its history stays; its messages are refused from the next reload)",
        tags,
        params: IdParams,
        querystring: z.object({ version: z.coerce.number().int().positive() }),
        response: { 204: z.null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const facility = written(
        await deleteFacility(deps.pool, request.params.id, request.query.version, actorOf(request.principal)),
      );
      await recordAdminAction(deps.pool, request, {
        action: "facility.delete",
        subjectType: "facility",
        subjectId: facility.id,
        detail: { sendingFacility: facility.mapping.sendingFacility },
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/facilities/:id/history",
    {
      config: read,
      schema: {
        summary: "Who changed what in a facility, newest first",
        tags,
        params: IdParams,
        response: { 200: FacilityHistoryOut, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const items = await facilityHistory(deps.pool, request.params.id);
      if (items.length === 0 && (await findFacility(deps.pool, request.params.id)) === undefined)
        throw notFound("no such facility");
      const names = await actorNames(
        deps,
        items.map((i) => i.actor),
      );
      return { items: items.map((i) => ({ ...i, actorName: names.get(i.actor) ?? null })) };
    },
  );
};
