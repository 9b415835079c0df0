import { z } from "zod";
import { AdtEvent } from "./adt-event.ts";
import { FacilityMappingsFile } from "./facility-mapping.ts";
import { MatchedEvent, UnmatchedEvent } from "./matched-event.ts";
import { DeliveryJob, Task } from "./notification.ts";
import { RawAdtRecord, RejectedAdtRecord } from "./raw-adt-record.ts";

/** Contracts published as JSON Schema, by file name in `schemas/`. */
const PUBLISHED: ReadonlyArray<readonly [fileName: string, schema: z.ZodType]> = [
  ["adt-event.v1.json", AdtEvent],
  ["raw-adt-record.v1.json", RawAdtRecord],
  ["rejected-adt-record.v1.json", RejectedAdtRecord],
  ["facility-mappings.v1.json", FacilityMappingsFile],
  ["matched-event.v1.json", MatchedEvent],
  ["unmatched-event.v1.json", UnmatchedEvent],
  ["delivery-job.v1.json", DeliveryJob],
  ["task.v1.json", Task],
];

/**
 * The JSON Schema files generated from the zod contracts: file name → file text (2-space JSON and a
 * final newline, stable so the committed copies diff cleanly).
 *
 * Generated for the *input* side: that is what a reader validates and what someone writes in a
 * config file (defaults are optional there), and it leaves `additionalProperties` open so a reader
 * built against an older v1 still accepts events that gained an optional field.
 */
export function renderJsonSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [fileName, schema] of PUBLISHED) {
    const jsonSchema = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" });
    files.set(fileName, `${JSON.stringify({ $id: fileName, ...jsonSchema }, null, 2)}\n`);
  }
  return files;
}
