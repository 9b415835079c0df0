import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderJsonSchemas } from "./json-schemas.ts";

const schemasDir = fileURLToPath(new URL("../../../schemas/", import.meta.url));

describe("schemas/ (generated JSON Schema)", () => {
  const generated = renderJsonSchemas();

  it.each([...generated.keys()])(
    "%s matches the zod contract (run `npm run schemas` after changing it)",
    async (name) => {
      expect(await readFile(`${schemasDir}${name}`, "utf8")).toBe(generated.get(name));
    },
  );

  it("holds nothing the generator does not make", async () => {
    const files = (await readdir(schemasDir)).filter((f) => f.endsWith(".json"));
    expect(files.sort()).toEqual([...generated.keys()].sort());
  });

  it("describes the event's required fields and kinds", () => {
    const schema = JSON.parse(generated.get("adt-event.v1.json") ?? "{}");
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.required).toEqual(
      expect.arrayContaining(["eventId", "kind", "occurredAt", "patient", "flags"]),
    );
    expect(schema.properties.kind.enum).toContain("ed-arrival");
  });
});
