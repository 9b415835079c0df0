-- Up Migration
-- Facility settings in the database (onboarding a hospital feed is a screen, not a deploy) and what
-- interface analysts need to run the feeds: message counts per facility, connection and hour, the
-- connections open now, silent-feed alarms, and the messages the listener refused or the matcher
-- could not match. The SQL for every table here lives in packages/facilities (*-store.ts).

-- One FacilityMapping (packages/contracts facility-mapping.ts) per MSH-4, or per MSH-4 + MSH-3.
-- `mapping` is the mapping as the contract's zod schema parsed it (defaults filled in); the key
-- columns repeat its sendingFacility/sendingApplication so the database keeps them unique.
CREATE TABLE facilities (
  id                      bigserial PRIMARY KEY,
  sending_facility        text NOT NULL CHECK (sending_facility <> ''),
  sending_application     text CHECK (sending_application <> ''),
  mapping                 jsonb NOT NULL,
  -- An inactive facility is kept (history, alarms) but the listener refuses its messages (AR 207).
  active                  boolean NOT NULL DEFAULT true,
  -- Silent-feed alarm: who at the hospital hears of it, after how long without a message, and
  -- during which hours a message is expected (null: at all hours), in the mapping's time zone.
  interface_contact_email text CHECK (interface_contact_email ~ '^[^@\s]+@[^@\s]+$'),
  silence_minutes         integer CHECK (silence_minutes BETWEEN 5 AND 10080),
  expected_hours          jsonb,
  -- Bumped by every change: an edit made on a stale copy is refused (409), not silently merged.
  version                 integer NOT NULL DEFAULT 1,
  created_at              timestamptz NOT NULL DEFAULT now(),
  created_by              text NOT NULL,
  updated_at              timestamptz NOT NULL DEFAULT now(),
  updated_by              text NOT NULL
);
CREATE UNIQUE INDEX facilities_key ON facilities (sending_facility, coalesce(sending_application, ''));
COMMENT ON TABLE facilities IS
  'How the adt-listener reads each hospital feed (FacilityMapping v1), plus its silent-feed settings.';

-- Every change to a facility, with the settings before and after; kept when the facility is deleted.
CREATE TABLE facility_history (
  id                  bigserial PRIMARY KEY,
  facility_id         bigint NOT NULL,
  sending_facility    text NOT NULL,
  sending_application text,
  action              text NOT NULL CHECK (action IN ('created', 'updated', 'deleted', 'imported', 'seeded')),
  actor               text NOT NULL,
  at                  timestamptz NOT NULL DEFAULT now(),
  before              jsonb,
  after               jsonb
);
CREATE INDEX facility_history_facility_idx ON facility_history (facility_id, at DESC);

-- Messages per facility (MSH-4, MSH-3), connection (listener, remote address) and hour, by the
-- answer they got. AA counts AA/CA (and resends of stored messages), AE counts AE/CE, AR counts
-- AR/CR and "resend later". Written by the listener every few seconds (increments, not totals).
CREATE TABLE feed_message_stats (
  sending_facility    text NOT NULL,
  sending_application text NOT NULL,
  listener_id         text NOT NULL,
  remote_address      text NOT NULL,
  hour                timestamptz NOT NULL,
  accepted            integer NOT NULL DEFAULT 0,
  errors              integer NOT NULL DEFAULT 0,
  rejected            integer NOT NULL DEFAULT 0,
  first_message_at    timestamptz NOT NULL,
  last_message_at     timestamptz NOT NULL,
  PRIMARY KEY (sending_facility, sending_application, listener_id, remote_address, hour)
);
CREATE INDEX feed_message_stats_hour_idx ON feed_message_stats (hour);

