-- Up Migration
-- The notifier's system of record: organization settings and closures (deadlines, PHI detail),
-- recipients' delivery preferences, transition-protocol tasks with their history and timers, and
-- every delivery with every attempt.

CREATE TABLE organization_settings (
  organization_id    bigint PRIMARY KEY REFERENCES organizations (id),
  -- How much about the patient an alert may carry (contracts AlertDetailLevel).
  alert_detail_level text NOT NULL DEFAULT 'minimal' CHECK (alert_detail_level IN ('minimal', 'limited', 'full')),
  -- date-holidays country / state whose public holidays are not business days.
  holiday_country    text NOT NULL DEFAULT 'US',
  holiday_state      text,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE organization_settings IS 'Per organization: alert detail level and holiday calendar (defaults apply without a row).';

CREATE TABLE organization_closures (
  organization_id bigint NOT NULL REFERENCES organizations (id),
  day             date NOT NULL,
  reason          text,
  PRIMARY KEY (organization_id, day)
);
COMMENT ON TABLE organization_closures IS 'Days a practice is closed beyond public holidays: not business days for its deadlines.';

CREATE TABLE recipient_preferences (
  recipient_id     bigint PRIMARY KEY REFERENCES recipients (id),
  -- [{ "eventKinds": [...]?, "riskTiers": [...]?, "channels": ["email", "pager"] }]: first match wins.
  channel_rules    jsonb NOT NULL DEFAULT '[]'::jsonb,
  email_mode       text NOT NULL DEFAULT 'realtime' CHECK (email_mode IN ('realtime', 'digest')),
  -- Local hour (recipient's time zone) the daily digest goes out.
  digest_hour      smallint NOT NULL DEFAULT 7 CHECK (digest_hour BETWEEN 0 AND 23),
  -- Quiet hours in the recipient's time zone: pages wait until they end (Priority I may page through).
  quiet_start      time,
  quiet_end        time,
  page_priority_one_in_quiet_hours boolean NOT NULL DEFAULT true,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
);
COMMENT ON TABLE recipient_preferences IS 'How a recipient wants alerts: channels by event kind and tier, quiet hours, real time or digest.';

CREATE TABLE tasks (
  id                    text PRIMARY KEY,
  organization_id       bigint NOT NULL REFERENCES organizations (id),
  patient_id            bigint NOT NULL REFERENCES patients (id),
  facility              text NOT NULL,
  visit_number          text NOT NULL,
  protocol_id           text NOT NULL,
  step_id               text NOT NULL,
  task_type             text NOT NULL,
  title                 text NOT NULL,
  status                text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'completed', 'cancelled')),
  program               text,
  risk_tier             text CHECK (risk_tier IN ('I', 'II', 'III')),
  assignee_recipient_id bigint REFERENCES recipients (id),
  trigger_event_id      text NOT NULL,
  trigger_match_id      text NOT NULL,
  triggered_at          timestamptz NOT NULL,
  opened_at             timestamptz NOT NULL DEFAULT now(),
  due_at                timestamptz NOT NULL,
  completed_at          timestamptz,
  outcome               text CHECK (outcome IN ('reached_patient', 'left_message', 'unable_to_reach', 'declined', 'not_needed')),
  completed_by          text,
  cancelled_at          timestamptz,
  cancel_reason         text,
  -- The opening alert's AlertContent (organization's detail level): reminders and escalations reuse it.
  alert_content         jsonb NOT NULL,
  updated_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (facility, visit_number, organization_id, protocol_id, step_id),
  CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
COMMENT ON TABLE tasks IS 'Transition-protocol tasks: one per (encounter, organization, protocol step). Never deleted.';
CREATE INDEX tasks_open_due_idx ON tasks (organization_id, due_at) WHERE status IN ('open', 'in_progress');
CREATE INDEX tasks_trigger_idx ON tasks (trigger_event_id);
CREATE INDEX tasks_assignee_idx ON tasks (assignee_recipient_id, status, due_at);

