import type { Basic, CapabilityStatement, Extension } from "@medplum/fhirtypes";
import { BACKPORT_URLS, SUBSCRIPTION_TOPICS, type SubscriptionTopicName } from "./subscription-bundle.ts";

/**
 * Homeward's SubscriptionTopics as FHIR R4 serves them. R4 has no SubscriptionTopic resource; the
 * Subscriptions Backport IG represents one as a `Basic` (code `SubscriptionTopic`, profile
 * `profile-SubscriptionTopic`) carrying the R5 elements as cross-version extensions — as its
 * example `Basic/r4-encounter-complete` does. Also the CapabilityStatement that names the topics
 * (`capabilitystatement-subscriptiontopic-canonical`) and the SMART token endpoint. Pure.
 */

const R5 = "http://hl7.org/fhir/5.0/StructureDefinition";
const TOPIC_EXT = `${R5}/extension-SubscriptionTopic`;
const V2_EVENT = "http://terminology.hl7.org/CodeSystem/v2-0003";
const ENCOUNTER = "http://hl7.org/fhir/StructureDefinition/Encounter";
const TOPIC_VERSION = "1.0.0";
const TOPIC_DATE = "2026-12-01";

export const TOPIC_PROFILE = `${R5}/profile-SubscriptionTopic`;
export const TOPIC_CANONICAL_EXTENSION =
  "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/capabilitystatement-subscriptiontopic-canonical";

/** The HL7 v2 events (table 0003) behind each topic, as Homeward's ADT event kinds map them. */
const TRIGGERS: Record<
  SubscriptionTopicName,
  { name: string; events: [string, string][]; description: string }
> = {
  "encounter-start": {
    name: "HomewardEncounterStart",
    events: [
      ["A01", "Admit/visit notification"],
      ["A04", "Register a patient"],
      ["A06", "Change an outpatient to an inpatient"],
    ],
    description:
      "A patient of the organization arrived at an emergency department or was admitted (ed-arrival, inpatient-admit, ed-to-inpatient, outpatient-to-inpatient), as the hospital's ADT feed told Homeward and its routing matched the patient to the organization.",
  },
  "encounter-end": {
    name: "HomewardEncounterEnd",
    events: [["A03", "Discharge/end visit"]],
    description:
      "A patient of the organization was discharged from an emergency department or the hospital (ed-discharge, discharge), as the hospital's ADT feed told Homeward and its routing matched the patient to the organization.",
  },
};

const sub = (url: string, value: Omit<Extension, "url">): Extension => ({ url, ...value });

/** One topic as an R4 `Basic` with the backport's cross-version extensions; its id is the topic's name. */
export function buildTopicBasic(name: SubscriptionTopicName): Basic {
  const topic = SUBSCRIPTION_TOPICS[name];
  const trigger = TRIGGERS[name];
  return {
    resourceType: "Basic",
    id: name,
    meta: { profile: [TOPIC_PROFILE] },
    extension: [
      sub(`${TOPIC_EXT}.url`, { valueUri: topic.url }),
      sub(`${TOPIC_EXT}.version`, { valueString: TOPIC_VERSION }),
      sub(`${TOPIC_EXT}.name`, { valueString: trigger.name }),
      sub(`${TOPIC_EXT}.title`, { valueString: topic.title }),
      sub(`${TOPIC_EXT}.date`, { valueDateTime: TOPIC_DATE }),
      sub(`${TOPIC_EXT}.description`, { valueMarkdown: trigger.description }),
      ...trigger.events.map(([code, display]) => ({
        url: `${TOPIC_EXT}.eventTrigger`,
        extension: [
          sub("description", { valueMarkdown: `HL7 v2 ${code}: ${display}` }),
          sub("event", { valueCodeableConcept: { coding: [{ system: V2_EVENT, code, display }] } }),
          sub("resource", { valueUri: ENCOUNTER }),
        ],
      })),
      {
        url: `${TOPIC_EXT}.notificationShape`,
        extension: [
          sub("resource", { valueUri: "Encounter" }),
          sub("include", { valueString: "Encounter:patient" }),
        ],
      },
    ],
    modifierExtension: [sub(`${TOPIC_EXT}.status`, { valueCode: "active" })],
    code: { coding: [{ system: "http://hl7.org/fhir/fhir-types", code: "SubscriptionTopic" }] },
  };
}

/** Every topic, in a fixed order. */
export const topicBasics = (): Basic[] =>
  (Object.keys(SUBSCRIPTION_TOPICS) as SubscriptionTopicName[]).map(buildTopicBasic);

/**
 * What Homeward's FHIR API serves (R4): Subscription with its topics, $status and $events, the
 * topics as Basic, and SMART Backend Services (the token endpoint under `base`).
 */
export function buildCapabilityStatement(base: string, date: Date): CapabilityStatement {
  const backport = "http://hl7.org/fhir/uv/subscriptions-backport";
  return {
    resourceType: "CapabilityStatement",
    status: "active",
    date: date.toISOString(),
    kind: "instance",
    instantiates: [`${backport}/CapabilityStatement/backport-subscription-server-r4`],
    software: { name: "Homeward" },
    implementation: { description: "Homeward FHIR Subscriptions (R4 backport)", url: base },
    fhirVersion: "4.0.1",
    format: ["json"],
    rest: [
      {
        mode: "server",
        security: {
          extension: [
            {
              url: "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
              extension: [sub("token", { valueUri: `${base}/token` })],
            },
          ],
          service: [
            {
              coding: [
                {
                  system: "http://terminology.hl7.org/CodeSystem/restful-security-service",
                  code: "SMART-on-FHIR",
                },
              ],
            },
          ],
          description:
            "SMART Backend Services (client_credentials, private_key_jwt); scopes system/Subscription.cruds, system/Encounter.r, system/Patient.r",
        },
        resource: [
          {
            type: "Subscription",
            extension: Object.values(SUBSCRIPTION_TOPICS).map((t) =>
              sub(TOPIC_CANONICAL_EXTENSION, { valueCanonical: t.url }),
            ),
            supportedProfile: [BACKPORT_URLS.subscription],
            interaction: [
              { code: "read" },
              { code: "create" },
              { code: "update" },
              { code: "delete" },
              { code: "search-type" },
            ],
            searchParam: [
              { name: "_id", type: "token" },
              { name: "status", type: "token" },
            ],
            operation: [
              { name: "status", definition: `${backport}/OperationDefinition/backport-subscription-status` },
              { name: "events", definition: `${backport}/OperationDefinition/backport-subscription-events` },
            ],
          },
          {
            type: "Basic",
            supportedProfile: [TOPIC_PROFILE],
            interaction: [{ code: "read" }, { code: "search-type" }],
            searchParam: [{ name: "code", type: "token" }],
          },
          // What a notification names (id-only payloads), as last notified to the reader's organization.
          { type: "Encounter", interaction: [{ code: "read" }] },
          { type: "Patient", interaction: [{ code: "read" }] },
        ],
      },
    ],
  };
}
