import { connect } from "node:net";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi } from "./api.test-support.ts";

/**
 * What every answer carries (security headers, no caching of /api) and how the api answers input
 * it cannot use: NUL characters, bad percent-encoding, unreadable bodies. Always the one error
 * shape, never a 500, never the path or the input echoed back.
 */

let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("hygiene");
});
afterAll(async () => t?.close());

/** A patient's name in a request: it must not come back in an error. */
const MARKER = "QUILLFEATHER";

function expectBadRequest(res: LightMyRequestResponse, status = 400) {
  expect({ status: res.statusCode, body: res.body }).toMatchObject({ status });
  const body = res.json<{ error: { code: string; message: string } }>();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(typeof body.error.code).toBe("string");
  expect(typeof body.error.message).toBe("string");
  expect(res.body).not.toContain(MARKER);
  expect(res.body).not.toContain("/api/");
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
}

describe("security headers", () => {
  it("the dashboard page is served with a CSP that allows only its own scripts and no framing", async () => {
    const res = await t.call(null, { url: "/" });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toMatch(/(^|;)\s*script-src 'self'(;|$)/);
    expect(csp).toMatch(/(^|;)\s*frame-ancestors 'none'(;|$)/);
    expect(csp).toMatch(/(^|;)\s*default-src 'self'(;|$)/);
    expect(csp).toMatch(/(^|;)\s*object-src 'none'(;|$)/);
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    expect(res.headers["x-frame-options"]).toBe("DENY");
  });

  it("the dashboard has no inline script or style for the CSP to block", async () => {
    const html = (await t.call(null, { url: "/" })).body;
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it("every /api answer, success or error, says no-store and nosniff", async () => {
    const answers = [
      await t.call("cmA", { url: "/api/me" }),
      await t.call("cmA", { url: "/api/tasks" }),
      await t.call(null, { url: "/api/me" }),
      await t.call("cmA", { url: "/api/no-such-thing" }),
      await t.call("qualityA", { url: "/api/tasks" }),
      await t.call(null, { method: "POST", url: "/api/login", payload: { email: "x" } }),
      await t.call(null, { url: "/api/openapi.json" }),
      await t.call("cmA", { url: "/api/tasks/%E0%A4%A" }),
    ];
    for (const res of answers) {
      expect({ status: res.statusCode, cache: res.headers["cache-control"] }).toMatchObject({
        cache: "no-store",
      });
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(String(res.headers["content-security-policy"])).toContain("frame-ancestors 'none'");
    }
  });
});

describe("NUL characters", () => {
  it("in a query string: 400", async () => {
    expectBadRequest(await t.call("cmA", { url: `/api/tasks?program=${MARKER}%00x` }));
  });

  it("in a path parameter: 400", async () => {
    expectBadRequest(await t.call("cmA", { url: `/api/tasks/${MARKER}%00x` }));
  });

  it("in a note: 400, and no note is written", async () => {
    const res = await t.call("cmA", {
      method: "POST",
      url: "/api/tasks/task-a1/notes",
      payload: { text: `Called ${MARKER}\u0000 twice` },
    });
    expectBadRequest(res);
    const { rows } = await t.pool.query(
      "SELECT 1 FROM task_history WHERE task_id = 'task-a1' AND action = 'note'",
    );
    expect(rows).toEqual([]);
  });

  it("a body of half a million values or nested ten thousand deep is searched without a 500", async () => {
    const wide = `{"email":"cm@sfm.example","password":"x","extra":[${"0,".repeat(500_000)}"\u0000"]}`;
    const deep = `{"email":"cm@sfm.example","password":"x","extra":${"[".repeat(10_000)}"\u0000"${"]".repeat(10_000)}}`;
    for (const payload of [wide, deep]) {
      const res = await t.call(null, {
        method: "POST",
        url: "/api/login",
        headers: { "content-type": "application/json" },
        payload,
      });
      expectBadRequest(res);
    }
  });

  it("anywhere in a JSON body, however deep, and in a key: 400", async () => {
    for (const payload of [
      { email: "cm@sfm.example", password: `x\u0000${MARKER}` },
      { email: "cm@sfm.example", password: "x", extra: [{ deep: [`${MARKER}\u0000`] }] },
      { email: "cm@sfm.example", password: "x", [`k\u0000${MARKER}`]: 1 },
    ]) {
      expectBadRequest(await t.call(null, { method: "POST", url: "/api/login", payload }));
    }
  });
});

describe("requests the framework cannot read", () => {
  it("bad percent-encoding in the path: 400 in the one shape, the path not echoed", async () => {
    for (const url of [`/api/tasks/${MARKER}%E0%A4%A`, `/api/${MARKER}%zz`, `/${MARKER}%`]) {
      const res = await t.call("cmA", { url });
      expectBadRequest(res);
      expect(res.json()).toEqual({
        error: { code: "bad_request", message: "the request could not be read" },
      });
    }
  });

  it("bad percent-encoding in the query string: never a 500", async () => {
    const res = await t.call("cmA", { url: `/api/tasks?program=${MARKER}%E0%A4%A&status=%zz` });
    expect(res.statusCode).toBeLessThan(500);
    expect(res.body).not.toContain(MARKER);
  });

  it("a body that is not JSON, an empty JSON body, an unknown or malformed content type", async () => {
    const login = (headers: Record<string, string>, payload: string) =>
      t.call(null, { method: "POST", url: "/api/login", headers, payload });
    expectBadRequest(await login({ "content-type": "application/json" }, `{"email": "${MARKER}`));
    expectBadRequest(await login({ "content-type": "application/json" }, ""));
    expectBadRequest(
      await login({ "content-type": "application/json" }, `{"__proto__": {"x": "${MARKER}"}}`),
    );
    expectBadRequest(
      await login({ "content-type": "application/x-www-form-urlencoded" }, `email=${MARKER}`),
      415,
    );
    expectBadRequest(await login({ "content-type": `${MARKER}/x; =;` }, MARKER), 415);
  });

  it("HTTP the server cannot parse: 400 in the one shape on the raw socket, the request not echoed", async () => {
    const port = Number(new URL(await t.listen()).port);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(`GET /api/me HTTP/1.1\r\nHost: x\r\n${MARKER} no colon\r\n\r\n`);
      });
      let received = "";
      socket.on("data", (chunk) => {
        received += chunk.toString("utf8");
      });
      socket.on("close", () => resolve(received));
      socket.on("error", reject);
    });
    const [head = "", body = ""] = raw.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head.toLowerCase()).toContain("cache-control: no-store");
    expect(head.toLowerCase()).toContain("x-content-type-options: nosniff");
    expect(JSON.parse(body)).toEqual({
      error: { code: "bad_request", message: "the request could not be read" },
    });
    expect(raw).not.toContain(MARKER);
  });
});
