import type { Bundle, Parameters } from "@medplum/fhirtypes";
import { describe, expect, it } from "vitest";
import { fhirErrors } from "./fhir-validation.test-support.ts";
import { dischargeEvent, edArrivalEvent, matchedOf } from "./matched-fixtures.test-support.ts";
import {
  buildNotificationBundle,
  buildStatusSearchset,
  type SubscriptionRef,
  topicOfCanonical,
  topicOfEvent,
} from "./subscription-bundle.ts";
import { statusViolations, subscriptionViolations } from "./subscription-constraints.test-support.ts";
import { encounterResources } from "./subscription-delivery.ts";

const at = new Date("2026-03-09T19:31:06Z");
const sub = (content: SubscriptionRef["content"], eventsSinceStart = 0): SubscriptionRef => ({
  id: "sub-1",
  topic: "encounter-start",
  status: "active",
  content,
  eventsSinceStart,
  base: "https://homeward.example.org/api/fhir",
});
const event = (n: number) => ({
  eventNumber: n,
  occurredAt: "2026-03-09T19:30:00Z",
  resources: encounterResources(matchedOf(edArrivalEvent()), at),
});
const param = (b: Bundle, name: string) =>
  (b.entry?.[0]?.resource as Parameters | undefined)?.parameter?.find((p) => p.name === name);

describe("Subscriptions backport bundles", () => {
  it("handshake and heartbeat: history Bundles whose only entry is the status, valid R4 and backport", () => {
    for (const type of ["handshake", "heartbeat"] as const) {
      const b = buildNotificationBundle(sub("id-only"), type, [], { bundleId: `b-${type}`, timestamp: at });
      expect(fhirErrors(b)).toEqual([]);
      expect(subscriptionViolations(b, "id-only")).toEqual([]);
      expect(b.entry).toHaveLength(1);
      expect(param(b, "type")?.valueCode).toBe(type);
      expect(param(b, "topic")?.valueCanonical).toBe(
        "http://homeward.example/fhir/SubscriptionTopic/encounter-start",
      );
      expect(param(b, "subscription")?.valueReference?.reference).toBe(
        "https://homeward.example.org/api/fhir/Subscription/sub-1",
      );
    }
  });

  it("id-only event-notification: the event number and the Encounter's reference, no resources", () => {
    const b = buildNotificationBundle(sub("id-only", 2), "event-notification", [event(2)], {
      bundleId: "b-2",
      timestamp: at,
    });
    expect(fhirErrors(b)).toEqual([]);
    expect(subscriptionViolations(b, "id-only")).toEqual([]);
    expect(param(b, "events-since-subscription-start")?.valueString).toBe("2");
    const ev = param(b, "notification-event");
    expect(ev?.part?.find((p) => p.name === "event-number")?.valueString).toBe("2");
    expect(ev?.part?.find((p) => p.name === "focus")?.valueReference?.reference).toMatch(
      /^Encounter\/[0-9a-f-]{36}$/,
    );
    expect(b.entry).toHaveLength(1);
  });

  it("full-resource event-notification: the Encounter (focus) and the Patient in the Bundle, references resolved", () => {
    const b = buildNotificationBundle(sub("full-resource", 1), "event-notification", [event(1)], {
      bundleId: "b-1",
      timestamp: at,
    });
    expect(fhirErrors(b)).toEqual([]);
    expect(subscriptionViolations(b, "full-resource")).toEqual([]);
    expect(b.entry?.slice(1, 3).map((e) => e.resource?.resourceType)).toEqual(["Encounter", "Patient"]);
  });

  it("the $status answer is a searchset with a query-status SubscriptionStatus", () => {
    const b = buildStatusSearchset(sub("id-only", 5), { bundleId: "s-1", timestamp: at });
    expect(fhirErrors(b)).toEqual([]);
    const status = b.entry?.[0]?.resource as Parameters;
    expect(statusViolations(status)).toEqual([]);
    expect(status.parameter?.find((p) => p.name === "type")?.valueCode).toBe("query-status");
  });

  it("the constraints catch a broken bundle (a full-resource event whose focus is missing)", () => {
    const b = buildNotificationBundle(sub("id-only", 1), "event-notification", [event(1)], {
      bundleId: "b-x",
      timestamp: at,
    });
    expect(subscriptionViolations(b, "full-resource")).toEqual([
      expect.stringMatching(/^the focus Encounter\/.* is not in the Bundle$/),
    ]);
    expect(subscriptionViolations({ ...b, type: "collection" }, "id-only")).toContain(
      "Bundle.type is collection, not history",
    );
  });

  it("topics: admits and ED arrivals start an encounter, discharges end it; canonicals with a version", () => {
    expect(topicOfEvent("ed-arrival")).toBe("encounter-start");
    expect(topicOfEvent("inpatient-admit")).toBe("encounter-start");
    expect(topicOfEvent(dischargeEvent().kind)).toBe("encounter-end");
    expect(topicOfEvent("transfer")).toBeUndefined();
    expect(topicOfCanonical("http://homeward.example/fhir/SubscriptionTopic/encounter-end|1.0")).toBe(
      "encounter-end",
    );
    expect(topicOfCanonical("http://example.org/other")).toBeUndefined();
  });
});
