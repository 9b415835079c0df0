-- Up Migration
-- Reference data the matcher resolves ADT events against: who the organizations, clinicians and
-- recipients are; which patients belong to which practice (attributions) and care-management
-- programme (enrollments); who opted out; which facilities are sensitive; who wants which alerts.
-- Dates are effective-dated as half-open ranges [effective_from, effective_to): effective_to is the
-- first day a row no longer applies, NULL while it is open. Rows are ended, never deleted.

CREATE TABLE organizations (
  id          bigserial PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('practice', 'health_plan', 'aco')),
  -- The key rosters use to name the organization ("Attributed Practice ID", the payer code).
  code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]*$'),
  name        text NOT NULL,
  -- Group NPI (practices) when known; rosters may name a practice by it instead of the code.
  npi         text UNIQUE CHECK (npi ~ '^[0-9]{10}$'),
  tin         text CHECK (tin ~ '^[0-9]{9}$'),
  -- IANA zone for business days and "next business day" deadlines.
  time_zone   text NOT NULL DEFAULT 'America/New_York',
  -- A practice's ACO (or a plan's parent), when it has one.
  parent_id   bigint REFERENCES organizations (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE organizations IS 'Practices, health plans and ACOs: who owns patients, lists and alerts.';

CREATE TABLE sites (
  id              bigserial PRIMARY KEY,
  organization_id bigint NOT NULL REFERENCES organizations (id),
  code            text NOT NULL,
  name            text NOT NULL,
  address_line    text,
  city            text,
  state           text,
  postal_code     text,
  time_zone       text,
  UNIQUE (organization_id, code)
);
COMMENT ON TABLE sites IS 'Offices of an organization; time_zone overrides the organization''s when set.';

CREATE TABLE clinicians (
  id              bigserial PRIMARY KEY,
  -- National Provider Identifier, 10 digits with a Luhn check digit (checked on import).
  npi             text NOT NULL UNIQUE CHECK (npi ~ '^[0-9]{10}$'),
  family_name     text,
  given_name      text,
  organization_id bigint REFERENCES organizations (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE clinicians IS 'Clinicians by NPI; PCPs named by rosters are created here on first sight.';

CREATE TABLE recipients (
  id              bigserial PRIMARY KEY,
  organization_id bigint NOT NULL REFERENCES organizations (id),
  clinician_id    bigint REFERENCES clinicians (id),
  role            text NOT NULL CHECK (role IN ('care_manager', 'pcp', 'supervisor')),
  display_name    text NOT NULL,
  email           text CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
  -- Pager id for WCTP or the email-to-pager gateway.
  pager_id        text,
  time_zone       text NOT NULL,
  active          boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (email IS NOT NULL OR pager_id IS NOT NULL)
);
COMMENT ON TABLE recipients IS 'People who receive alerts and work tasks: care managers, PCPs, supervisors.';
-- Enrollment lists name the care manager by e-mail, within the listing organization.
CREATE UNIQUE INDEX recipients_org_email_key ON recipients (organization_id, lower(email)) WHERE email IS NOT NULL;

CREATE TABLE patients (
  id           bigserial PRIMARY KEY,
  family_name  text,
  given_name   text,
  middle_name  text,
  birth_date   date,
  -- HL7 table 0001 code (F, M, O, U, X...), as the matcher compares with PID-8.
  sex          text,
  postal_code  text,
  -- Digits only, as the matcher compares phone numbers.
  phone        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE patients IS 'One row per person known from rosters; demographics are the latest a roster gave.';
CREATE INDEX patients_birth_date_idx ON patients (birth_date, lower(family_name));

CREATE TABLE patient_identifiers (
  id                  bigserial PRIMARY KEY,
  patient_id          bigint NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
  -- CX-4 as the AdtEvent contract carries it: the facility, payer or practice that issued the value.
  assigning_authority text NOT NULL,
  -- CX-5, HL7 table 0203: MR (medical record), MB (member), PI (patient internal)...
  type_code           text NOT NULL,
  value               text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (assigning_authority, type_code, value)
);
COMMENT ON TABLE patient_identifiers IS 'MRNs, member ids and enterprise ids; an identifier names exactly one patient.';
CREATE INDEX patient_identifiers_patient_idx ON patient_identifiers (patient_id);
-- The ADT member id (IN1-36/IN1-49) arrives without authority: look it up by value.
CREATE INDEX patient_identifiers_value_idx ON patient_identifiers (value, type_code);

CREATE TABLE import_runs (
  id              bigserial PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('attribution', 'panel', 'enrollment')),
  source          text NOT NULL,
  organization_id bigint REFERENCES organizations (id),
  file_name       text,
  preset          text,
  as_of           date NOT NULL,
  dry_run         boolean NOT NULL,
  status          text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'rejected', 'failed')),
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  rows_read       integer NOT NULL DEFAULT 0,
  rows_valid      integer NOT NULL DEFAULT 0,
  inserted        integer NOT NULL DEFAULT 0,
  updated         integer NOT NULL DEFAULT 0,
  ended           integer NOT NULL DEFAULT 0,
  unchanged       integer NOT NULL DEFAULT 0,
  error_count     integer NOT NULL DEFAULT 0,
  -- Why the whole file was refused (missing required column) or the import failed.
  message         text
);
COMMENT ON TABLE import_runs IS 'Every roster import, dry runs included, with its counts.';
CREATE INDEX import_runs_source_idx ON import_runs (kind, source, started_at DESC);

CREATE TABLE import_row_errors (
  id            bigserial PRIMARY KEY,
  import_run_id bigint NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
  line          integer NOT NULL,
  -- The column as the file names it; NULL when the whole line is at fault (e.g. a broken quote).
  column_name   text,
  value         text,
  reason        text NOT NULL
);
COMMENT ON TABLE import_row_errors IS 'Rows an import refused (may hold PHI: the value as sent); capped per run.';
CREATE INDEX import_row_errors_run_idx ON import_row_errors (import_run_id, line);

CREATE TABLE attributions (
  id               bigserial PRIMARY KEY,
  patient_id       bigint NOT NULL REFERENCES patients (id),
  practice_org_id  bigint NOT NULL REFERENCES organizations (id),
  pcp_clinician_id bigint REFERENCES clinicians (id),
  -- The roster this came from (a payer's monthly attribution file, a practice panel).
  source           text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('attribution', 'panel')),
  effective_from   date NOT NULL,
  effective_to     date,
  import_run_id    bigint REFERENCES import_runs (id),
  ended_by_run_id  bigint REFERENCES import_runs (id),
  CHECK (effective_to IS NULL OR effective_to >= effective_from)
);
COMMENT ON TABLE attributions IS 'Patient belongs to practice (with PCP) per roster source, effective-dated; ended, never deleted.';
CREATE UNIQUE INDEX attributions_open_key ON attributions (patient_id, practice_org_id, source) WHERE effective_to IS NULL;
CREATE INDEX attributions_source_open_idx ON attributions (source) WHERE effective_to IS NULL;
CREATE INDEX attributions_practice_idx ON attributions (practice_org_id, patient_id) WHERE effective_to IS NULL;

CREATE TABLE care_management_enrollments (
  id                        bigserial PRIMARY KEY,
  patient_id                bigint NOT NULL REFERENCES patients (id),
  program                   text NOT NULL,
  -- The organization whose list this row came from (plan or practice): the two sides of a combined list.
  listed_by_org_id          bigint NOT NULL REFERENCES organizations (id),
  -- The patient's practice, as the list says (a plan's list names it; a practice's list is its own).
  practice_org_id           bigint REFERENCES organizations (id),
  risk_tier                 text CHECK (risk_tier IN ('I', 'II', 'III')),
  care_manager_recipient_id bigint REFERENCES recipients (id),
  lead_organization         text CHECK (lead_organization IN ('practice', 'plan', 'joint')),
  status                    text NOT NULL CHECK (status IN ('active', 'monitor', 'tracking_list', 'ended')),
  goal                      text,
  goal_met                  boolean,
  -- The plan's predictive-model risk score; the practice's own "high risk" designation.
  plan_risk_score           numeric(10, 4),
  practice_flag             boolean,
  source                    text NOT NULL,
  effective_from            date NOT NULL,
  effective_to              date,
  import_run_id             bigint REFERENCES import_runs (id),
  ended_by_run_id           bigint REFERENCES import_runs (id),
  CHECK (effective_to IS NULL OR effective_to >= effective_from)
);
COMMENT ON TABLE care_management_enrollments IS 'Care-management programme membership per list source, effective-dated (a change ends one row, opens the next).';
CREATE UNIQUE INDEX cm_enrollments_open_key
  ON care_management_enrollments (patient_id, program, source) WHERE effective_to IS NULL;
CREATE INDEX cm_enrollments_source_open_idx ON care_management_enrollments (source) WHERE effective_to IS NULL;
CREATE INDEX cm_enrollments_listed_by_idx
  ON care_management_enrollments (listed_by_org_id, patient_id) WHERE effective_to IS NULL;

CREATE TABLE consents (
  id              bigserial PRIMARY KEY,
  patient_id      bigint NOT NULL REFERENCES patients (id),
  decision        text NOT NULL CHECK (decision IN ('opt_out', 'opt_in')),
  -- NULL organization: applies to every organization.
  organization_id bigint REFERENCES organizations (id),
  -- NULL program: applies to every programme.
  program         text,
  effective_from  date NOT NULL,
  effective_to    date,
  recorded_by     text NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  note            text,
  CHECK (effective_to IS NULL OR effective_to >= effective_from)
);
COMMENT ON TABLE consents IS 'A patient''s opt-outs (and opt-ins back); the matcher suppresses alerts an opt-out covers.';
CREATE INDEX consents_patient_idx ON consents (patient_id, effective_from);

CREATE TABLE sensitive_facilities (
  id                  bigserial PRIMARY KEY,
  -- MSH-4 (and MSH-3 when set) as the facility mapping keys it.
  sending_facility    text NOT NULL,
  sending_application text NOT NULL DEFAULT '',
  -- PV1-3 point of care / location; '' for the whole facility.
  location            text NOT NULL DEFAULT '',
  reason              text NOT NULL DEFAULT '42 CFR Part 2',
  active              boolean NOT NULL DEFAULT true,
  UNIQUE (sending_facility, sending_application, location)
);
COMMENT ON TABLE sensitive_facilities IS 'Substance-use treatment programmes (42 CFR Part 2) and similar: events there are suppressed.';

CREATE TABLE notification_rules (
  id              bigserial PRIMARY KEY,
  -- Whose rule (the practice or plan receiving).
  organization_id bigint NOT NULL REFERENCES organizations (id),
  -- A named recipient, or everyone of a role in the organization (the patient's care manager when 'care_manager').
  recipient_id    bigint REFERENCES recipients (id),
  recipient_role  text CHECK (recipient_role IN ('care_manager', 'pcp', 'supervisor')),
  -- AdtEventKind values (contracts); NULL means every kind.
  event_kinds     text[] CHECK (cardinality(event_kinds) > 0),
  -- NULL: attributed patients whatever their programme; otherwise only enrolled in these programmes.
  programs        text[] CHECK (cardinality(programs) > 0),
  risk_tiers      text[] CHECK (cardinality(risk_tiers) > 0 AND risk_tiers <@ ARRAY['I', 'II', 'III']),
  -- Sending facilities (MSH-4); NULL means all.
  facilities      text[] CHECK (cardinality(facilities) > 0),
  channel         text NOT NULL CHECK (channel IN ('email', 'pager')),
  active          boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((recipient_id IS NULL) <> (recipient_role IS NULL))
);
COMMENT ON TABLE notification_rules IS 'Who receives which event kinds, for which programmes, tiers and facilities, by which channel.';
CREATE INDEX notification_rules_org_idx ON notification_rules (organization_id) WHERE active;

-- Down Migration
DROP TABLE notification_rules;
DROP TABLE sensitive_facilities;
DROP TABLE consents;
DROP TABLE care_management_enrollments;
DROP TABLE attributions;
DROP TABLE import_row_errors;
DROP TABLE import_runs;
DROP TABLE patient_identifiers;
DROP TABLE patients;
DROP TABLE recipients;
DROP TABLE clinicians;
DROP TABLE sites;
DROP TABLE organizations;
