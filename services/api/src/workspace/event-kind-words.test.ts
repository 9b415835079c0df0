import { ADT_EVENT_KINDS, EVENT_KIND_LABELS } from "@homeward/contracts";
import { describe, expect, it } from "vitest";
// @ts-expect-error The dashboard is plain JavaScript without type declarations.
import { EVENT_KINDS } from "../../public/format.js";

describe("event-kind words", () => {
  it("the dashboard names every event kind as the alert emails do (one table, copied for the browser)", () => {
    expect(EVENT_KINDS).toEqual(EVENT_KIND_LABELS);
    expect(Object.keys(EVENT_KINDS).sort()).toEqual([...ADT_EVENT_KINDS].sort());
  });
});
