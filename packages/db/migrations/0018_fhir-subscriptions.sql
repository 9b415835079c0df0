-- Up Migration
-- FHIR R4 topic-based Subscriptions (Subscriptions R5 Backport IG 1.1.0, issue 17): an
-- organization's client subscribes to one of Homeward's SubscriptionTopics (encounter start,
-- encounter end) with a rest-hook channel; every notification is stored with its event number so
-- $status and $events can answer a client that missed some.

CREATE TABLE fhir_subscriptions (
  -- The FHIR Subscription.id the client sees.
  id               text PRIMARY KEY,
  organization_id  bigint NOT NULL REFERENCES organizations (id),
  topic            text NOT NULL CHECK (topic IN ('encounter-start', 'encounter-end')),
  status           text NOT NULL CHECK (status IN ('requested', 'active', 'error', 'off')),
  endpoint         text NOT NULL,
  -- Subscription.channel.header as the client gave it ("Authorization: Bearer ..."), sealed with
  -- OUTBOUND_SECRET_KEY when set; never returned.
  header_sealed    text,
  content          text NOT NULL CHECK (content IN ('empty', 'id-only', 'full-resource')),
  heartbeat_period integer CHECK (heartbeat_period > 0),
  -- The Subscription resource as stored (without the header).
  resource         jsonb NOT NULL,
  -- Event numbers are assigned here, once, in order: the last one given out.
  events_since_start bigint NOT NULL DEFAULT 0,
  last_error       text,
  last_sent_at     timestamptz,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE fhir_subscriptions IS
  'FHIR R4 backport Subscriptions of an organization''s clients to Homeward''s encounter topics.';
CREATE INDEX fhir_subscriptions_org_idx ON fhir_subscriptions (organization_id, topic) WHERE status IN ('requested', 'active', 'error');

CREATE TABLE fhir_subscription_notifications (
  subscription_id  text NOT NULL REFERENCES fhir_subscriptions (id),
  event_number     bigint NOT NULL,
  -- One notification per (matched record, subscription), whatever the redeliveries.
  match_id         text NOT NULL,
  event_id         text NOT NULL,
  occurred_at      timestamptz NOT NULL,
  -- The focus and the resources a full-resource payload carries (Encounter, Patient), as built.
  focus            jsonb NOT NULL,
  status           text NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
  response_status  text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  PRIMARY KEY (subscription_id, event_number),
  UNIQUE (subscription_id, match_id)
);
COMMENT ON TABLE fhir_subscription_notifications IS
  'Every event notification of a FHIR Subscription, by event number, for sending and for $events.';

-- Down Migration
DROP TABLE fhir_subscription_notifications;
DROP TABLE fhir_subscriptions;
