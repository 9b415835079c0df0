import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../api-deps.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { ERROR_RESPONSES } from "../errors.ts";
import { ProtocolsResponse } from "./schemas.ts";

/**
 * Read-only configuration for admins: the transition protocols in force (no patient data). Facility
 * mappings are settings of their own now (feeds/facility-routes.ts).
 */
export const adminConfigRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get(
    "/protocols",
    {
      config: { roles: ADMIN_ROLES },
      schema: {
        summary: "The transition protocols in force",
        tags: ["admin"],
        response: { 200: ProtocolsResponse, ...ERROR_RESPONSES },
      },
    },
    async () => ({ protocols: deps.protocols }),
  );
};
