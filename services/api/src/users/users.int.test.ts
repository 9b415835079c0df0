import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, PASSWORD, startTestApi } from "../api.test-support.ts";

// Users through the API the admin screen uses: invited by a one-time link or a temporary password,
// the "must change" rule at the first sign-in, access changes, disabling and new credentials.
// Sessions are checked on every request here (SESSION_CHECK_CACHE_SECONDS=0).

let t: ApiTest;
beforeAll(async () => {
  t = await startTestApi("admin-users", { SESSION_CHECK_CACHE_SECONDS: "0" });
});
afterAll(async () => t?.close());

const NEW_PASSWORD = "lantern orchard gravel 42";
const asToken = (
  token: string,
  options: { method?: "GET" | "POST" | "PUT"; url: string; payload?: object },
) =>
  t.app.inject({
    method: options.method ?? "GET",
    url: options.url,
    headers: { authorization: `Bearer ${token}` },
    ...(options.payload === undefined ? {} : { payload: options.payload }),
  });
const login = (email: string, password: string) =>
  t.app.inject({ method: "POST", url: "/api/login", payload: { email, password } });
const invite = (as: "adminA" | "root", body: Record<string, unknown>) =>
  t.call(as, { method: "POST", url: "/api/admin/users", payload: body });
const auditOf = async (action: string) =>
  (
    await t.pool.query(
      "SELECT subject_id, organization_id::text, detail FROM audit_log WHERE action = $1 ORDER BY id",
      [action],
    )
  ).rows;

