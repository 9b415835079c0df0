import type { Pool } from "@homeward/db";
import { DEFAULT_PREFERENCES, loadPreferences as loadStored, savePreferences } from "@homeward/directory";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { recordAdminAction } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { ERROR_RESPONSES } from "../errors.ts";
import { IdParams } from "../schemas.ts";
import { Preferences, PreferencesResponse } from "./preference-schemas.ts";
import { recipientFor } from "./recipient-routes.ts";

/**
 * How each recipient wants alerts (channels by event kind and tier, digest or real time, quiet
 * hours), as the notifier reads recipient_preferences when it plans a delivery.
 */
export const preferenceRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const config = { roles: ADMIN_ROLES };
  const tags = ["admin"];
  app.get(
    "/recipients/:id/preferences",
    {
      config,
      schema: {
        summary: "A recipient's delivery preferences",
        tags,
        params: IdParams,
        response: { 200: PreferencesResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = await recipientFor(deps.pool, request, request.params.id);
      return loadPreferences(deps.pool, r.id);
    },
  );

  app.put(
    "/recipients/:id/preferences",
    {
      config,
      schema: {
        summary: "Set a recipient's delivery preferences",
        tags,
        params: IdParams,
        body: Preferences,
        response: { 200: PreferencesResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = await recipientFor(deps.pool, request, request.params.id);
      await savePreferences(deps.pool, r.id, request.body);
      await recordAdminAction(deps.pool, request, {
        action: "recipient.preferences",
        subjectType: "recipient",
        subjectId: r.id,
        organizationId: r.organizationId,
      });
      return loadPreferences(deps.pool, r.id);
    },
  );
};

async function loadPreferences(
  pool: Pool,
  recipientId: string,
): Promise<z.infer<typeof PreferencesResponse>> {
  const stored = (await loadStored(pool, [recipientId])).get(recipientId);
  return stored === undefined
    ? { ...DEFAULT_PREFERENCES, channelRules: [], isDefault: true }
    : { ...(stored as z.infer<typeof Preferences>), isDefault: false };
}
