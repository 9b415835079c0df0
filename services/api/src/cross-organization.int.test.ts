import { notifyWorkspaceChanged } from "@homeward/db";
import type { LightMyRequestResponse } from "fastify";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTest, NOW, startTestApi, type UserKey } from "./api.test-support.ts";

/**
 * "A practice never reads another practice's patients, and tests prove it for every endpoint."
 * One probe per route: a user of practice A (SFM) aims the route at practice B's (RVP) data and
 * must get nothing of it and change nothing of it. The route list is the app's own: a route
 * added without a probe here fails the first test.
 */

let t: ApiTest;
/** Practice B's care manager's user id. */
let userB = "";
/** A notification rule of practice B's. */
let ruleB = "";
/** An import run of practice B's. */
let runB = "";
/** Practice B's outbound endpoint (its EHR's webhook), and the event B's delivery to it was for. */
let endpointB = "";
let eventB = "";
/** Practice B's FHIR Subscription (its care platform's rest-hook). */
const subscriptionB = "sub-crossorg-b";
/** The Encounter and Patient B's subscription was notified of (what an id-only client reads back). */
const encounterB = "7d1f0c52-8a3e-5b6f-9c21-4e5a6b7c8d90";
const patientB = "3a9e2b14-6c5d-5e7f-8a90-1b2c3d4e5f60";
/** Practice B's registered FHIR client. */
const clientB = "client-crossorg-b";
beforeAll(async () => {
  t = await startTestApi("crossorg", { OUTBOUND_SECRET_KEY: "b".repeat(64) });
  userB = String(
    (await t.pool.query("SELECT id FROM users WHERE email = 'cm@rvp.example'")).rows[0]?.id ?? "",
  );
  ruleB = String(
    (
      await t.pool.query(
        "INSERT INTO notification_rules (organization_id, recipient_id, channel) VALUES ($1, $2, 'email') RETURNING id",
        [t.ids.practiceB, t.ids.cmB],
      )
    ).rows[0]?.id,
  );
  runB = String(
    (
      await t.pool.query(
        `INSERT INTO import_runs (kind, source, organization_id, file_name, as_of, dry_run, status)
         VALUES ('panel', 'rvp-panel', $1, 'riverside-panel.csv', '2026-03-01', false, 'completed') RETURNING id`,
        [t.ids.practiceB],
      )
    ).rows[0]?.id,
  );
  const endpoint = await t.call("adminB", {
    method: "POST",
    url: "/api/admin/outbound-endpoints",
    payload: {
      organizationId: t.ids.practiceB,
      name: "Riverside EHR hooks",
      kind: "webhook",
      url: "https://hooks.rvp.example/homeward",
      authKind: "webhook_secret",
      secret: `whsec_${Buffer.alloc(32, 7).toString("base64")}`,
      eventKinds: ["ed-arrival"],
    },
  });
  expect(endpoint.statusCode).toBe(201);
  endpointB = endpoint.json().id;
  eventB = String(
    (await t.pool.query("SELECT event_id FROM matched_events WHERE match_id = 'match-V-B1'")).rows[0]
      ?.event_id,
  );
  // What B's webhook was sent for B's event (as the notifier records it).
  await t.pool.query(
    `INSERT INTO outbound_deliveries (id, endpoint_id, organization_id, purpose, match_id, event_id, payload, status, attempts, response_status, sent_at)
     VALUES ('out-b1', $1, $2, 'notification', 'match-V-B1', $3, '{}', 'sent', 1, '204', now())`,
    [endpointB, t.ids.practiceB, eventB],
  );
  // B's FHIR Subscription (stored as the api stores one; no handshake needed for the probes).
  await t.pool.query(
    `INSERT INTO fhir_subscriptions (id, organization_id, topic, status, endpoint, content, resource, created_by)
     VALUES ($1, $2, 'encounter-start', 'active', 'https://hooks.rvp.example/fhir', 'id-only', '{"resourceType":"Subscription"}', 'test')
     ON CONFLICT (id) DO NOTHING`,
    [subscriptionB, t.ids.practiceB],
  );
  // B's subscription was notified of B's event (numbered, then sent through the outbound queue),
  // with the Encounter and Patient as the notifier builds them (Encounter first).
  const focusB = [
    {
      resourceType: "Encounter",
      id: encounterB,
      status: "in-progress",
      class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "EMER" },
      identifier: [{ system: "urn:homeward:visit:RVH", value: "V-B1" }],
      subject: { reference: `urn:uuid:${patientB}` },
    },
    {
      resourceType: "Patient",
      id: patientB,
      identifier: [
        { system: "urn:homeward:patient", value: t.ids.pB1 },
        { system: "urn:homeward:id:RVP", value: "RVP-2001" },
      ],
      name: [{ family: "VANTERPOOL", given: ["HENRIETTA"] }],
    },
  ];
  await t.pool.query(
    `INSERT INTO fhir_subscription_notifications (subscription_id, event_number, match_id, event_id, occurred_at, focus, status, sent_at)
     VALUES ($1, 1, 'match-V-B1', $2, now(), $3, 'sent', now())`,
    [subscriptionB, eventB, JSON.stringify(focusB)],
  );
  await t.pool.query(
    `INSERT INTO outbound_deliveries (id, subscription_id, event_number, organization_id, purpose, match_id, event_id, status, attempts, response_status, sent_at)
     VALUES ('out-b1-sub', $1, 1, $2, 'notification', 'match-V-B1', $3, 'sent', 1, '200', now())`,
    [subscriptionB, t.ids.practiceB, eventB],
  );
  // B's registered FHIR client (SMART Backend Services).
  await t.pool.query(
    `INSERT INTO fhir_clients (id, organization_id, name, jwks, scopes, created_by)
     VALUES ($1, $2, 'Riverside care platform', '{"keys":[]}', '{system/Subscription.cruds}', 'test')`,
    [clientB, t.ids.practiceB],
  );
  // A closed day of B's for the closure probes to aim at.
  await t.pool.query(
    "INSERT INTO organization_closures (organization_id, day, reason) VALUES ($1, '2026-03-21', 'B only')",
    [t.ids.practiceB],
  );
});
afterAll(async () => t?.close());

