import { type IncomingMessage, request } from "node:http";
import { notifyWorkspaceChanged } from "@homeward/db";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, PASSWORD, startTestApi, USERS, type UserKey } from "../api.test-support.ts";

// GET /api/stream over real HTTP (the api listening on a port, Node's fetch reading the stream), as
// the dashboard reads it: who hears which organization's changes, heartbeats, and the stream's end.

let t: ApiTest;
let base: string;

beforeAll(async () => {
  t = await startTestApi("stream", {
    STREAM_HEARTBEAT_SECONDS: "1",
    STREAM_SESSION_CHECK_SECONDS: "1",
    SESSION_CHECK_CACHE_SECONDS: "0",
    STREAM_MAX_PER_USER: "3",
  });
  base = await t.listen();
});
let closed = false;
afterAll(async () => {
  if (!closed) await t?.close();
});

interface StreamEvent {
  event: string;
  data: Record<string, unknown>;
}

/**
 * An open stream: its parsed events and comment lines so far, read in the background. Over its own
 * connection (node:http without an agent), closed with the request: a pooled client (fetch) may
 * open a spare connection when one is aborted, which would hold the server's shutdown open.
 */
async function openStream(token: string, query = "") {
  const req = request(`${base}/api/stream${query}`, {
    agent: false,
    headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
  });
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    req.on("response", resolve).on("error", reject).end();
  });
  res.setEncoding("utf8");
  const events: StreamEvent[] = [];
  const state = { comments: 0, closed: false, body: "" };
  let buffer = "";
  res.on("data", (chunk: string) => {
    if (res.statusCode !== 200) {
      state.body += chunk;
      return;
    }
    buffer += chunk;
    let cut = buffer.indexOf("\n\n");
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      cut = buffer.indexOf("\n\n");
      if (block.startsWith(":")) {
        state.comments++;
        continue;
      }
      const field = (name: string) =>
        block
          .split("\n")
          .find((line) => line.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      events.push({ event: field("event") ?? "message", data: JSON.parse(field("data") ?? "{}") });
    }
  });
  res.on("close", () => {
    state.closed = true;
  });
  res.on("error", () => undefined);
  req.on("error", () => undefined);
  const stream = {
    status: res.statusCode,
    headers: res.headers,
    events,
    state,
    /** The `change` events so far, as `kind:organizationId`. */
    changes: () =>
      events.filter((e) => e.event === "change").map((e) => `${e.data.kind}:${e.data.organizationId}`),
    close: () => req.destroy(),
  };
  if (stream.status === 200) await expect.poll(() => events.map((e) => e.event)).toContain("ready");
  else await expect.poll(() => state.closed).toBe(true);
  return stream;
}

const login = async (who: UserKey) => {
  const res = await t.call(null, {
    method: "POST",
    url: "/api/login",
    payload: { email: USERS[who].email, password: PASSWORD },
  });
  return res.json<{ token: string }>().token;
};

