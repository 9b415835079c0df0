import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertOutboundDeliveries, newWebhookSecret } from "@homeward/outbound";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, startTestApi } from "../api.test-support.ts";

// Outbound endpoints through the api: admins of an organization manage its own, the secret goes in
// and never comes out, every change is in the audit log, and another organization's admin finds nothing.

let t: ApiTest;
const token = "ehr-bearer-token-0123456789";
beforeAll(async () => {
  t = await startTestApi("outbound-endpoints", { OUTBOUND_SECRET_KEY: randomBytes(32).toString("hex") });
});
afterAll(async () => t?.close());

const fhirEndpoint = () => ({
  organizationId: t.ids.practiceA,
  name: "Springvale EHR",
  kind: "davinci_fhir",
  url: "https://ehr.springvale.example/fhir",
  authKind: "bearer",
  secret: token,
  eventKinds: ["ed-arrival", "discharge"],
});

describe("outbound endpoints", () => {
  let fhirId = "";
  it("an admin adds a FHIR endpoint: the token is sealed, never answered, and the change audited", async () => {
    const res = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/outbound-endpoints",
      payload: fhirEndpoint(),
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    fhirId = body.id;
    expect(body).toMatchObject({
      organizationId: t.ids.practiceA,
      kind: "davinci_fhir",
      authKind: "bearer",
      hasSecret: true,
      eventKinds: ["ed-arrival", "discharge"],
      programs: [],
      enabled: true,
    });
    expect(res.body).not.toContain(token);
    const stored = await t.pool.query<{ secret_sealed: string }>(
      "SELECT secret_sealed FROM outbound_endpoints WHERE id = $1",
      [fhirId],
    );
    expect(stored.rows[0]?.secret_sealed).toMatch(/^v1\./);
    expect(stored.rows[0]?.secret_sealed).not.toContain(token);
    const audit = await t.pool.query<{ action: string; detail: object }>(
      "SELECT action, detail FROM audit_log WHERE subject_type = 'outbound_endpoint' AND subject_id = $1",
      [fhirId],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(["outbound-endpoint.create"]);
    expect(JSON.stringify(audit.rows)).not.toContain(token);
    const one = await t.call("adminA", { url: `/api/admin/outbound-endpoints/${fhirId}` });
    expect(one.statusCode).toBe(200);
    expect(one.body).not.toContain(token);
  });

  it("a webhook takes only a Standard Webhooks secret, and only webhook_secret authentication", async () => {
    const base = {
      organizationId: t.ids.practiceA,
      name: "Care platform",
      kind: "webhook",
      url: "https://hooks.springvale.example/homeward",
      authKind: "webhook_secret",
    };
    const weak = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/outbound-endpoints",
      payload: { ...base, secret: "not-a-whsec-secret-at-all" },
    });
    expect(weak.statusCode).toBe(400);
    const bearer = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/outbound-endpoints",
      payload: { ...base, authKind: "bearer", secret: token },
    });
    expect(bearer.statusCode).toBe(400);
    const missing = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/outbound-endpoints",
      payload: base,
    });
    expect(missing.statusCode).toBe(400);
    const secret = newWebhookSecret();
    const ok = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/outbound-endpoints",
      payload: { ...base, secret },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.body).not.toContain(secret.slice(6));
    const again = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/outbound-endpoints",
      payload: { ...base, secret },
    });
    expect(again.statusCode).toBe(409);
  });

  it("an HL7 v2 interface takes host and port, no URL and no secret", async () => {
    const base = {
      organizationId: t.ids.practiceA,
      name: "HL7 interface",
      kind: "hl7v2_mllp",
      authKind: "none",
    };
    const ok = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/outbound-endpoints",
      payload: { ...base, host: "ehr-if.springvale.example", port: 6661 },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({
      kind: "hl7v2_mllp",
      url: null,
      host: "ehr-if.springvale.example",
      port: 6661,
    });
    const noPort = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/outbound-endpoints",
      payload: { ...base, name: "x", host: "ehr-if.springvale.example" },
    });
    expect(noPort.statusCode).toBe(400);
    const withUrl = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/outbound-endpoints",
      payload: { ...base, name: "y", host: "h", port: 1, url: "https://x.example" },
    });
    expect(withUrl.statusCode).toBe(400);
  });

  it("a change keeps the secret unless a new one is given; the audit names the fields, not the values", async () => {
    const { secret: _, organizationId: __, ...fields } = fhirEndpoint();
    const res = await t.call("adminA", {
      method: "PUT",
      url: `/api/admin/outbound-endpoints/${fhirId}`,
      payload: { ...fields, url: "https://ehr2.springvale.example/fhir", enabled: false },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      url: "https://ehr2.springvale.example/fhir",
      enabled: false,
      hasSecret: true,
    });
    const audit = await t.pool.query<{ detail: { fields: string[]; secretChanged: boolean } }>(
      "SELECT detail FROM audit_log WHERE action = 'outbound-endpoint.update' AND subject_id = $1",
      [fhirId],
    );
    expect(audit.rows[0]?.detail).toMatchObject({ fields: ["url", "enabled"], secretChanged: false });
    // Another authentication kind needs its own secret: the stored token is not a webhook secret.
    const toWebhook = await t.call("adminA", {
      method: "PUT",
      url: `/api/admin/outbound-endpoints/${fhirId}`,
      payload: { ...fields, kind: "webhook", authKind: "webhook_secret" },
    });
    expect(toWebhook.statusCode).toBe(409);
    const switched = await t.call("adminA", {
      method: "PUT",
      url: `/api/admin/outbound-endpoints/${fhirId}`,
      payload: { ...fields, authKind: "none", secret: undefined },
    });
    expect(switched.statusCode).toBe(200);
    const back = await t.call("adminA", {
      method: "PUT",
      url: `/api/admin/outbound-endpoints/${fhirId}`,
      payload: { ...fields, authKind: "bearer" },
    });
    expect(back.statusCode).toBe(409);
    const none = await t.call("adminA", {
      method: "PUT",
      url: `/api/admin/outbound-endpoints/${fhirId}`,
      payload: { ...fields, authKind: "none" },
    });
    expect(none.json()).toMatchObject({ authKind: "none", hasSecret: false });
  });

  it("a FHIR endpoint with SMART Backend Services: token URL, client id and key id shown, the private key sealed and never answered", async () => {
    const pem = generateKeyPairSync("ec", { namedCurve: "P-384" })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const smart = {
      tokenUrl: "https://ehr.springvale.example/oauth2/token",
      clientId: "homeward-springvale",
      keyId: "hw-2026-1",
      scope: null,
    };
    const base = {
      organizationId: t.ids.practiceA,
      name: "Springvale EHR (SMART)",
      kind: "davinci_fhir",
      url: "https://ehr.springvale.example/fhir",
      authKind: "smart_backend",
    };
    const post = (payload: object) =>
      t.call("adminA", { method: "POST", url: "/api/admin/outbound-endpoints", payload });
    const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const refused = [
      await post({ ...base, smart, secret: p256 }),
      await post({ ...base, smart, secret: "-----BEGIN PRIVATE KEY----- nonsense" }),
      await post({ ...base, secret: pem }),
      await post({ ...base, kind: "webhook", smart, secret: pem }),
      await post({ ...base, authKind: "bearer", smart, secret: token }),
    ];
    expect(refused.map((r) => r.statusCode)).toEqual([400, 400, 400, 400, 400]);
    expect(JSON.stringify(refused[0]?.json())).toContain("P-384");
    const res = await post({ ...base, smart, secret: pem });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ authKind: "smart_backend", smart, hasSecret: true });
    expect(res.body).not.toContain("PRIVATE KEY");
    const id = res.json().id as string;
    const listed = await t.call("adminA", { url: "/api/admin/outbound-endpoints" });
    expect(listed.body).not.toContain("PRIVATE KEY");
    const { secret: _, organizationId: __, ...fields } = { ...base, smart, secret: pem };
    const scoped = await t.call("adminA", {
      method: "PUT",
      url: `/api/admin/outbound-endpoints/${id}`,
      payload: { ...fields, smart: { ...smart, scope: "system/Bundle.write" } },
    });
    expect(scoped.json()).toMatchObject({ smart: { scope: "system/Bundle.write" }, hasSecret: true });
    const audit = await t.pool.query<{ detail: object }>(
      "SELECT detail FROM audit_log WHERE subject_type = 'outbound_endpoint' AND subject_id = $1 ORDER BY id",
      [id],
    );
    expect(audit.rows.map((r) => r.detail)).toMatchObject([
      { authKind: "smart_backend", clientId: "homeward-springvale" },
      { fields: ["smart"], secretChanged: false },
    ]);
    expect(JSON.stringify(audit.rows)).not.toContain("PRIVATE KEY");
  });

  it("MLLP over TLS with a private CA and a client certificate: the key sealed, never answered, and it must match the certificate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hw-api-tls-"));
    const selfSigned = (name: string) => {
      execFileSync(
        "openssl",
        [
          ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"],
          ...["-subj", `/CN=${name}`, "-keyout", join(dir, `${name}.key`), "-out", join(dir, `${name}.pem`)],
        ],
        { stdio: "ignore" },
      );
      return {
        cert: readFileSync(join(dir, `${name}.pem`), "utf8").trim(),
        key: readFileSync(join(dir, `${name}.key`), "utf8").trim(),
      };
    };
    const client = selfSigned("homeward-client");
    const other = selfSigned("someone-else");
    rmSync(dir, { recursive: true, force: true });
    const base = {
      organizationId: t.ids.practiceA,
      name: "HL7 over TLS",
      kind: "hl7v2_mllp",
      host: "ehr-interface.springvale.example",
      port: 6661,
      authKind: "none",
    };
    const tls = { mllpTls: true, caPem: other.cert, clientCertPem: client.cert };
    const post = (payload: object) =>
      t.call("adminA", { method: "POST", url: "/api/admin/outbound-endpoints", payload });
    const refused = [
      await post({ ...base, tls, tlsClientKey: other.key }),
      await post({ ...base, tls }),
      await post({ ...base, tls: { ...tls, mllpTls: false }, tlsClientKey: client.key }),
      await post({ ...base, tls: { ...tls, caPem: "not a certificate" }, tlsClientKey: client.key }),
      await post({
        ...base,
        kind: "davinci_fhir",
        host: null,
        port: null,
        url: "http://ehr.springvale.example/fhir",
        tls: { ...tls, mllpTls: false },
        tlsClientKey: client.key,
      }),
    ];
    expect(refused.map((r) => r.statusCode)).toEqual([400, 400, 400, 400, 400]);
    expect(JSON.stringify(refused[0]?.json())).toContain("does not belong");
    const res = await post({ ...base, tls, tlsClientKey: client.key });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ tls, hasTlsClientKey: true, hasSecret: false });
    expect(res.body).not.toContain("PRIVATE KEY");
    const id = res.json().id as string;
    const stored = await t.pool.query<{ sealed: string }>(
      "SELECT tls_client_key_sealed AS sealed FROM outbound_endpoints WHERE id = $1",
      [id],
    );
    expect(stored.rows[0]?.sealed).toMatch(/^v1\./);
    const { organizationId: _, ...fields } = base;
    const put = (payload: object) =>
      t.call("adminA", {
        method: "PUT",
        url: `/api/admin/outbound-endpoints/${id}`,
        payload: { ...fields, ...payload },
      });
    // The same certificate keeps its key; another certificate needs its own; none drops the key.
    expect((await put({ tls: { ...tls, caPem: null } })).json()).toMatchObject({ hasTlsClientKey: true });
    expect((await put({ tls: { ...tls, clientCertPem: other.cert } })).statusCode).toBe(409);
    expect((await put({ tls: { mllpTls: true } })).json()).toMatchObject({
      tls: { mllpTls: true, caPem: null, clientCertPem: null },
      hasTlsClientKey: false,
    });
    const audit = await t.pool.query<{ detail: object }>(
      "SELECT detail FROM audit_log WHERE subject_type = 'outbound_endpoint' AND subject_id = $1 ORDER BY id",
      [id],
    );
    expect(audit.rows.map((r) => r.detail)).toMatchObject([
      { mllpTls: true, privateCa: true, clientCertificate: true },
      { fields: ["tls"], tlsClientKeyChanged: false },
      { fields: ["tls"], tlsClientKeyChanged: true },
    ]);
    expect(JSON.stringify(audit.rows)).not.toContain("PRIVATE KEY");
  });

  it("another organization's admin, a care manager and a stranger find nothing (cross-organization probe)", async () => {
    const listB = await t.call("adminB", { url: "/api/admin/outbound-endpoints" });
    expect(listB.json().items).toEqual([]);
    const filtered = await t.call("adminB", {
      url: `/api/admin/outbound-endpoints?organizationId=${t.ids.practiceA}`,
    });
    expect(filtered.json().items).toEqual([]);
    expect((await t.call("adminB", { url: `/api/admin/outbound-endpoints/${fhirId}` })).statusCode).toBe(404);
    const { secret: _, organizationId: __, ...fields } = fhirEndpoint();
    const put = await t.call("adminB", {
      method: "PUT",
      url: `/api/admin/outbound-endpoints/${fhirId}`,
      payload: { ...fields, url: "https://attacker.example/fhir" },
    });
    expect(put.statusCode).toBe(404);
    const post = await t.call("adminB", {
      method: "POST",
      url: "/api/admin/outbound-endpoints",
      payload: { ...fhirEndpoint(), name: "Mine now" },
    });
    expect(post.statusCode).toBe(404);
    expect((await t.call("cmA", { url: "/api/admin/outbound-endpoints" })).statusCode).toBe(403);
    expect((await t.call(null, { url: "/api/admin/outbound-endpoints" })).statusCode).toBe(401);
    const unchanged = await t.pool.query("SELECT url FROM outbound_endpoints WHERE id = $1", [fhirId]);
    expect(unchanged.rows[0]?.url).toBe("https://ehr.springvale.example/fhir");
    const all = await t.call("root", { url: "/api/admin/outbound-endpoints" });
    expect(all.json().items.map((e: { name: string }) => e.name)).toEqual([
      "Care platform",
      "HL7 interface",
      "HL7 over TLS",
      "Springvale EHR",
      "Springvale EHR (SMART)",
    ]);
  });

  it("what was delivered where for an event, to its own organization's admins only", async () => {
    await insertOutboundDeliveries(t.pool, [
      {
        id: "obd_api-test-1",
        endpointId: fhirId,
        organizationId: t.ids.practiceA,
        purpose: "notification",
        matchId: "m-api-1",
        eventId: "evt-api-1",
        payload: {},
        status: "queued",
      },
    ]);
    const mine = await t.call("adminA", { url: "/api/admin/outbound-deliveries?eventId=evt-api-1" });
    expect(mine.json().items).toEqual([
      expect.objectContaining({
        endpointName: "Springvale EHR",
        kind: "davinci_fhir",
        status: "queued",
        attempts: 0,
      }),
    ]);
    const theirs = await t.call("adminB", { url: "/api/admin/outbound-deliveries?eventId=evt-api-1" });
    expect(theirs.json().items).toEqual([]);
  });
});
