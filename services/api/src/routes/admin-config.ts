import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { loadFacilityMappings } from "@homeward/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { ERROR_RESPONSES } from "../errors.ts";

const ProtocolsResponse = z.object({
  /** A ProtocolsFile (packages/protocols): the transition protocols tasks are opened by. */
  protocols: z.unknown().describe("ProtocolsFile, see packages/protocols"),
});
const FacilitiesResponse = z.object({
  /** The file's name (not its path on the server). */
  file: z.string(),
  /** The FacilityMappingsFile (schemas/facility-mappings.v1.json), or null when it does not load. */
  mappings: z.unknown().describe("FacilityMappingsFile, see schemas/facility-mappings.v1.json"),
  problems: z.array(z.string()),
});

/**
 * Read-only configuration for admins: the transition protocols in force and the listener's
 * facility mappings (a file the interface analyst maintains; read on each request, so an edit shows
 * at once). Neither holds patient data.
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

  app.get(
    "/facilities",
    {
      config: { roles: ADMIN_ROLES },
      schema: {
        summary: "The ADT listener's facility mappings",
        tags: ["admin"],
        response: { 200: FacilitiesResponse, ...ERROR_RESPONSES },
      },
    },
    async () => {
      const path = deps.facilityMappingsFile;
      const file = basename(path);
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (err) {
        const reason = (err as { code?: string }).code ?? "unreadable";
        return { file, mappings: null, problems: [`cannot read the file (${reason})`] };
      }
      const loaded = loadFacilityMappings(text);
      return loaded.ok
        ? { file, mappings: loaded.mappings, problems: [] }
        : { file, mappings: null, problems: loaded.problems };
    },
  );
};
