/**
 * @homeward/outbound/subscriptions: FHIR R4 topic-based Subscriptions (the R5 Backport IG): the
 * topics, the Bundles, the store of subscriptions and numbered notifications, and the rest-hook sends.
 */
export {
  BACKPORT_URLS,
  buildNotificationBundle as buildSubscriptionNotification,
  buildStatusSearchset,
  buildSubscriptionStatus,
  type PayloadContent,
  type StatusType,
  type StoredNotification,
  SUBSCRIPTION_TOPICS,
  type SubscriptionRef,
  type SubscriptionStatusCode,
  type SubscriptionTopicName,
  TOPIC_BASE,
  topicOfCanonical,
  topicOfEvent,
} from "./subscription-bundle.ts";
export {
  encounterResources,
  planSubscriptionNotifications,
  postRestHook,
  type RestHookOptions,
  sendEventNotification,
  sendHandshake,
  sendHeartbeats,
  subscriptionDeliveryId,
} from "./subscription-delivery.ts";
export {
  createSubscription,
  findSubscription,
  markNotification,
  type StoredSubscription,
  storedNotifications,
  subscriptionRef,
  turnOffSubscription,
} from "./subscription-store.ts";
export { buildRetractionWebhookEvent, buildWebhookEvent, type WebhookEvent } from "./webhook-event.ts";
