import { readFileSync } from "node:fs";
import { join } from "node:path";
import { StackEnv } from "@homeward/config";
import { describe, expect, it } from "vitest";
import { ListenerEnv } from "../../services/adt-listener/src/env.ts";
import { ApiEnv } from "../../services/api/src/env.ts";
import { MatcherEnv } from "../../services/matcher/src/env.ts";
import { NotifierEnv } from "../../services/notifier/src/env.ts";

// docs/operations.md promises every setting per service; a setting added to a service's env.ts and
// not to the guide fails here.
const guide = readFileSync(join(import.meta.dirname, "..", "..", "docs", "operations.md"), "utf8");

/**
 * The part of the guide under a heading, up to the next heading of the same level or higher
 * (lines inside fenced code, such as shell comments, are not headings).
 */
function section(heading: string): string {
  const lines = guide.split("\n");
  let fenced = false;
  const isHeading = lines.map((line) => {
    if (line.startsWith("```") || line.trimStart().startsWith("```")) fenced = !fenced;
    return !fenced && /^#{1,6} /.test(line);
  });
  const start = lines.findIndex((line, i) => isHeading[i] && line === heading);
  expect(start, `docs/operations.md has "${heading}"`).toBeGreaterThan(-1);
  const level = heading.indexOf(" ");
  const end = lines.findIndex((line, i) => i > start && isHeading[i] && line.indexOf(" ") <= level);
  return lines.slice(start + 1, end === -1 ? undefined : end).join("\n");
}

const shared = new Set(Object.keys(StackEnv.shape));
const services = {
  "### adt-listener": ListenerEnv,
  "### matcher": MatcherEnv,
  "### notifier": NotifierEnv,
  "### api": ApiEnv,
};

describe("docs/operations.md names every setting", () => {
  it("shared by every service, under 'Shared by every service' or 'Managed engines'", () => {
    const text = section("### Shared by every service") + section("## Managed engines");
    const missing = [...shared].filter((key) => !text.includes(`\`${key}\``));
    expect(missing).toEqual([]);
  });

  for (const [heading, schema] of Object.entries(services)) {
    it(`of the ${heading.slice(4)}, in its own section`, () => {
      const text = section(heading);
      const own = Object.keys(schema.shape).filter((key) => !shared.has(key));
      expect(own.length).toBeGreaterThan(5);
      expect(own.filter((key) => !text.includes(`\`${key}\``))).toEqual([]);
    });
  }
});
