import type { Bundle, Encounter } from "@medplum/fhirtypes";
import { describe, expect, it } from "vitest";
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

  it("a cancel per sent notification, built from what was sent", () => {
    const matched = matchedOf(dischargeEvent());
    const [fhir, hook] = planNotifications(
      matched,
      [endpoint({ id: "1" }), endpoint({ id: "2", kind: "webhook" })],
      ctx,
    );
    const retraction = matchedOf(
      { ...dischargeEvent(), eventId: "evt-a13", kind: "cancel-discharge", trigger: "A13" },
      {
        kind: "retraction",
        matchId: "m-cancel",
        retracts: { eventId: matched.event.eventId, matchId: matched.matchId },
      },
    );
    const sent = [fhir, hook].map((d) => ({
      id: d?.id ?? "",
      endpointId: d?.endpointId ?? "",
      status: "sent",
      payload: d?.payload,
    }));
    const cancels = planRetractions(
      retraction,
      sent,
      new Map([
        ["1", endpoint({ id: "1" })],
        ["2", endpoint({ id: "2", kind: "webhook" })],
      ]),
      ctx.now,
    );
    expect(cancels.map((c) => [c.endpointId, c.purpose, c.matchId, c.eventId])).toEqual([
      ["1", "retraction", matched.matchId, "evt-a13"],
      ["2", "retraction", matched.matchId, "evt-a13"],
    ]);
    const encounter = ((cancels[0]?.payload ?? {}) as Bundle).entry?.find(
      (e) => e.resource?.resourceType === "Encounter",
    )?.resource as Encounter;
    expect(encounter.status).toBe("entered-in-error");
    expect(cancels[1]?.payload).toMatchObject({
      type: "event.retracted",
      data: { retracts: { webhookId: hook?.id, matchId: matched.matchId } },
    });
  });
});