CREATE TABLE task_history (
  id         bigserial PRIMARY KEY,
  task_id    text NOT NULL REFERENCES tasks (id),
  at         timestamptz NOT NULL DEFAULT now(),
  -- 'notifier', 'sweeper', or the signed-in user.
  actor      text NOT NULL,
  action     text NOT NULL,
  from_status text,
  to_status  text,
  detail     jsonb
);
COMMENT ON TABLE task_history IS 'Every change to a task: opened, reminded, escalated, status changes, notes, attempts.';
CREATE INDEX task_history_task_idx ON task_history (task_id, at);

CREATE TABLE task_timers (
  task_id  text NOT NULL REFERENCES tasks (id),
  kind     text NOT NULL CHECK (kind IN ('reminder', 'escalation')),
  seq      smallint NOT NULL,
  fire_at  timestamptz NOT NULL,
  -- Who fires it, and to whom (escalations go to a role; reminders to the assignee).
  to_role  text CHECK (to_role IN ('care_manager', 'pcp', 'supervisor')),
  channel  text NOT NULL CHECK (channel IN ('email', 'pager')),
  fired_at timestamptz,
  PRIMARY KEY (task_id, kind, seq)
);
COMMENT ON TABLE task_timers IS 'Reminders before due and escalations when overdue; the sweeper fires each once.';
CREATE INDEX task_timers_due_idx ON task_timers (fire_at) WHERE fired_at IS NULL;

CREATE TABLE deliveries (
  -- The idempotency key, derived from what is delivered to whom (see delivery-ids.ts).
  id                  text PRIMARY KEY,
  purpose             text NOT NULL CHECK (purpose IN ('alert', 'retraction', 'reminder', 'escalation', 'digest')),
  channel             text NOT NULL CHECK (channel IN ('email', 'pager')),
  recipient_id        bigint NOT NULL REFERENCES recipients (id),
  organization_id     bigint NOT NULL REFERENCES organizations (id),
  match_id            text,
  event_id            text,
  task_id             text REFERENCES tasks (id),
  -- AlertContent at the organization's detail level (PHI stays in PostgreSQL, never on the queue).
  content             jsonb NOT NULL,
  status              text NOT NULL CHECK (status IN ('held', 'scheduled', 'queued', 'sent', 'failed', 'dead', 'skipped')),
  -- Scheduled (quiet hours) and held (digest) deliveries go out at this instant.
  send_after          timestamptz,
  not_after           timestamptz,
  -- Set when the job is on SQS; a queued row without it is picked up again by the sweeper.
  enqueued_at         timestamptz,
  attempts            integer NOT NULL DEFAULT 0,
  provider            text,
  provider_message_id text,
  last_error          text,
  -- The digest delivery that carried this held one.
  digest_id           text,
  -- Set when the event was taken back; a delivery not yet sent is then skipped.
  retracted_at        timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  sent_at             timestamptz,
  updated_at          timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE deliveries IS 'Every email and page Homeward plans, with its state; one row per idempotency key.';
CREATE INDEX deliveries_outbox_idx ON deliveries (created_at) WHERE status = 'queued' AND enqueued_at IS NULL;
CREATE INDEX deliveries_scheduled_idx ON deliveries (send_after) WHERE status IN ('scheduled', 'held');
CREATE INDEX deliveries_match_idx ON deliveries (match_id);
CREATE INDEX deliveries_task_idx ON deliveries (task_id);

CREATE TABLE delivery_attempts (
  id                  bigserial PRIMARY KEY,
  delivery_id         text NOT NULL REFERENCES deliveries (id),
  at                  timestamptz NOT NULL DEFAULT now(),
  -- The SQS receive count of the job this attempt handled.
  receive_count       integer NOT NULL,
  outcome             text NOT NULL CHECK (outcome IN ('sent', 'failed', 'dead', 'skipped')),
  provider            text,
  provider_message_id text,
  error_code          text,
  error_message       text
);
COMMENT ON TABLE delivery_attempts IS 'Each try at a delivery, with the provider''s answer.';
CREATE INDEX delivery_attempts_delivery_idx ON delivery_attempts (delivery_id, at);

-- Down Migration
DROP TABLE delivery_attempts;
DROP TABLE deliveries;
DROP TABLE task_timers;
DROP TABLE task_history;
DROP TABLE tasks;
DROP TABLE recipient_preferences;
DROP TABLE organization_closures;
DROP TABLE organization_settings;