/** Strings only practice B's data contains: none may appear in any answer to a user of A. */
const B_MARKERS = [
  "VANTERPOOL",
  "HENRIETTA",
  "RVP-2001",
  "task-b1",
  "Riverside",
  "cm@rvp.example",
  "Jordan Price",
  "V-B1",
];
const PERIOD = "from=2026-01-01&to=2026-03-31";

interface Probe {
  as: UserKey;
  request: () => {
    method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
    url: string;
    payload?: unknown;
    headers?: Record<string, string>;
  };
  /** Status codes that mean "nothing disclosed": 404 for a record, 403 for a role, 200 for a list without B's rows. */
  expect: number[];
  check?: (res: LightMyRequestResponse) => void;
}

const items = (res: LightMyRequestResponse) => res.json<{ items: Record<string, unknown>[] }>().items;

/** Every /api route → how practice A tries to reach practice B through it. `null`: public, no organization data. */
const PROBES: Record<string, Probe | null> = {
  "POST /api/login": null,
  "GET /api/openapi.json": null,
  // Ends the caller's own session only; probing it would sign the prober out (users/sessions.int.test.ts).
  "POST /api/logout": null,
  // An invitation link's token is the only key; a made-up one finds nothing.
  "POST /api/invitations/lookup": {
    as: "adminA",
    request: () => ({ method: "POST", url: "/api/invitations/lookup", payload: { token: "B".repeat(43) } }),
    expect: [404],
  },
  "POST /api/invitations/accept": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/invitations/accept",
      payload: { token: "B".repeat(43), password: "riverside takeover 1234" },
    }),
    expect: [404],
  },
  // One's own password only, and only with the current one.
  "POST /api/account/password": {
    as: "cmA",
    request: () => ({
      method: "POST",
      url: "/api/account/password",
      payload: { currentPassword: "not the password", newPassword: "riverside takeover 1234" },
    }),
    expect: [400],
  },
  "GET /api/me": {
    as: "adminA",
    request: () => ({ url: "/api/me" }),
    expect: [200],
    check: (res) =>
      expect(res.json().organizations.map((o: { id: string }) => o.id)).toEqual([t.ids.practiceA]),
  },
  "GET /api/tasks": {
    as: "cmA",
    request: () => ({ url: `/api/tasks?organizationId=${t.ids.practiceB}` }),
    expect: [200],
    check: (res) => expect(items(res)).toEqual([]),
  },
  "GET /api/tasks/:id": { as: "cmA", request: () => ({ url: "/api/tasks/task-b1" }), expect: [404] },
  "POST /api/tasks/:id/attempts": {
    as: "cmA",
    request: () => ({ method: "POST", url: "/api/tasks/task-b1/attempts", payload: { method: "phone" } }),
    expect: [404],
  },
  "POST /api/tasks/:id/complete": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/tasks/task-b1/complete",
      payload: { outcome: "not_needed" },
    }),
    expect: [404],
  },
  "POST /api/tasks/:id/reassign": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/tasks/task-b1/reassign",
      payload: { recipientId: t.ids.cmA },
    }),
    expect: [404],
  },
  "POST /api/tasks/:id/notes": {
    as: "cmA",
    request: () => ({ method: "POST", url: "/api/tasks/task-b1/notes", payload: { text: "hello" } }),
    expect: [404],
  },
  "PATCH /api/tasks/:id/contact": {
    as: "cmA",
    request: () => ({
      method: "PATCH",
      url: "/api/tasks/task-b1/contact",
      payload: { contactedAt: "2026-03-10T14:00:00Z", contactMethod: "phone" },
    }),
    expect: [404],
  },
  // The event page an alert links to, and its one-click task: only the organization it was routed to.
  "GET /api/events/:id": { as: "cmA", request: () => ({ url: "/api/events/match-V-B1" }), expect: [404] },
  "POST /api/events/:id/tasks": {
    as: "cmA",
    request: () => ({ method: "POST", url: "/api/events/match-V-B2/tasks" }),
    expect: [404],
  },
  "GET /api/patients/:id": {
    as: "cmA",
    request: () => ({ url: `/api/patients/${t.ids.pB1}` }),
    expect: [404],
  },
  "GET /api/care-management/high-risk-list": {
    as: "cmA",
    request: () => ({ url: `/api/care-management/high-risk-list?organizationId=${t.ids.practiceB}` }),
    expect: [404],
  },
  "GET /api/care-management/high-risk-list/agenda": {
    as: "cmA",
    request: () => ({
      url: `/api/care-management/high-risk-list/agenda?organizationId=${t.ids.practiceB}&format=csv`,
    }),
    expect: [404],
  },
  // The plan lists patients of both practices; practice A does not read the plan.
  "GET /api/care-management/high-risk-list/practices": {
    as: "adminA",
    request: () => ({
      url: `/api/care-management/high-risk-list/practices?planOrganizationId=${t.ids.plan}`,
    }),
    expect: [404],
  },
  "PATCH /api/care-management/enrollments/:id": {
    as: "adminA",
    request: () => ({
      method: "PATCH",
      url: `/api/care-management/enrollments/${t.ids.enrollB1}`,
      payload: { leadOrganization: "plan" },
    }),
    expect: [404],
  },
  "POST /api/admin/rosters": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/admin/rosters?kind=panel&source=rvp-panel&org=RVP",
      headers: { "content-type": "text/csv" },
      payload: "MRN,Last Name,First Name\nRVP-9,X,Y\n",
    }),
    expect: [404],
  },
  "POST /api/admin/consents/import": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/admin/consents/import?org=RVP",
      headers: { "content-type": "text/csv" },
      payload: "MRN,ID Type,Decision\nRVP-2001,MR,opt_out\n",
    }),
    expect: [404],
  },
  "POST /api/admin/notification-rules/import": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/admin/notification-rules/import?org=RVP",
      headers: { "content-type": "text/csv" },
      payload: "Role\npcp\n",
    }),
    expect: [404],
  },
  // System-wide reference data: system admins only.
  "POST /api/admin/sensitive-facilities/import": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/admin/sensitive-facilities/import",
      headers: { "content-type": "text/csv" },
      payload: "Sending Facility\nRVPCLINIC\n",
    }),
    expect: [403],
  },
  "GET /api/admin/import-runs": {
    as: "adminA",
    request: () => ({ url: `/api/admin/import-runs?organizationId=${t.ids.practiceB}` }),
    expect: [200],
    check: (res) => expect(items(res)).toEqual([]),
  },
  // A run's row errors keep the values as sent: B's run is not A's to read.
  "GET /api/admin/import-runs/:id": {
    as: "adminA",
    request: () => ({ url: `/api/admin/import-runs/${runB}?format=csv` }),
    expect: [404],
  },
  // The presets are configuration, the same for everyone.
  "GET /api/admin/import-presets": {
    as: "adminA",
    request: () => ({ url: "/api/admin/import-presets" }),
    expect: [200],
  },
  "GET /api/admin/recipients": {
    as: "adminA",
    request: () => ({ url: "/api/admin/recipients" }),
    expect: [200],
    check: (res) =>
      expect(new Set(items(res).map((r) => r.organizationId))).toEqual(new Set([t.ids.practiceA])),
  },
  "POST /api/admin/recipients": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/admin/recipients",
      payload: {
        organizationId: t.ids.practiceB,
        role: "pcp",
        displayName: "Intruder",
        email: "x@rvp.example",
        timeZone: "America/New_York",
      },
    }),
    expect: [404],
  },
  "PUT /api/admin/recipients/:id": {
    as: "adminA",
    request: () => ({
      method: "PUT",
      url: `/api/admin/recipients/${t.ids.cmB}`,
      payload: {
        role: "care_manager",
        displayName: "Hijacked",
        email: "me@sfm.example",
        timeZone: "America/New_York",
      },
    }),
    expect: [404],
  },
  "GET /api/admin/recipients/:id/preferences": {
    as: "adminA",
    request: () => ({ url: `/api/admin/recipients/${t.ids.cmB}/preferences` }),
    expect: [404],
  },
  "PUT /api/admin/recipients/:id/preferences": {
    as: "adminA",
    request: () => ({
      method: "PUT",
      url: `/api/admin/recipients/${t.ids.cmB}/preferences`,
      payload: {
        channelRules: [],
        emailMode: "digest",
        digestHour: 3,
        quietHours: null,
        pagePriorityOneInQuietHours: false,
      },
    }),
    expect: [404],
  },
  // The review queue is for system admins only (a held event may be another practice's patient).
  "GET /api/admin/reviews": { as: "adminA", request: () => ({ url: "/api/admin/reviews" }), expect: [403] },
  // Agreements widen what an organization's uploads may name: a practice admin may not grant one.
  "GET /api/admin/identifier-agreements": {
    as: "adminA",
    request: () => ({ url: "/api/admin/identifier-agreements" }),
    expect: [403],
  },
  "POST /api/admin/identifier-agreements": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/admin/identifier-agreements",
      payload: { organizationCode: "SFM", assigningAuthority: "RVP" },
    }),
    expect: [403],
  },
  "DELETE /api/admin/identifier-agreements/:id": {
    as: "adminA",
    request: () => ({ method: "DELETE", url: "/api/admin/identifier-agreements/1" }),
    expect: [403],
  },
  "GET /api/admin/demographic-conflicts": {
    as: "adminA",
    request: () => ({ url: "/api/admin/demographic-conflicts" }),
    expect: [403],
  },
  "POST /api/admin/demographic-conflicts/:id/resolve": {
    as: "adminA",
    request: () => ({ method: "POST", url: "/api/admin/demographic-conflicts/1/resolve" }),
    expect: [403],
  },
  "POST /api/admin/reviews/:eventId/confirm": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/admin/reviews/evt-review-1/confirm",
      payload: { patientId: t.ids.pB1 },
    }),
    expect: [403],
  },
  "POST /api/admin/reviews/:eventId/reject": {
    as: "adminA",
    request: () => ({ method: "POST", url: "/api/admin/reviews/evt-review-1/reject" }),
    expect: [403],
  },
  // Configuration, not organization data: the same for everyone; checked for B's markers like the rest.
  "GET /api/admin/protocols": {
    as: "adminA",
    request: () => ({ url: "/api/admin/protocols" }),
    expect: [200],
  },
  // Facility settings and feed operations belong to hospitals, not practices: a practice admin is
  // refused every one of them (feeds/feed-roles.ts).
  "GET /api/admin/facilities": {
    as: "adminA",
    request: () => ({ url: "/api/admin/facilities" }),
    expect: [403],
  },
  "POST /api/admin/facilities": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/admin/facilities",
      payload: { mapping: { sendingFacility: "PROBE", timeZone: "UTC" } },
    }),
    expect: [403],
  },
  "GET /api/admin/facilities/export": {
    as: "adminA",
    request: () => ({ url: "/api/admin/facilities/export" }),
    expect: [403],
  },
  "POST /api/admin/facilities/import": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/admin/facilities/import",
      payload: { schemaVersion: 1, facilities: [{ sendingFacility: "PROBE", timeZone: "UTC" }] },
    }),
    expect: [403],
  },
  "GET /api/admin/facilities/:id": {
    as: "adminA",
    request: () => ({ url: "/api/admin/facilities/1" }),
    expect: [403],
  },
  "PUT /api/admin/facilities/:id": {
    as: "adminA",
    request: () => ({
      method: "PUT",
      url: "/api/admin/facilities/1",
      payload: { mapping: { sendingFacility: "PROBE", timeZone: "UTC" }, version: 1 },
    }),
    expect: [403],
  },
  "DELETE /api/admin/facilities/:id": {
    as: "adminA",
    request: () => ({ method: "DELETE", url: "/api/admin/facilities/1?version=1" }),
    expect: [403],
  },
  "GET /api/admin/facilities/:id/history": {
    as: "adminA",
    request: () => ({ url: "/api/admin/facilities/1/history" }),
    expect: [403],
  },
  "GET /api/admin/feeds": { as: "adminA", request: () => ({ url: "/api/admin/feeds" }), expect: [403] },
  "GET /api/admin/feed-exceptions": {
    as: "adminA",
    request: () => ({ url: "/api/admin/feed-exceptions" }),
    expect: [403],
  },
  "GET /api/admin/feed-exceptions/:id": {
    as: "adminA",
    request: () => ({ url: "/api/admin/feed-exceptions/1" }),
    expect: [403],
  },
  // Raw HL7: the interface analyst's alone (not even the system admin's).
  "GET /api/admin/feed-exceptions/:id/message": {
    as: "adminA",
    request: () => ({ url: "/api/admin/feed-exceptions/1/message" }),
    expect: [403],
  },
  "POST /api/admin/feed-exceptions/:id/resend": {
    as: "adminA",
    request: () => ({ method: "POST", url: "/api/admin/feed-exceptions/1/resend" }),
    expect: [403],
  },
  "POST /api/admin/feed-exceptions/:id/handled": {
    as: "adminA",
    request: () => ({ method: "POST", url: "/api/admin/feed-exceptions/1/handled", payload: {} }),
    expect: [403],
  },
  "GET /api/admin/access-log": {
    as: "adminA",
    request: () => ({ url: `/api/admin/access-log?organizationId=${t.ids.practiceB}` }),
    expect: [200],
    check: (res) => expect(items(res)).toEqual([]),
  },
  // Organizations: a practice admin lists and changes its own only; adding one is a system admin's.
  "GET /api/admin/organizations": {
    as: "adminA",
    request: () => ({ url: "/api/admin/organizations" }),
    expect: [200],
    check: (res) => expect(items(res).map((o) => o.id)).toEqual([t.ids.practiceA]),
  },
  "POST /api/admin/organizations": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/admin/organizations",
      payload: { kind: "practice", code: "RVP2", name: "Riverside Two", timeZone: "America/New_York" },
    }),
    expect: [403],
  },
  "GET /api/admin/organizations/:id": {
    as: "adminA",
    request: () => ({ url: `/api/admin/organizations/${t.ids.practiceB}` }),
    expect: [404],
  },
  "PUT /api/admin/organizations/:id": {
    as: "adminA",
    request: () => ({
      method: "PUT",
      url: `/api/admin/organizations/${t.ids.practiceB}`,
      payload: {
        name: "Riverside Primary Care",
        timeZone: "America/Chicago",
        alertDetailLevel: "full",
        holidayCountry: "US",
        holidayState: null,
      },
    }),
    expect: [404],
  },
  "POST /api/admin/organizations/:id/closures": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: `/api/admin/organizations/${t.ids.practiceB}/closures`,
      payload: { day: "2026-03-20", reason: null },
    }),
    expect: [404],
  },
  "DELETE /api/admin/organizations/:id/closures/:day": {
    as: "adminA",
    request: () => ({
      method: "DELETE",
      url: `/api/admin/organizations/${t.ids.practiceB}/closures/2026-03-21`,
    }),
    expect: [404],
  },
  "GET /api/admin/organizations/:id/holidays": {
    as: "adminA",
    request: () => ({ url: `/api/admin/organizations/${t.ids.practiceB}/holidays` }),
    expect: [404],
  },
  // The holiday calendars there are (date-holidays): no organization's data.
  "GET /api/admin/holiday-regions": {
    as: "adminA",
    request: () => ({ url: "/api/admin/holiday-regions" }),
    expect: [200],
  },
  // Users: a practice admin sees and changes the users of its own organizations only.
  "GET /api/admin/users": {
    as: "adminA",
    request: () => ({ url: "/api/admin/users" }),
    expect: [200],
    check: (res) => expect(items(res).map((u) => u.email)).not.toContain("cm@rvp.example"),
  },
  "POST /api/admin/users": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/admin/users",
      payload: {
        email: "mole@rvp.example",
        role: "care_manager",
        organizationIds: [t.ids.practiceB],
        method: "password",
      },
    }),
    expect: [404],
  },
  "PUT /api/admin/users/:id": {
    as: "adminA",
    request: () => ({
      method: "PUT",
      url: `/api/admin/users/${userB}`,
      payload: { role: "care_manager", organizationIds: [t.ids.practiceA] },
    }),
    expect: [404],
  },
  "POST /api/admin/users/:id/disable": {
    as: "adminA",
    request: () => ({ method: "POST", url: `/api/admin/users/${userB}/disable` }),
    expect: [404],
  },
  "POST /api/admin/users/:id/enable": {
    as: "adminA",
    request: () => ({ method: "POST", url: `/api/admin/users/${userB}/enable` }),
    expect: [404],
  },
  "POST /api/admin/users/:id/credentials": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: `/api/admin/users/${userB}/credentials`,
      payload: { method: "password" },
    }),
    expect: [404],
  },
  // Notification rules and the preview: a practice admin's own organizations and patients only.
  "GET /api/admin/outbound-endpoints": {
    as: "adminA",
    request: () => ({ url: `/api/admin/outbound-endpoints?organizationId=${t.ids.practiceB}` }),
    expect: [200],
    check: (res) => expect(items(res)).toEqual([]),
  },
  "GET /api/admin/outbound-endpoints/:id": {
    as: "adminA",
    request: () => ({ url: `/api/admin/outbound-endpoints/${endpointB}` }),
    expect: [404],
  },
  "POST /api/admin/outbound-endpoints": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/admin/outbound-endpoints",
      payload: {
        organizationId: t.ids.practiceB,
        name: "A's listener posing as B's",
        kind: "hl7v2_mllp",
        host: "ehr.springvale.example",
        port: 2575,
        authKind: "none",
        eventKinds: ["ed-arrival"],
      },
    }),
    expect: [404],
  },
  "PUT /api/admin/outbound-endpoints/:id": {
    as: "adminA",
    request: () => ({
      method: "PUT",
      url: `/api/admin/outbound-endpoints/${endpointB}`,
      payload: {
        name: "taken over",
        kind: "webhook",
        url: "https://attacker.example/hooks",
        authKind: "webhook_secret",
        eventKinds: ["ed-arrival"],
      },
    }),
    expect: [404],
  },
  "GET /api/admin/outbound-deliveries": {
    as: "adminA",
    request: () => ({ url: `/api/admin/outbound-deliveries?eventId=${encodeURIComponent(eventB)}` }),
    expect: [200],
    check: (res) => expect(items(res)).toEqual([]),
  },
  // FHIR Subscriptions: A's admin neither reads B's nor subscribes for B.
  "POST /api/fhir/Subscription": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: `/api/fhir/Subscription?organizationId=${t.ids.practiceB}`,
      payload: {
        resourceType: "Subscription",
        criteria: "http://homeward.example/fhir/SubscriptionTopic/encounter-start",
        channel: { type: "rest-hook", endpoint: "https://listener.springvale.example/fhir" },
      },
    }),
    expect: [404],
  },
  "GET /api/fhir/Subscription/:id": {
    as: "adminA",
    request: () => ({ url: `/api/fhir/Subscription/${subscriptionB}` }),
    expect: [404],
  },
  "DELETE /api/fhir/Subscription/:id": {
    as: "adminA",
    request: () => ({ method: "DELETE", url: `/api/fhir/Subscription/${subscriptionB}` }),
    expect: [404],
  },
  "GET /api/fhir/Subscription/:id/$status": {
    as: "adminA",
    request: () => ({ url: `/api/fhir/Subscription/${subscriptionB}/$status` }),
    expect: [404],
  },
  "GET /api/fhir/Subscription/:id/$events": {
    as: "adminA",
    request: () => ({ url: `/api/fhir/Subscription/${subscriptionB}/$events?eventsSinceNumber=1` }),
    expect: [404],
  },
  "GET /api/fhir/Subscription": {
    as: "adminA",
    request: () => ({ url: `/api/fhir/Subscription?_id=${subscriptionB}&organizationId=${t.ids.practiceB}` }),
    expect: [200],
    check: (res) => expect(res.json().total).toBe(0),
  },
  "PUT /api/fhir/Subscription/:id": {
    as: "adminA",
    request: () => ({
      method: "PUT",
      url: `/api/fhir/Subscription/${subscriptionB}`,
      payload: {
        resourceType: "Subscription",
        status: "off",
        criteria: "http://homeward.example/fhir/SubscriptionTopic/encounter-start",
        channel: { type: "rest-hook", endpoint: "https://attacker.example/fhir" },
      },
    }),
    expect: [404],
  },
  // What B's subscription was notified of: A's admin reads neither (nor by naming B).
  "GET /api/fhir/Encounter/:id": {
    as: "adminA",
    request: () => ({ url: `/api/fhir/Encounter/${encounterB}?organizationId=${t.ids.practiceB}` }),
    expect: [404],
  },
  "GET /api/fhir/Patient/:id": {
    as: "adminA",
    request: () => ({ url: `/api/fhir/Patient/${patientB}` }),
    expect: [404],
  },
  // SMART discovery, the token endpoint (the signed assertion is the credential; A's client probes
  // below), the topics and the CapabilityStatement: no organization's data.
  "GET /api/fhir/.well-known/smart-configuration": null,
  "POST /api/fhir/token": null,
  "GET /api/fhir/metadata": null,
  "GET /api/fhir/Basic": null,
  "GET /api/fhir/Basic/:id": null,
  "GET /api/fhir/SubscriptionTopic": null,
  "GET /api/fhir/SubscriptionTopic/:id": null,
  "GET /api/admin/fhir-clients": {
    as: "adminA",
    request: () => ({ url: `/api/admin/fhir-clients?organizationId=${t.ids.practiceB}` }),
    expect: [200],
    check: (res) => expect(items(res)).toEqual([]),
  },
  "POST /api/admin/fhir-clients": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/admin/fhir-clients",
      payload: { organizationId: t.ids.practiceB, name: "taken over", jwks: { keys: [{ kty: "RSA" }] } },
    }),
    expect: [404],
  },
  "PATCH /api/admin/fhir-clients/:clientId": {
    as: "adminA",
    request: () => ({
      method: "PATCH",
      url: `/api/admin/fhir-clients/${clientB}`,
      payload: { enabled: false },
    }),
    expect: [404],
  },
  "GET /api/admin/notification-rules": {
    as: "adminA",
    request: () => ({
      url: `/api/admin/notification-rules?organizationId=${t.ids.practiceB}&includeEnded=true`,
    }),
    expect: [200],
    check: (res) => expect(items(res)).toEqual([]),
  },
  "POST /api/admin/notification-rules": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/admin/notification-rules",
      payload: { organizationId: t.ids.practiceB, recipientId: t.ids.cmB },
    }),
    expect: [404],
  },
  "PUT /api/admin/notification-rules/:id": {
    as: "adminA",
    request: () => ({
      method: "PUT",
      url: `/api/admin/notification-rules/${ruleB}`,
      payload: { recipientRole: "supervisor", audience: "everyone_in_role" },
    }),
    expect: [404],
  },
  "DELETE /api/admin/notification-rules/:id": {
    as: "adminA",
    request: () => ({ method: "DELETE", url: `/api/admin/notification-rules/${ruleB}` }),
    expect: [404],
  },
  "POST /api/admin/routing-preview": {
    as: "adminA",
    request: () => ({
      method: "POST",
      url: "/api/admin/routing-preview",
      payload: { patientId: t.ids.pB1, eventKind: "ed-arrival" },
    }),
    expect: [404],
  },
  "GET /api/admin/access-log/actions": {
    as: "adminA",
    request: () => ({ url: `/api/admin/access-log/actions?organizationId=${t.ids.practiceB}` }),
    expect: [200],
    check: (res) => expect(res.json().actions).toEqual([]),
  },
  "GET /api/reports/follow-up": {
    as: "qualityA",
    request: () => ({
      url: `/api/reports/follow-up?measure=ed-follow-up&x=2&${PERIOD}&organizationId=${t.ids.practiceB}`,
    }),
    expect: [403, 404],
  },
  "GET /api/reports/follow-up/misses": {
    as: "qualityA",
    request: () => ({
      url: `/api/reports/follow-up/misses?measure=ed-follow-up&x=2&${PERIOD}&organizationId=${t.ids.practiceB}`,
    }),
    expect: [403, 404],
  },
  // Configuration (each measure's window from the protocols, the high-risk definition), not organization data.
  "GET /api/reports/follow-up/defaults": {
    as: "qualityA",
    request: () => ({ url: "/api/reports/follow-up/defaults" }),
    expect: [200],
  },
  "GET /api/reports/contact-times": {
    as: "qualityA",
    request: () => ({ url: `/api/reports/contact-times?${PERIOD}&organizationId=${t.ids.practiceB}` }),
    expect: [403, 404],
  },
  "GET /api/reports/alert-timeliness": {
    as: "qualityA",
    request: () => ({ url: `/api/reports/alert-timeliness?${PERIOD}&organizationId=${t.ids.practiceB}` }),
    expect: [403, 404],
  },
  "GET /api/reports/care-management": {
    as: "qualityA",
    request: () => ({ url: `/api/reports/care-management?organizationId=${t.ids.practiceB}` }),
    expect: [403, 404],
  },
  "GET /api/reports/program": {
    as: "qualityA",
    request: () => ({ url: `/api/reports/program?${PERIOD}&organizationId=${t.ids.practiceB}` }),
    expect: [403, 404],
  },
  "GET /api/reports/program/frequent-ed": {
    as: "qualityA",
    request: () => ({ url: `/api/reports/program/frequent-ed?${PERIOD}&organizationId=${t.ids.practiceB}` }),
    expect: [403, 404],
  },
  "GET /api/reports/program/care-manager-activity": {
    as: "qualityA",
    request: () => ({
      url: `/api/reports/program/care-manager-activity?${PERIOD}&organizationId=${t.ids.practiceB}`,
    }),
    expect: [403, 404],
  },
  "GET /api/reports/program/alert-timeliness": {
    as: "qualityA",
    request: () => ({
      url: `/api/reports/program/alert-timeliness?${PERIOD}&organizationId=${t.ids.practiceB}`,
    }),
    expect: [403, 404],
  },
  "GET /api/census": {
    as: "cmA",
    request: () => ({ url: `/api/census?scope=practice&organizationId=${t.ids.practiceB}` }),
    expect: [200],
    check: (res) =>
      expect([res.json().inHospital.items, res.json().recentlyDischarged.items]).toEqual([[], []]),
  },
  "GET /api/caseload": {
    as: "adminA",
    request: () => ({ url: `/api/caseload?organizationId=${t.ids.practiceB}` }),
    expect: [404],
  },
  "PUT /api/caseload/targets": {
    as: "adminA",
    request: () => ({
      method: "PUT",
      url: "/api/caseload/targets",
      payload: { organizationId: t.ids.practiceB, targets: { priorityOne: 1, totalMin: 1, totalMax: 2 } },
    }),
    expect: [404],
  },
  // The stream of B's changes only; that A's own stream carries none of B's is checked below.
  "GET /api/stream": {
    as: "cmA",
    request: () => ({ url: `/api/stream?organizationId=${t.ids.practiceB}` }),
    expect: [404],
  },
};

