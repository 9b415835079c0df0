import { z } from "zod";

/** Request and answer shapes of the transition protocols in force: validation and the OpenAPI document. */

export const ProtocolsResponse = z.object({
  /** A ProtocolsFile (packages/protocols): the transition protocols tasks are opened by. */
  protocols: z.unknown().describe("ProtocolsFile, see packages/protocols"),
});