describe("GET /api/stream", () => {
  it("answers 401 without a session, 403 to a role without a workspace, 404 for another organization", async () => {
    expect((await t.call(null, { url: "/api/stream" })).statusCode).toBe(401);
    expect((await fetch(`${base}/api/stream`, { headers: { authorization: "Bearer nope" } })).status).toBe(
      401,
    );
    expect((await t.call("qualityA", { url: "/api/stream" })).statusCode).toBe(403);
    expect((await t.call("cmA", { url: `/api/stream?organizationId=${t.ids.practiceB}` })).statusCode).toBe(
      404,
    );
  });

  it("tells each user of their own organizations' changes only, with no patient data", async () => {
    const a = await openStream(t.tokens.cmA);
    const b = await openStream(t.tokens.cmB);
    const root = await openStream(t.tokens.root);
    expect(a.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(a.headers["cache-control"]).toBe("no-store");
    // A matched announcement recorded for B, then one for A (the notifier's NOTIFY).
    await notifyWorkspaceChanged(t.pool, { organizationId: t.ids.practiceB, kind: "event" });
    await notifyWorkspaceChanged(t.pool, { organizationId: t.ids.practiceA, kind: "event" });
    await expect.poll(() => a.changes()).toEqual([`event:${t.ids.practiceA}`]);
    await expect.poll(() => root.changes()).toEqual([`event:${t.ids.practiceB}`, `event:${t.ids.practiceA}`]);
    expect(b.changes()).toEqual([`event:${t.ids.practiceB}`]);

    // Task changes through the api NOTIFY in their transaction: A's note reaches A, B's reaches B.
    const note = (as: UserKey, id: string) =>
      t.call(as, { method: "POST", url: `/api/tasks/${id}/notes`, payload: { text: "called, no answer" } });
    expect((await note("cmA", "task-a2")).statusCode).toBe(200);
    expect((await note("cmB", "task-b1")).statusCode).toBe(200);
    await expect.poll(() => b.changes()).toEqual([`event:${t.ids.practiceB}`, `task:${t.ids.practiceB}`]);
    await expect.poll(() => a.changes()).toEqual([`event:${t.ids.practiceA}`, `task:${t.ids.practiceA}`]);
    // A refused change (B's task, to A's user) notifies nobody.
    expect((await note("cmA", "task-b1")).statusCode).toBe(404);
    await notifyWorkspaceChanged(t.pool, { organizationId: t.ids.practiceA, kind: "task" });
    await expect.poll(() => a.changes()).toHaveLength(3);
    expect(b.changes()).toHaveLength(2);
    for (const e of [...a.events, ...b.events]) expect(Object.keys(e.data).sort()).not.toContain("patientId");
    for (const s of [a, b, root]) s.close();
  });

  it("narrows to one organization on request, and sends a heartbeat comment while idle", async () => {
    const one = await openStream(t.tokens.root, `?organizationId=${t.ids.practiceA}`);
    await notifyWorkspaceChanged(t.pool, { organizationId: t.ids.practiceB, kind: "task" });
    await notifyWorkspaceChanged(t.pool, { organizationId: t.ids.practiceA, kind: "task" });
    await expect.poll(() => one.changes()).toEqual([`task:${t.ids.practiceA}`]);
    await expect.poll(() => one.state.comments, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    one.close();
  });

  it("ends at sign-out, and when the session ends elsewhere", async () => {
    const token = await login("cmA");
    const stream = await openStream(token);
    const out = await t.call(null, {
      method: "POST",
      url: "/api/logout",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(out.statusCode).toBe(204);
    await expect.poll(() => stream.state.closed).toBe(true);
    expect(stream.events.at(-1)).toEqual({ event: "end", data: { reason: "session_ended" } });

    // Ended by another api process (its row in api_sessions): the periodic re-check sees it.
    const other = await login("cmB");
    const elsewhere = await openStream(other);
    await t.pool.query("UPDATE api_sessions SET ended_at = now(), ended_why = 'signed_out' WHERE id = $1", [
      decodeJwt(other).jti,
    ]);
    await expect.poll(() => elsewhere.state.closed, { timeout: 5000 }).toBe(true);
    expect(elsewhere.events.at(-1)).toEqual({ event: "end", data: { reason: "session_ended" } });
  });

  it("limits the open streams per user; a closed one frees its place", async () => {
    const open = [
      await openStream(t.tokens.adminA),
      await openStream(t.tokens.adminA),
      await openStream(t.tokens.adminA),
    ];
    const refused = await openStream(t.tokens.adminA);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.state.body).error.code).toBe("too_many_streams");
    // Other users are not affected.
    const other = await openStream(t.tokens.root);
    expect(other.status).toBe(200);
    open[0]?.close();
    await expect
      .poll(async () => {
        const again = await openStream(t.tokens.adminA);
        again.close();
        return again.status;
      })
      .toBe(200);
    for (const s of [...open, other]) s.close();
  });

  it("reconnects its LISTEN connection when it is lost, and tells the streams to reload", async () => {
    const stream = await openStream(t.tokens.cmA);
    const killed = await t.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE 'LISTEN "homeward_workspace_%' AND pid <> pg_backend_pid()
          AND query LIKE '%' || current_schema() || '%'`,
    );
    expect(killed.rowCount).toBe(1);
    await expect.poll(() => stream.events.map((e) => e.event), { timeout: 10_000 }).toContain("resync");
    await notifyWorkspaceChanged(t.pool, { organizationId: t.ids.practiceA, kind: "event" });
    await expect.poll(() => stream.changes()).toEqual([`event:${t.ids.practiceA}`]);
    stream.close();
  });

  it("ends open streams when the api shuts down, so it can stop", async () => {
    const stream = await openStream(t.tokens.cmA);
    closed = true;
    await t.close();
    await expect.poll(() => stream.state.closed).toBe(true);
    expect(stream.events.at(-1)).toEqual({ event: "end", data: { reason: "shutdown" } });
  });
});