/** Practice B's rows that a write through any route might touch. */
async function snapshotOfB() {
  const q = async (sql: string, params: unknown[] = []) => (await t.pool.query(sql, params)).rows;
  return {
    task: await q("SELECT * FROM tasks WHERE id = 'task-b1'"),
    tasksOfB: await q("SELECT id FROM tasks WHERE organization_id = $1 ORDER BY id", [t.ids.practiceB]),
    history: await q("SELECT * FROM task_history WHERE task_id = 'task-b1' ORDER BY id"),
    enrollments: await q(
      "SELECT * FROM care_management_enrollments WHERE listed_by_org_id = $1 OR practice_org_id = $1 ORDER BY id",
      [t.ids.practiceB],
    ),
    recipients: await q("SELECT * FROM recipients WHERE organization_id = $1 ORDER BY id", [t.ids.practiceB]),
    preferences: await q("SELECT * FROM recipient_preferences WHERE recipient_id = $1", [t.ids.cmB]),
    runs: await q("SELECT * FROM import_runs WHERE organization_id = $1", [t.ids.practiceB]),
    identifiers: await q("SELECT * FROM patient_identifiers WHERE patient_id = $1 ORDER BY id", [t.ids.pB1]),
    reviews: await q("SELECT * FROM match_reviews ORDER BY event_id"),
    consents: await q("SELECT * FROM consents WHERE patient_id = $1 ORDER BY id", [t.ids.pB1]),
    rules: await q("SELECT * FROM notification_rules WHERE organization_id = $1 ORDER BY id", [
      t.ids.practiceB,
    ]),
    sensitive: await q("SELECT * FROM sensitive_facilities ORDER BY id"),
    settings: await q("SELECT * FROM organization_settings WHERE organization_id = $1", [t.ids.practiceB]),
    organization: await q("SELECT * FROM organizations WHERE id = $1", [t.ids.practiceB]),
    users: await q(
      `SELECT u.* FROM users u WHERE u.id IN (SELECT user_id FROM user_organizations WHERE organization_id = $1)
        ORDER BY u.id`,
      [t.ids.practiceB],
    ),
    userOrganizations: await q(
      "SELECT * FROM user_organizations WHERE organization_id = $1 ORDER BY user_id",
      [t.ids.practiceB],
    ),
    closures: await q("SELECT * FROM organization_closures WHERE organization_id = $1 ORDER BY day", [
      t.ids.practiceB,
    ]),
  };
}

