-- Up Migration
-- Outbound channels to other systems (issue 17): an organization's endpoints (a Da Vinci FHIR
-- notification receiver, a signed webhook, an HL7 v2 interface over MLLP), and every delivery to
-- them with every attempt. Deliveries go through the notifier's outbox -> SQS -> worker path as
-- email does, exactly once per (match, endpoint, purpose) from Homeward's side.

CREATE TABLE outbound_endpoints (
  id               bigserial PRIMARY KEY,
  organization_id  bigint NOT NULL REFERENCES organizations (id),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind             text NOT NULL CHECK (kind IN ('davinci_fhir', 'webhook', 'hl7v2_mllp')),
  -- davinci_fhir: the FHIR base (the message goes to [base]/$process-message); webhook: the URL.
  url              text,
  -- hl7v2_mllp: where the EHR's interface engine listens.
  host             text,
  port             integer CHECK (port BETWEEN 1 AND 65535),
  auth_kind        text NOT NULL CHECK (auth_kind IN ('none', 'bearer', 'webhook_secret')),
  -- The bearer token or webhook signing secret, sealed with AES-256-GCM under OUTBOUND_SECRET_KEY
  -- (`v1.<iv>.<tag>.<ciphertext>`, base64url). Never returned by the api.
  secret_sealed    text,
  -- Adt event kinds this endpoint wants (contracts AdtEventKind); empty: every kind the channel carries.
  event_kinds      text[] NOT NULL DEFAULT '{}',
  -- Care-management programs it wants; empty: every matched record, enrolled or not.
  programs         text[] NOT NULL DEFAULT '{}',
  enabled          boolean NOT NULL DEFAULT true,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, name),
  CHECK ((kind = 'hl7v2_mllp') = (host IS NOT NULL AND port IS NOT NULL)),
  CHECK ((kind = 'hl7v2_mllp') = (url IS NULL)),
  CHECK ((auth_kind = 'none') = (secret_sealed IS NULL)),
  CHECK (kind <> 'webhook' OR auth_kind = 'webhook_secret')
);
COMMENT ON TABLE outbound_endpoints IS
  'Systems an organization has Homeward notify (FHIR, webhook, HL7 v2): where, how authenticated, for which events.';
CREATE INDEX outbound_endpoints_org_idx ON outbound_endpoints (organization_id) WHERE enabled;

CREATE TABLE outbound_deliveries (
  -- Deterministic (match, endpoint, purpose): a redelivered Kafka record finds the row it made.
  id                text PRIMARY KEY,
  endpoint_id       bigint NOT NULL REFERENCES outbound_endpoints (id),
  organization_id   bigint NOT NULL REFERENCES organizations (id),
  purpose           text NOT NULL CHECK (purpose IN ('notification', 'retraction')),
  match_id          text NOT NULL,
  event_id          text NOT NULL,
  -- What is sent, built when planned (the Da Vinci Bundle, the webhook event): a resend is the same bytes' meaning.
  payload           jsonb NOT NULL,
  status            text NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'dead', 'skipped')),
  enqueued_at       timestamptz,
  attempts          integer NOT NULL DEFAULT 0,
  lease_until       timestamptz,
  last_error        text,
  -- The receiver's answer to the last try: HTTP status, FHIR response code, ACK code.
  response_status   text,
  retracted_at      timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  sent_at           timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (match_id, endpoint_id, purpose)
);
COMMENT ON TABLE outbound_deliveries IS
  'One message to one outbound endpoint per (match, endpoint, purpose), with its state and the last answer.';
CREATE INDEX outbound_deliveries_outbox_idx ON outbound_deliveries (created_at)
  WHERE status = 'queued' AND enqueued_at IS NULL;
CREATE INDEX outbound_deliveries_event_idx ON outbound_deliveries (event_id);

CREATE TABLE outbound_delivery_attempts (
  id              bigserial PRIMARY KEY,
  delivery_id     text NOT NULL REFERENCES outbound_deliveries (id),
  at              timestamptz NOT NULL DEFAULT now(),
  receive_count   integer NOT NULL,
  outcome         text NOT NULL CHECK (outcome IN ('sent', 'failed', 'dead', 'skipped')),
  response_status text,
  error_code      text,
  -- For operators: never PHI, never text the remote server sent back.
  error_message   text
);
COMMENT ON TABLE outbound_delivery_attempts IS 'Every try of an outbound delivery, as email keeps delivery_attempts.';
CREATE INDEX outbound_delivery_attempts_delivery_idx ON outbound_delivery_attempts (delivery_id, at);

-- Down Migration
DROP TABLE outbound_delivery_attempts;
DROP TABLE outbound_deliveries;
DROP TABLE outbound_endpoints;