-- ERR-3 codes (HL7 table 0357) of the AE/AR answers, counted the same way.
CREATE TABLE feed_error_counts (
  sending_facility    text NOT NULL,
  sending_application text NOT NULL,
  listener_id         text NOT NULL,
  remote_address      text NOT NULL,
  hour                timestamptz NOT NULL,
  error_code          text NOT NULL,
  -- The text of the latest such error (the listener's own words; no patient data).
  error_text          text NOT NULL,
  count               integer NOT NULL DEFAULT 0,
  PRIMARY KEY (sending_facility, sending_application, listener_id, remote_address, hour, error_code)
);

-- MLLP connections that have sent at least one message, per listener process. Open while
-- closed_at is null and the process still reports it (seen_at), which a crashed listener stops doing.
CREATE TABLE feed_connections (
  listener_instance   text NOT NULL,
  connection_id       text NOT NULL,
  listener_id         text NOT NULL,
  remote_address      text NOT NULL,
  tls                 boolean NOT NULL,
  client_certificate_subject text,
  sending_facility    text NOT NULL,
  sending_application text NOT NULL,
  opened_at           timestamptz NOT NULL,
  last_message_at     timestamptz NOT NULL,
  messages            integer NOT NULL DEFAULT 0,
  seen_at             timestamptz NOT NULL,
  closed_at           timestamptz,
  PRIMARY KEY (listener_instance, connection_id)
);
CREATE INDEX feed_connections_open_idx ON feed_connections (sending_facility) WHERE closed_at IS NULL;

-- A facility that sent nothing for its silence_minutes within its expected hours. One open alarm
-- per facility (the unique index): of several listeners, the one whose insert wins sends the email.
CREATE TABLE feed_alarms (
  id               bigserial PRIMARY KEY,
  facility_id      bigint NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
  kind             text NOT NULL DEFAULT 'silent' CHECK (kind IN ('silent')),
  opened_at        timestamptz NOT NULL,
  -- The last message before the silence (null: the facility never sent one).
  last_message_at  timestamptz,
  contact_email    text,
  notified_at      timestamptz,
  notify_attempts  integer NOT NULL DEFAULT 0,
  notify_error     text,
  cleared_at       timestamptz,
  -- The first message after the silence.
  cleared_by_message_at timestamptz
);
CREATE UNIQUE INDEX feed_alarms_open_key ON feed_alarms (facility_id, kind) WHERE cleared_at IS NULL;
CREATE INDEX feed_alarms_opened_idx ON feed_alarms (opened_at DESC);

-- What the listener refused (adt.rejected.v1, with the raw message) and what the matcher could not
-- match (adt.unmatched.v1 no-match and review, with the normalized event; suppressed events are
-- never copied here), for the interface analysts' browser. raw_base64 and event hold PHI: only the
-- interface_analyst role sees them, and every view is in the audit log.
CREATE TABLE feed_exceptions (
  id                  bigserial PRIMARY KEY,
  kind                text NOT NULL CHECK (kind IN ('rejected', 'unmatched')),
  source_topic        text NOT NULL,
  source_partition    integer NOT NULL,
  source_offset       bigint NOT NULL,
  sending_facility    text,
  sending_application text,
  control_id          text,
  message_type        text,
  received_at         timestamptz NOT NULL,
  decided_at          timestamptz NOT NULL,
  -- rejected: the answer sent and the ERR content; unmatched: no-match or review and its detail.
  ack_code            text,
  error_code          text,
  reason              text NOT NULL,
  unmatched_reason    text CHECK (unmatched_reason IN ('no-match', 'review')),
  event_id            text,
  event_kind          text,
  raw_base64          text,
  raw_charset         text,
  truncated_from      integer,
  event               jsonb,
  status              text NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'handled', 'resend_requested', 'resent', 'resend_failed')),
  handled_at          timestamptz,
  handled_by          text,
  handled_note        text,
  resend_requested_at timestamptz,
  resend_requested_by text,
  -- Taken by a listener working the request (another takes it over if this one stops for 5 minutes).
  resend_claimed_at   timestamptz,
  resent_at           timestamptz,
  resent_event_id     text,
  resend_error        text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_topic, source_partition, source_offset)
);
CREATE INDEX feed_exceptions_list_idx ON feed_exceptions (status, received_at DESC);
CREATE INDEX feed_exceptions_facility_idx ON feed_exceptions (sending_facility, received_at DESC);
CREATE INDEX feed_exceptions_resend_idx ON feed_exceptions (resend_requested_at) WHERE status = 'resend_requested';

-- Interface analysts: read facility settings and feed operations, and the only role that sees raw
-- HL7 (every view audited). Not scoped to organizations: feeds belong to hospitals, not practices.
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('care_manager', 'practice_admin', 'quality', 'system_admin', 'interface_analyst'));

-- Down Migration
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('care_manager', 'practice_admin', 'quality', 'system_admin'));
DROP TABLE feed_exceptions;
DROP TABLE feed_alarms;
DROP TABLE feed_connections;
DROP TABLE feed_error_counts;
DROP TABLE feed_message_stats;
DROP TABLE facility_history;
DROP TABLE facilities;
