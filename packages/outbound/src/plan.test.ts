import type { AdtEvent, MatchedEvent } from "@homeward/contracts";
import type { Bundle, Encounter, MessageHeader } from "@medplum/fhirtypes";
import { describe, expect, it } from "vitest";
import { daVinciViolations } from "./davinci-constraints.test-support.ts";
import type { NewOutboundDelivery } from "./delivery-store.ts";
import type { Endpoint } from "./endpoint-store.ts";
import { dischargeEvent, edArrivalEvent, matchedOf } from "./matched-fixtures.test-support.ts";
import { outboundDeliveryId, planNotifications, planRetractions } from "./plan.ts";

const endpoint = (over: Partial<Endpoint>): Endpoint => ({
  id: "1",
  organizationId: "1",
  name: "EHR",
  kind: "davinci_fhir",
  url: "https://ehr.example/fhir",
  host: null,
  port: null,
  authKind: "none",
  smart: null,
  tls: { mllpTls: false, caPem: null, clientCertPem: null },
  hasTlsClientKey: false,
  hasSecret: false,
  eventKinds: [],
  programs: [],
  enabled: true,
  createdBy: "test",
  createdAt: "2026-03-01T00:00:00.000Z",
  updatedAt: "2026-03-01T00:00:00.000Z",
  ...over,
});
const ctx = {
  now: new Date("2026-03-09T19:31:06Z"),
  source: { name: "Homeward", endpoint: "https://homeward.test" },
};