describe("practice A cannot read or change practice B's data", () => {
  it("every /api route has a probe below (add one with every new route)", () => {
    const routes = t.app.apiRoutes
      .filter((r) => r.url.startsWith("/api/"))
      .map((r) => `${r.method} ${r.url}`);
    expect(Object.keys(PROBES).sort()).toEqual([...new Set(routes)].sort());
  });

  it("B's own users see B's data through the same routes (the probes aim at something real)", async () => {
    expect((await t.call("cmB", { url: "/api/tasks/task-b1" })).statusCode).toBe(200);
    expect((await t.call("cmB", { url: "/api/events/match-V-B1" })).body).toContain("VANTERPOOL");
    expect((await t.call("cmB", { url: `/api/patients/${t.ids.pB1}` })).body).toContain("RVP-2001");
    const list = await t.call("cmB", {
      url: `/api/care-management/high-risk-list?organizationId=${t.ids.practiceB}`,
    });
    expect(list.body).toContain("VANTERPOOL");
    expect(
      (await t.call("adminB", { url: `/api/admin/recipients/${t.ids.cmB}/preferences` })).statusCode,
    ).toBe(200);
    // B's webhook delivery and B's subscription notification of B's event, which A's probe must not see.
    const sent = await t.call("adminB", {
      url: `/api/admin/outbound-deliveries?eventId=${encodeURIComponent(eventB)}`,
    });
    expect(sent.body).toContain("out-b1");
    expect(sent.body).toContain(subscriptionB);
    // B's admin reads the Encounter and Patient B's subscription was notified of.
    const encounter = await t.call("adminB", { url: `/api/fhir/Encounter/${encounterB}` });
    expect(encounter.statusCode).toBe(200);
    expect(encounter.body).toContain("V-B1");
    const patient = await t.call("adminB", { url: `/api/fhir/Patient/${patientB}` });
    expect(patient.statusCode).toBe(200);
    expect(patient.body).toContain("VANTERPOOL");
  });

  it("each probe answers without B's data and changes nothing of B's", async () => {
    // Activity in B first, so that the access log and the lists have B rows to leak.
    await t.call("cmB", { url: "/api/tasks" });
    await t.call("cmB", { url: "/api/tasks/task-b1" });
    const before = await snapshotOfB();
    for (const [route, probe] of Object.entries(PROBES)) {
      if (probe === null) continue;
      const req = probe.request();
      const res = await t.call(probe.as, {
        method: req.method ?? "GET",
        url: req.url,
        ...(req.payload === undefined ? {} : { payload: req.payload as string }),
        ...(req.headers === undefined ? {} : { headers: req.headers }),
      });
      expect({
        route,
        status: res.statusCode,
        expected: probe.expect.includes(res.statusCode),
      }).toMatchObject({
        route,
        expected: true,
      });
      for (const marker of B_MARKERS)
        expect({ route, leaked: res.body.includes(marker) }).toEqual({ route, leaked: false });
      probe.check?.(res);
    }
    expect(await snapshotOfB()).toEqual(before);
  });

  it("A's own reference imports cannot reach B's patients or people, nor tell that they exist", async () => {
    const before = await snapshotOfB();
    const consent = (mrn: string, authority: string) =>
      t.call("adminA", {
        method: "POST",
        url: "/api/admin/consents/import?org=SFM",
        headers: { "content-type": "text/csv" },
        payload: `MRN,ID Type,ID Authority,Decision\n${mrn},MR,${authority},opt_out\n`,
      });
    const bPatient = (await consent("RVP-2001", "RVP")).json();
    const nobody = (await consent("RVP-9999", "RVP")).json();
    expect(bPatient).toMatchObject({ inserted: 0, errorCount: 1 });
    expect(bPatient.errors[0].reason).toBe(nobody.errors[0].reason);
    const rule = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/notification-rules/import?org=SFM",
      headers: { "content-type": "text/csv" },
      payload: "Recipient Email\ncm@rvp.example\n",
    });
    expect(rule.json()).toMatchObject({ inserted: 0, errorCount: 1 });
    expect(await snapshotOfB()).toEqual(before);
  });

  it("A's roster uploads cannot attach B's patient, change what B's record says, nor tell that it exists", async () => {
    const before = await snapshotOfB();
    const record = async () =>
      (
        await t.pool.query(
          `SELECT p.*, (SELECT count(*)::int FROM patient_demographics d WHERE d.patient_id = p.id) AS sources
             FROM patients p WHERE p.id = $1`,
          [t.ids.pB1],
        )
      ).rows;
    const recordBefore = await record();
    // A care-management list naming the patient by B's MRN; a panel linking A's own MRN to it.
    const FILES = {
      enrollment: (mrn: string) =>
        "MRN,ID Type,ID Authority,Last Name,First Name,DOB,Sex,Program,Status\n" +
        `${mrn},MR,RVP,IMPOSTOR,HENRIETTA,1990-01-01,F,complex-care,Active\n`,
      panel: (mrn: string) =>
        "MRN,Last Name,First Name,DOB,Sex,Insurance Member ID,Insurance Plan Code\n" +
        `SFM-7001,IMPOSTOR,HENRIETTA,1990-01-01,F,${mrn},RVP\n`,
    };
    const upload = (kind: keyof typeof FILES, mrn: string) =>
      t.call("adminA", {
        method: "POST",
        url: `/api/admin/rosters?kind=${kind}&source=sfm-${kind}&org=SFM&asOf=2026-03-01`,
        headers: { "content-type": "text/csv" },
        payload: FILES[kind](mrn),
      });
    for (const kind of ["enrollment", "panel"] as const) {
      const bPatient = (await upload(kind, "RVP-2001")).json();
      const nobody = (await upload(kind, "RVP-9999")).json();
      expect(bPatient).toMatchObject({ inserted: 0, patientsCreated: 0, errorCount: 1 });
      expect(nobody).toMatchObject({ inserted: 0, patientsCreated: 0, errorCount: 1 });
      expect(bPatient.errors[0].reason).toBe(nobody.errors[0].reason);
    }
    expect(await record()).toEqual(recordBefore);
    expect(await snapshotOfB()).toEqual(before);
  });

  it("A's lists without a filter hold none of B's patients either", async () => {
    for (const url of [
      "/api/tasks",
      "/api/admin/access-log",
      `/api/care-management/high-risk-list?organizationId=${t.ids.practiceA}`,
      `/api/care-management/high-risk-list/agenda?organizationId=${t.ids.practiceA}`,
      "/api/admin/import-runs",
      "/api/census?scope=practice",
      "/api/caseload",
    ]) {
      const res = await t.call(url.startsWith("/api/admin") ? "adminA" : "cmA", { url });
      expect(res.statusCode).toBe(200);
      for (const marker of B_MARKERS)
        expect({ url, leaked: res.body.includes(marker) }).toEqual({ url, leaked: false });
    }
  });

  it("A's registered FHIR client, with its own token, reaches none of B's subscriptions nor what they were notified of", async () => {
    const keys = await generateKeyPair("ES384");
    const registered = await t.call("adminA", {
      method: "POST",
      url: "/api/admin/fhir-clients",
      payload: {
        name: "SFM care platform",
        jwks: { keys: [{ ...(await exportJWK(keys.publicKey)), alg: "ES384" }] },
        scopes: ["system/Subscription.cruds", "system/Encounter.r", "system/Patient.r"],
      },
    });
    const { clientId, tokenUrl } = registered.json();
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: "ES384" })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(tokenUrl)
      .setExpirationTime(Math.floor(NOW.getTime() / 1000) + 120)
      .setJti(`crossorg-${clientId}`)
      .sign(keys.privateKey);
    const tokenRes = await t.app.inject({
      method: "POST",
      url: "/api/fhir/token",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({
        grant_type: "client_credentials",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion,
        scope: "system/Subscription.cruds system/Encounter.r system/Patient.r",
      }).toString(),
    });
    expect(tokenRes.statusCode).toBe(200);
    const authorization = `Bearer ${tokenRes.json().access_token}`;
    const before = await snapshotOfB();
    const sub = `/api/fhir/Subscription/${subscriptionB}`;
    for (const [method, url, expected] of [
      ["GET", sub, 404],
      ["GET", `${sub}/$status`, 404],
      ["GET", `${sub}/$events`, 404],
      ["DELETE", sub, 404],
      ["GET", `/api/fhir/Subscription?organizationId=${t.ids.practiceB}`, 200],
      ["GET", `/api/fhir/Encounter/${encounterB}`, 404],
      ["GET", `/api/fhir/Patient/${patientB}`, 404],
      ["GET", `/api/admin/fhir-clients?organizationId=${t.ids.practiceB}`, 403],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: { authorization } });
      expect({ method, url, status: res.statusCode }).toEqual({ method, url, status: expected });
      expect(res.body).not.toContain(subscriptionB);
      expect(res.body).not.toContain(clientB);
    }
    const put = await t.app.inject({
      method: "PUT",
      url: sub,
      headers: { authorization },
      payload: {
        resourceType: "Subscription",
        status: "off",
        criteria: "http://homeward.example/fhir/SubscriptionTopic/encounter-start",
        channel: { type: "rest-hook", endpoint: "https://attacker.example/fhir" },
      },
    });
    expect(put.statusCode).toBe(404);
    const state = await t.pool.query("SELECT status, endpoint FROM fhir_subscriptions WHERE id = $1", [
      subscriptionB,
    ]);
    expect(state.rows[0]).toEqual({ status: "active", endpoint: "https://hooks.rvp.example/fhir" });
    expect(await snapshotOfB()).toEqual(before);
  });

  it("A's live stream carries none of B's changes", async () => {
    const res = await t.app.inject({
      url: "/api/stream",
      headers: { authorization: `Bearer ${t.tokens.cmA}` },
      payloadAsStream: true,
    });
    expect(res.statusCode).toBe(200);
    let text = "";
    const stream = res.stream();
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      text += chunk;
    });
    await expect.poll(() => text).toContain("event: ready");
    // What the notifier and B's task changes announce for B, then a change of A's.
    await notifyWorkspaceChanged(t.pool, { organizationId: t.ids.practiceB, kind: "event" });
    await notifyWorkspaceChanged(t.pool, { organizationId: t.ids.practiceB, kind: "task" });
    await notifyWorkspaceChanged(t.pool, { organizationId: t.ids.practiceA, kind: "task" });
    await expect.poll(() => text).toContain(`"organizationId":"${t.ids.practiceA}"`);
    expect(text).not.toContain(`"organizationId":"${t.ids.practiceB}"`);
    stream.destroy();
  });
});
