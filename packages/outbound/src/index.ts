/**
 * @homeward/outbound: what Homeward sends to other systems, built purely (no sockets, no clock it
 * is not given): the Da Vinci notification Bundle, Standard Webhooks events and signatures, the
 * endpoint model and its secret sealing. Delivery happens in the notifier.
 */
export {
  buildNotificationBundle,
  buildRetractionBundle,
  homewardPatientIds,
  IDENTIFIER_BASE,
  type NotificationOptions,
} from "./davinci-bundle.ts";
export {
  insertOutboundDeliveries,
  leaseOutbound,
  loadOutboundForSend,
  type MatchDelivery,
  markOutboundEnqueued,
  type NewOutboundDelivery,
  type OutboundAttempt,
  type OutboundDeliverySummary,
  type OutboundJobRow,
  type OutboundPurpose,
  type OutboundSendRow,
  outboundDeliveriesOfEvent,
  outboundDeliveriesOfMatch,
  type PlannedNotification,
  pendingOutbound,
  recordOutboundAttempt,
  releaseOutbound,
  retractNotifications,
} from "./delivery-store.ts";
export {
  DEFAULT_SMART_SCOPE,
  EndpointAuthKind,
  type EndpointInterest,
  EndpointKind,
  type EndpointTls,
  EventKindList,
  endpointWants,
  type SmartBackendSettings,
} from "./endpoint.ts";
export {
  createEndpoint,
  type Endpoint,
  type EndpointConflict,
  type EndpointFields,
  enabledEndpoints,
  endpointSecret,
  endpointTlsClientKey,
  findEndpoint,
  listEndpoints,
  updateEndpoint,
} from "./endpoint-store.ts";
export {
  claimAssertionJti,
  createFhirClient,
  type FhirClient,
  findFhirClient,
  listFhirClients,
  type PublicJwk,
  setFhirClientEnabled,
} from "./fhir-client-store.ts";
export { type NotificationEvent, notificationEventOf, PROFILES, SYSTEMS } from "./fhir-codes.ts";
export { urnUuid, uuidFrom } from "./fhir-ids.ts";
export {
  findNotifiedResource,
  type NotifiedResource,
  type NotifiedResourceType,
} from "./fhir-read-store.ts";
export { buildForwardedAdt, type ForwardOptions, hl7DateTime } from "./hl7-forward.ts";
export { OUTBOUND_QUEUE, OutboundJob } from "./outbound-job.ts";
export { outboundDeliveryId, type PlanContext, planNotifications, planRetractions } from "./plan.ts";
export { endpointSecretContext, isSecretKey, openSecret, parseSecretKey, sealSecret } from "./secret-box.ts";
export { parseSmartPrivateKey, type SmartKeyAlgorithm, type SmartSigningKey } from "./smart-key.ts";
export {
  isWebhookSecret,
  newWebhookSecret,
  signWebhook,
  verifyWebhook,
  type WebhookHeaders,
  type WebhookVerification,
} from "./standard-webhooks.ts";
export {
  SUBSCRIPTION_SEARCH_LIMIT,
  type SubscriptionChange,
  searchSubscriptions,
  updateSubscription,
} from "./subscription-admin-store.ts";
export {
  buildCapabilityStatement,
  buildTopicBasic,
  TOPIC_CANONICAL_EXTENSION,
  TOPIC_PROFILE,
  topicBasics,
} from "./subscription-topic.ts";
export { tlsMaterialProblem } from "./tls-pem.ts";
export { buildRetractionWebhookEvent, buildWebhookEvent, type WebhookEvent } from "./webhook-event.ts";
