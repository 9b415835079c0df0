/** For other workspaces' subscription tests: the backport's constraints and a real rest-hook receiver. */
export { statusViolations, subscriptionViolations } from "./subscription-constraints.test-support.ts";
export {
  type SubscriptionReceiver,
  startSubscriptionReceiver,
} from "./subscription-receiver.test-support.ts";
export { planAndSendOnce, retryNotification } from "./subscription-send.test-support.ts";
