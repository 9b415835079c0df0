import type { Extension } from "@medplum/fhirtypes";
import { describe, expect, it } from "vitest";
import { fhirErrors } from "./fhir-validation.test-support.ts";
import { topicOfCanonical } from "./subscription-bundle.ts";
import {
  buildCapabilityStatement,
  buildTopicBasic,
  TOPIC_CANONICAL_EXTENSION,
  TOPIC_PROFILE,
  topicBasics,
} from "./subscription-topic.ts";

const ext = (list: Extension[] | undefined, suffix: string) =>
  list?.filter((e) => e.url.endsWith(suffix)) ?? [];

describe("SubscriptionTopics as R4 Basic (backport IG)", () => {
  it("each topic is a valid R4 Basic, code SubscriptionTopic, whose url is a canonical Subscription.criteria accepts", () => {
    for (const topic of topicBasics()) {
      expect(fhirErrors(topic)).toEqual([]);
      expect(topic.meta?.profile).toEqual([TOPIC_PROFILE]);
      expect(topic.code.coding?.[0]).toEqual({
        system: "http://hl7.org/fhir/fhir-types",
        code: "SubscriptionTopic",
      });
      const [url] = ext(topic.extension, "extension-SubscriptionTopic.url");
      expect(url?.valueUri).toBeDefined();
      expect(topicOfCanonical(url?.valueUri ?? "")).toBe(topic.id);
      expect(ext(topic.modifierExtension, "extension-SubscriptionTopic.status")[0]?.valueCode).toBe("active");
    }
  });

  it("the triggers are the HL7 v2 events behind the topic", () => {
    const codes = (name: "encounter-start" | "encounter-end") =>
      ext(buildTopicBasic(name).extension, "extension-SubscriptionTopic.eventTrigger").map(
        (e) => e.extension?.find((x) => x.url === "event")?.valueCodeableConcept?.coding?.[0]?.code,
      );
    expect(codes("encounter-start")).toEqual(["A01", "A04", "A06"]);
    expect(codes("encounter-end")).toEqual(["A03"]);
  });

  it("the CapabilityStatement names both topics on Subscription and the SMART token endpoint; valid R4", () => {
    const cs = buildCapabilityStatement(
      "https://homeward.example.org/api/fhir",
      new Date("2026-12-06T10:00:00Z"),
    );
    expect(fhirErrors(cs)).toEqual([]);
    const subscription = cs.rest?.[0]?.resource?.find((r) => r.type === "Subscription");
    expect(
      subscription?.extension
        ?.filter((e) => e.url === TOPIC_CANONICAL_EXTENSION)
        .map((e) => e.valueCanonical),
    ).toEqual([
      "http://homeward.example/fhir/SubscriptionTopic/encounter-start",
      "http://homeward.example/fhir/SubscriptionTopic/encounter-end",
    ]);
    expect(cs.rest?.[0]?.security?.extension?.[0]?.extension?.[0]?.valueUri).toBe(
      "https://homeward.example.org/api/fhir/token",
    );
    // The notified Encounter and Patient are readable (what an id-only notification names).
    for (const type of ["Encounter", "Patient"])
      expect(cs.rest?.[0]?.resource?.find((r) => r.type === type)?.interaction).toEqual([{ code: "read" }]);
  });
});
