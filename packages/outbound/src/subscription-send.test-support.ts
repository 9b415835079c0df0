import type { MatchedEvent } from "@homeward/contracts";
import { topicOfEvent } from "./subscription-bundle.ts";
import {
  planSubscriptionNotifications,
  type RestHookOptions,
  sendEventNotification,
  subscriptionDeliveryId,
} from "./subscription-delivery.ts";
import { findSubscription, liveSubscriptions } from "./subscription-store.ts";

/**
 * For the api's subscription tests, which are about the api and not the queue: one matched record
 * planned exactly as the notifier plans it, then each new notification tried once with the send
 * the outbound worker uses, skipping SQS. The queue's retries, backoff and DLQ are proven in the
 * notifier's own test (services/notifier/src/subscriptions.int.test.ts).
 */
export async function planAndSendOnce(o: RestHookOptions, matched: MatchedEvent): Promise<number> {
  const topic = matched.kind === "announcement" ? topicOfEvent(matched.event.kind) : undefined;
  const subs =
    topic === undefined
      ? []
      : await liveSubscriptions(o.pool, matched.practice.organizationId, topic, o.now());
  const planned = new Set(await planSubscriptionNotifications(o.pool, matched, o.now()));
  let sent = 0;
  for (const s of subs) {
    if (!planned.has(subscriptionDeliveryId(matched.matchId, s.id))) continue;
    // Just numbered: the subscription's last event number is this notification's.
    const current = await findSubscription(o.pool, s.id);
    if (current === undefined) continue;
    if ((await sendEventNotification(o, current, current.eventsSinceStart))?.ok) sent += 1;
  }
  return sent;
}

/** One more try of a stored notification, as the queue's retry makes it. */
export async function retryNotification(
  o: RestHookOptions,
  subscriptionId: string,
  eventNumber: number,
): Promise<boolean> {
  const s = await findSubscription(o.pool, subscriptionId);
  return s === undefined ? false : ((await sendEventNotification(o, s, eventNumber))?.ok ?? false);
}