describe("users", () => {
  it("a practice admin lists their organization's users, themselves not changeable", async () => {
    const res = await t.call("adminA", { url: "/api/admin/users" });
    const items = res.json().items;
    expect(items.map((u: { email: string }) => u.email)).toEqual([
      "admin@sfm.example",
      "cm@sfm.example",
      "quality@sfm.example",
    ]);
    expect(items[0]).toMatchObject({ role: "practice_admin", status: "active", manageable: false });
    expect(items[1]).toMatchObject({
      role: "care_manager",
      manageable: true,
      organizations: [{ id: t.ids.practiceA, code: "SFM" }],
      recipient: { id: t.ids.cmA, displayName: "Casey Morgan" },
    });
  });

  it("invites by a one-time link: the user sets a password, is signed in, and the link is spent", async () => {
    const res = await invite("adminA", {
      email: "robin.lee@sfm.example",
      role: "care_manager",
      organizationIds: [t.ids.practiceA],
      recipientId: t.ids.cmA2,
      method: "link",
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      user: { email: "robin.lee@sfm.example", status: "invited", recipient: { displayName: "Robin Lee" } },
      temporaryPassword: null,
      // 72 hours after the api's clock.
      invitation: { expiresAt: new Date(NOW.getTime() + 72 * 3_600_000).toISOString() },
    });
    const token: string = body.invitation.token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only its hash is stored.
    const stored = await t.pool.query("SELECT token_hash FROM user_invitations");
    expect(JSON.stringify(stored.rows)).not.toContain(token);
    // No password signs in before the link is used.
    expect((await login("robin.lee@sfm.example", PASSWORD)).statusCode).toBe(401);

    const lookup = await t.app.inject({ method: "POST", url: "/api/invitations/lookup", payload: { token } });
    expect(lookup.json()).toEqual({ email: "robin.lee@sfm.example", expiresAt: body.invitation.expiresAt });
    const weak = await t.app.inject({
      method: "POST",
      url: "/api/invitations/accept",
      payload: { token, password: "short" },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe("weak_password");
    const accepted = await t.app.inject({
      method: "POST",
      url: "/api/invitations/accept",
      payload: { token, password: NEW_PASSWORD },
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().mustChangePassword).toBe(false);
    const me = (await asToken(accepted.json().token, { url: "/api/me" })).json();
    expect(me).toMatchObject({ role: "care_manager", recipientId: t.ids.cmA2, mustChangePassword: false });
    const again = await t.app.inject({
      method: "POST",
      url: "/api/invitations/accept",
      payload: { token, password: "another fine password 9" },
    });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe("invitation_not_valid");
    expect((await login("robin.lee@sfm.example", NEW_PASSWORD)).statusCode).toBe(200);
    const user = (await t.call("adminA", { url: "/api/admin/users" }))
      .json()
      .items.find((u: { email: string }) => u.email === "robin.lee@sfm.example");
    expect(user).toMatchObject({ status: "active", invitation: null, lastLoginAt: expect.any(String) });
    expect(await auditOf("user.invite")).toEqual([
      {
        subject_id: user.id,
        organization_id: t.ids.practiceA,
        detail: expect.objectContaining({ email: "robin.lee@sfm.example", method: "link" }),
      },
    ]);
    expect((await auditOf("invitation.accept")).map((r) => r.subject_id)).toEqual([user.id]);
  });

  it("a link that expired, or a made-up one, is refused", async () => {
    const res = await invite("adminA", {
      email: "late@sfm.example",
      role: "quality",
      organizationIds: [t.ids.practiceA],
      method: "link",
    });
    const token = res.json().invitation.token;
    await t.pool.query("UPDATE user_invitations SET expires_at = $1 WHERE user_id = $2", [
      new Date(NOW.getTime() - 60_000),
      res.json().user.id,
    ]);
    const lookup = await t.app.inject({ method: "POST", url: "/api/invitations/lookup", payload: { token } });
    expect(lookup.statusCode).toBe(404);
    const madeUp = await t.app.inject({
      method: "POST",
      url: "/api/invitations/lookup",
      payload: { token: "A".repeat(43) },
    });
    expect(madeUp.statusCode).toBe(404);
  });

  it("a temporary password must be changed before anything else; the change ends that session", async () => {
    const res = await invite("adminA", {
      email: "q2@sfm.example",
      role: "quality",
      organizationIds: [t.ids.practiceA],
      method: "password",
    });
    const temporary: string = res.json().temporaryPassword;
    expect(temporary).toMatch(/^[a-hj-km-np-z2-9]{4}(-[a-hj-km-np-z2-9]{4}){3}$/);
    expect(res.json()).toMatchObject({ invitation: null, user: { status: "must-change" } });
    const signIn = await login("q2@sfm.example", temporary);
    expect(signIn.json()).toMatchObject({ mustChangePassword: true });
    const first = signIn.json().token;
    expect((await asToken(first, { url: "/api/me" })).json().mustChangePassword).toBe(true);
    const report = await asToken(first, { url: "/api/reports/care-management" });
    expect(report.statusCode).toBe(403);
    expect(report.json().error.code).toBe("password_change_required");
    const change = (currentPassword: string, newPassword: string) =>
      asToken(first, {
        method: "POST",
        url: "/api/account/password",
        payload: { currentPassword, newPassword },
      });
    expect((await change("not it at all", NEW_PASSWORD)).json().error.code).toBe("wrong_password");
    expect((await change(temporary, temporary)).json().error.code).toBe("same_password");
    const changed = await change(temporary, NEW_PASSWORD);
    expect(changed.statusCode).toBe(200);
    expect(changed.json().mustChangePassword).toBe(false);
    expect((await asToken(first, { url: "/api/me" })).statusCode).toBe(401);
    expect((await asToken(changed.json().token, { url: "/api/reports/care-management" })).statusCode).toBe(
      200,
    );
    expect((await login("q2@sfm.example", temporary)).statusCode).toBe(401);
    expect(await auditOf("account.password-change")).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ wasTemporary: true }) }),
    ]);
  });

  it("a practice admin gives only their own organizations and the roles below system admin", async () => {
    const base = {
      email: "x@sfm.example",
      role: "care_manager",
      organizationIds: [t.ids.practiceA],
      method: "link",
    };
    expect((await invite("adminA", { ...base, role: "system_admin", organizationIds: [] })).statusCode).toBe(
      403,
    );
    expect(
      (await invite("adminA", { ...base, role: "interface_analyst", organizationIds: [] })).statusCode,
    ).toBe(403);
    expect((await invite("adminA", { ...base, organizationIds: [t.ids.practiceB] })).statusCode).toBe(404);
    const wrongRecipient = await invite("adminA", { ...base, recipientId: t.ids.cmB });
    expect(wrongRecipient.json().error.code).toBe("recipient_not_theirs");
    expect((await invite("adminA", { ...base, organizationIds: [] })).json().error.code).toBe(
      "organization_required",
    );
    expect((await invite("adminA", { ...base, email: "CM@sfm.example" })).statusCode).toBe(409);
    const analyst = await invite("root", {
      ...base,
      email: "feeds@homeward.example",
      role: "interface_analyst",
      organizationIds: [],
    });
    expect(analyst.statusCode).toBe(201);
    expect(
      (await invite("root", { ...base, email: "f2@homeward.example", role: "interface_analyst" })).statusCode,
    ).toBe(400);
  });

  it("changes a user's access, audited; not one's own, nor a user of another organization", async () => {
    const users = (await t.call("adminA", { url: "/api/admin/users" })).json().items;
    const robin = users.find((u: { email: string }) => u.email === "robin.lee@sfm.example");
    const self = users.find((u: { email: string }) => u.email === "admin@sfm.example");
    const update = (as: "adminA" | "adminB", id: string, body: object) =>
      t.call(as, { method: "PUT", url: `/api/admin/users/${id}`, payload: body });
    const res = await update("adminA", robin.id, {
      role: "practice_admin",
      organizationIds: [t.ids.practiceA],
      recipientId: null,
    });
    expect(res.json()).toMatchObject({ role: "practice_admin", recipient: null });
    expect(await auditOf("user.update")).toEqual([
      expect.objectContaining({
        subject_id: robin.id,
        detail: expect.objectContaining({
          changes: { role: ["care_manager", "practice_admin"], recipientId: [t.ids.cmA2, null] },
        }),
      }),
    ]);
    expect(
      (await update("adminA", self.id, { role: "quality", organizationIds: [t.ids.practiceA] })).statusCode,
    ).toBe(403);
    expect(
      (await update("adminB", robin.id, { role: "quality", organizationIds: [t.ids.practiceB] })).statusCode,
    ).toBe(404);
  });

  it("disabling ends the user's sessions at once; enabling lets them sign in again; new credentials replace the password", async () => {
    const signedIn = (await login("robin.lee@sfm.example", NEW_PASSWORD)).json().token;
    const robin = (await t.call("adminA", { url: "/api/admin/users" }))
      .json()
      .items.find((u: { email: string }) => u.email === "robin.lee@sfm.example");
    const disabled = await t.call("adminA", { method: "POST", url: `/api/admin/users/${robin.id}/disable` });
    expect(disabled.json()).toMatchObject({ active: false, status: "disabled" });
    expect((await asToken(signedIn, { url: "/api/me" })).statusCode).toBe(401);
    expect((await login("robin.lee@sfm.example", NEW_PASSWORD)).statusCode).toBe(401);
    await t.call("adminA", { method: "POST", url: `/api/admin/users/${robin.id}/enable` });
    expect((await login("robin.lee@sfm.example", NEW_PASSWORD)).statusCode).toBe(200);
    const reset = await t.call("adminA", {
      method: "POST",
      url: `/api/admin/users/${robin.id}/credentials`,
      payload: { method: "password" },
    });
    expect(reset.json().user.status).toBe("must-change");
    expect((await login("robin.lee@sfm.example", NEW_PASSWORD)).statusCode).toBe(401);
    expect(
      (await login("robin.lee@sfm.example", reset.json().temporaryPassword)).json().mustChangePassword,
    ).toBe(true);
    expect((await auditOf("user.disable")).map((r) => r.organization_id)).toEqual([t.ids.practiceA]);
    expect((await auditOf("user.credentials")).map((r) => r.detail.method)).toEqual(["password"]);
  });
});
