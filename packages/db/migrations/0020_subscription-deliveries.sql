-- Up Migration
-- FHIR Subscription event notifications go through the same outbox -> SQS -> worker path as the
-- other outbound channels (issue 17): one outbound_deliveries row per (match, subscription), written
-- in the transaction that gives the notification its event number, with every try in
-- outbound_delivery_attempts, the same backoff and the same dead-letter queue. One queue, one worker
-- loop, one attempts table and one outbox pass, so the event page and operators see every send.

ALTER TABLE outbound_deliveries
  ALTER COLUMN endpoint_id DROP NOT NULL,
  -- A subscription notification's content is its fhir_subscription_notifications row (what $events
  -- answers from); the Bundle around it carries the subscription's status at each try.
  ALTER COLUMN payload DROP NOT NULL,
  ADD COLUMN subscription_id text REFERENCES fhir_subscriptions (id),
  ADD COLUMN event_number bigint,
  ADD CONSTRAINT outbound_deliveries_target_check CHECK (
    (endpoint_id IS NULL) <> (subscription_id IS NULL)
    AND (subscription_id IS NULL) = (event_number IS NULL)
    AND (subscription_id IS NULL) = (payload IS NOT NULL)
    AND (subscription_id IS NULL OR purpose = 'notification')
  ),
  ADD CONSTRAINT outbound_deliveries_notification_fkey FOREIGN KEY (subscription_id, event_number)
    REFERENCES fhir_subscription_notifications (subscription_id, event_number),
  -- Exactly once per (match, subscription) from Homeward's side, as (match, endpoint, purpose) for endpoints.
  ADD CONSTRAINT outbound_deliveries_match_subscription_key UNIQUE (match_id, subscription_id, purpose),
  ADD CONSTRAINT outbound_deliveries_subscription_event_key UNIQUE (subscription_id, event_number);

-- A notification that is not sent (a retraction came first, or its subscription ended) is skipped.
ALTER TABLE fhir_subscription_notifications DROP CONSTRAINT fhir_subscription_notifications_status_check;
ALTER TABLE fhir_subscription_notifications ADD CONSTRAINT fhir_subscription_notifications_status_check
  CHECK (status IN ('queued', 'sent', 'failed', 'skipped'));

-- What the notifier's old retry pass would have resent: the undelivered notifications of live
-- subscriptions become queued deliveries, which the outbox pass puts on SQS. The id is the one the
-- notifier computes (packages/outbound/src/plan.ts outboundDeliveryId with `sub:<id>` as the target).
INSERT INTO outbound_deliveries (id, subscription_id, event_number, organization_id, purpose, match_id, event_id, status)
SELECT 'obd_' || left(translate(encode(sha256(convert_to(
         n.match_id || chr(31) || 'sub:' || n.subscription_id || chr(31) || 'notification', 'UTF8')), 'base64'),
         '+/=', '-_'), 26),
       n.subscription_id, n.event_number, s.organization_id, 'notification', n.match_id, n.event_id, 'queued'
  FROM fhir_subscription_notifications n JOIN fhir_subscriptions s ON s.id = n.subscription_id
 WHERE n.status IN ('queued', 'failed') AND s.status IN ('active', 'error')
ON CONFLICT DO NOTHING;

-- Down Migration
DELETE FROM outbound_delivery_attempts a USING outbound_deliveries d
 WHERE d.id = a.delivery_id AND d.subscription_id IS NOT NULL;
DELETE FROM outbound_deliveries WHERE subscription_id IS NOT NULL;
UPDATE fhir_subscription_notifications SET status = 'failed' WHERE status = 'skipped';
ALTER TABLE fhir_subscription_notifications DROP CONSTRAINT fhir_subscription_notifications_status_check;
ALTER TABLE fhir_subscription_notifications ADD CONSTRAINT fhir_subscription_notifications_status_check
  CHECK (status IN ('queued', 'sent', 'failed'));
ALTER TABLE outbound_deliveries
  DROP CONSTRAINT outbound_deliveries_subscription_event_key,
  DROP CONSTRAINT outbound_deliveries_match_subscription_key,
  DROP CONSTRAINT outbound_deliveries_notification_fkey,
  DROP CONSTRAINT outbound_deliveries_target_check,
  DROP COLUMN event_number,
  DROP COLUMN subscription_id,
  ALTER COLUMN payload SET NOT NULL,
  ALTER COLUMN endpoint_id SET NOT NULL;
