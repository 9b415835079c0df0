import type { WorkspaceChange } from "@homeward/db";
import { describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal.ts";
import { createStreamHub, endingStreamsOnForget, type StreamSubscriber } from "./stream-hub.ts";

function subscriber(principal: Principal, extra: Partial<StreamSubscriber> = {}) {
  const got: string[] = [];
  const s: StreamSubscriber = {
    sessionId: `session-${principal.subject}`,
    principal,
    send: (c: WorkspaceChange) => got.push(`${c.kind}:${c.organizationId}`),
    resync: () => got.push("resync"),
    end: (reason) => got.push(`end:${reason}`),
    ...extra,
  };
  return { s, got };
}
const careManagerOf = (subject: string, ...organizationIds: string[]): Principal => ({
  subject,
  role: "care_manager",
  organizationIds,
});

describe("stream hub", () => {
  it("sends a change only to streams whose user may read its organization (a system admin reads all)", () => {
    const hub = createStreamHub({ maxPerUser: 5 });
    const a = subscriber(careManagerOf("1", "10"));
    const b = subscriber(careManagerOf("2", "20"));
    const both = subscriber(careManagerOf("3", "10", "20"));
    const root = subscriber({ subject: "4", role: "system_admin", organizationIds: [] });
    const narrowed = subscriber(
      { subject: "5", role: "system_admin", organizationIds: [] },
      { organizationId: "20" },
    );
    for (const x of [a, b, both, root, narrowed]) hub.add(x.s);
    hub.publish({ organizationId: "10", kind: "task" });
    hub.publish({ organizationId: "20", kind: "event" });
    expect(a.got).toEqual(["task:10"]);
    expect(b.got).toEqual(["event:20"]);
    expect(both.got).toEqual(["task:10", "event:20"]);
    expect(root.got).toEqual(["task:10", "event:20"]);
    expect(narrowed.got).toEqual(["event:20"]);
  });

  it("follows the user's organizations as the last session check saw them", () => {
    const hub = createStreamHub({ maxPerUser: 5 });
    const a = subscriber(careManagerOf("1", "10"));
    hub.add(a.s);
    a.s.principal = careManagerOf("1");
    hub.publish({ organizationId: "10", kind: "task" });
    expect(a.got).toEqual([]);
  });

  it("refuses a user's stream past the limit, and counts a removed one out", () => {
    const hub = createStreamHub({ maxPerUser: 2 });
    const remove = hub.add(subscriber(careManagerOf("1", "10")).s);
    expect(hub.add(subscriber(careManagerOf("1", "10")).s)).toBeTypeOf("function");
    expect(hub.add(subscriber(careManagerOf("1", "10")).s)).toBeUndefined();
    expect(hub.add(subscriber(careManagerOf("2", "10")).s)).toBeTypeOf("function");
    remove?.();
    expect(hub.count("1")).toBe(1);
    expect(hub.add(subscriber(careManagerOf("1", "10")).s)).toBeTypeOf("function");
  });

  it("ends a signed-out session's streams at once; tells every stream to resync or end", () => {
    const hub = createStreamHub({ maxPerUser: 5 });
    const a = subscriber(careManagerOf("1", "10"));
    const b = subscriber(careManagerOf("2", "20"));
    hub.add(a.s);
    hub.add(b.s);
    const forgotten: string[] = [];
    const sessions = endingStreamsOnForget(
      { check: async () => undefined, forget: (id) => forgotten.push(id) },
      hub,
    );
    sessions.forget("session-1");
    expect([forgotten, a.got, b.got]).toEqual([["session-1"], ["end:session_ended"], []]);
    hub.resync();
    hub.endAll("shutdown");
    expect(b.got).toEqual(["resync", "end:shutdown"]);
  });
});