describe("planning outbound deliveries", () => {
  it("one per endpoint of the record's organization that wants the kind and the program", () => {
    const matched = matchedOf(dischargeEvent());
    const planned = planNotifications(
      matched,
      [
        endpoint({ id: "1" }),
        endpoint({ id: "2", kind: "webhook" }),
        endpoint({ id: "3", organizationId: "2" }),
        endpoint({ id: "4", enabled: false }),
        endpoint({ id: "5", programs: ["bh-only"] }),
        endpoint({ id: "6", programs: ["complex-care"], eventKinds: ["discharge"] }),
        endpoint({ id: "7", eventKinds: ["ed-arrival"] }),
        endpoint({ id: "8", kind: "hl7v2_mllp", url: null, host: "ehr", port: 6661 }),
      ],
      ctx,
    );
    expect(planned.map((p) => p.endpointId)).toEqual(["1", "2", "6", "8"]);
    expect(((planned[3]?.payload ?? {}) as { hl7?: string }).hl7).toMatch(
      /^MSH\|\^~\\&\|HOMEWARD\|NORTHGEN\|\|SFM\|/,
    );
    expect(planned[0]).toMatchObject({
      id: outboundDeliveryId(matched.matchId, "1", "notification"),
      purpose: "notification",
      status: "queued",
    });
    expect(planned[1]?.payload).toMatchObject({ type: "encounter.discharge" });
  });

  it("no Da Vinci message for a kind the IG has no event for; a webhook still gets it", () => {
    const update = matchedOf({ ...dischargeEvent(), kind: "update", trigger: "A08" });
    const planned = planNotifications(
      update,
      [endpoint({ id: "1" }), endpoint({ id: "2", kind: "webhook" })],
      ctx,
    );
    expect(planned.map((p) => p.endpointId)).toEqual(["2"]);
    const unenrolled = matchedOf(edArrivalEvent(), { enrollment: undefined });
    expect(planNotifications(unenrolled, [endpoint({ programs: ["complex-care"] })], ctx)).toEqual([]);
  });

  it("a backfill is recorded as skipped with its reason", () => {
    const planned = planNotifications(matchedOf(dischargeEvent()), [endpoint({})], {
      ...ctx,
      skipReason: "stale",
    });
    expect(planned[0]).toMatchObject({ status: "skipped", lastError: "stale" });
  });

  const retractionOf = (
    matched: MatchedEvent,
    kind: AdtEvent["kind"],
    trigger: string,
    status: MatchedEvent["encounter"]["status"],
  ) =>
    matchedOf(
      { ...matched.event, eventId: `evt-${trigger}`, kind, trigger, controlId: `CTRL-${trigger}` },
      {
        kind: "retraction",
        matchId: `m-cancel-${trigger}`,
        retracts: { eventId: matched.event.eventId, matchId: matched.matchId },
        encounter: { ...matched.encounter, status },
      },
    );
  const endpoints = new Map([
    ["1", endpoint({ id: "1" })],
    ["2", endpoint({ id: "2", kind: "webhook" })],
    ["3", endpoint({ id: "3", kind: "hl7v2_mllp", url: null, host: "ehr", port: 6661 })],
  ]);
  const sentOf = (planned: NewOutboundDelivery[]) =>
    planned.map((d) => ({ id: d.id, endpointId: d.endpointId, status: "sent", payload: d.payload }));
  const encounterIn = (payload: unknown) =>
    ((payload ?? {}) as Bundle).entry?.find((e) => e.resource?.resourceType === "Encounter")
      ?.resource as Encounter;

  it("an A13 per sent notification, on each channel saying the discharge is undone", () => {
    const matched = matchedOf(dischargeEvent());
    const planned = planNotifications(matched, [...endpoints.values()], ctx);
    const retraction = retractionOf(matched, "cancel-discharge", "A13", "active");
    const [fhir, hook, hl7] = planRetractions(retraction, sentOf(planned), endpoints, ctx.now);
    expect([fhir, hook, hl7].map((c) => [c?.endpointId, c?.purpose, c?.matchId, c?.eventId])).toEqual([
      ["1", "retraction", matched.matchId, "evt-A13"],
      ["2", "retraction", matched.matchId, "evt-A13"],
      ["3", "retraction", matched.matchId, "evt-A13"],
    ]);
    // Da Vinci: the discharge message again, its Encounter in progress, the A13 its reason.
    const encounter = encounterIn(fhir?.payload);
    expect(encounter.status).toBe("in-progress");
    expect(encounter.period?.end).toBeUndefined();
    const header = ((fhir?.payload ?? {}) as Bundle).entry?.[0]?.resource as MessageHeader;
    expect(header.eventCoding?.code).toBe("notification-discharge");
    expect(header.reason?.coding?.[0]?.code).toBe("A13");
    expect(daVinciViolations(fhir?.payload as Bundle)).toEqual([]);
    // Webhook: names the webhook and what it announced, and the encounter as it now stands.
    expect(hook?.payload).toMatchObject({
      type: "event.retracted",
      data: {
        kind: "cancel-discharge",
        trigger: "A13",
        retracts: {
          webhookId: planned[1]?.id,
          matchId: matched.matchId,
          type: "encounter.discharge",
          kind: "discharge",
        },
        encounter: { visitNumber: "V20260301", status: "active" },
      },
    });
    // HL7 v2: the hospital's own A13, under the cancel's delivery id.
    const msh = ((hl7?.payload ?? {}) as { hl7?: string }).hl7?.split("\r")[0]?.split("|");
    expect([msh?.[8], msh?.[9]]).toEqual(["ADT^A13^ADT_A03", hl7?.id]);
  });

  it("an A11 voids the admit (entered-in-error); the webhook says the encounter is cancelled", () => {
    const matched = matchedOf(edArrivalEvent());
    const planned = planNotifications(matched, [...endpoints.values()], ctx);
    const retraction = retractionOf(matched, "cancel-admit", "A11", "cancelled");
    const [fhir, hook, hl7] = planRetractions(retraction, sentOf(planned), endpoints, ctx.now);
    expect(encounterIn(fhir?.payload).status).toBe("entered-in-error");
    expect(hook?.payload).toMatchObject({
      data: {
        retracts: { type: "encounter.ed-arrival", kind: "ed-arrival" },
        encounter: { status: "cancelled" },
      },
    });
    expect(((hl7?.payload ?? {}) as { hl7?: string }).hl7).toContain("|ADT^A11^");
  });

  it("nothing for a notification that was not sent, nor for an endpoint gone since", () => {
    const matched = matchedOf(dischargeEvent());
    const planned = planNotifications(matched, [...endpoints.values()], ctx);
    const retraction = retractionOf(matched, "cancel-discharge", "A13", "active");
    expect(planRetractions(retraction, [], endpoints, ctx.now)).toEqual([]);
    expect(planRetractions(retraction, sentOf(planned), new Map(), ctx.now)).toEqual([]);
    expect(planRetractions(matched, sentOf(planned), endpoints, ctx.now)).toEqual([]);
  });
});
