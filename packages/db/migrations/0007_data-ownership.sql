-- Up Migration
-- Right patient, right people, nobody else (DESIGN.md, the trust model).
--
-- 1. Data has an owner. Every identifier and every demographic value is kept with its source: the
--    organization and the import (or feed, or review decision) that supplied it. An import writes
--    its own source's demographics and never changes what another source said; the `patients` row
--    holds the values of the organization that created the patient, changed only by that organization.
-- 2. Which identifiers an organization may name patients by: its own code as assigning authority
--    always; another authority only by an explicit agreement row here (a practice that may use a
--    plan's member ids, a plan that may use a hospital's MRNs it knows from claims).
-- 3. A role rule means "this patient's care-team member with that role"; alerting everyone with the
--    role in the organization is its own audience, chosen explicitly.
-- 4. Rules are effective-dated like the rest, so a replay routes by the rules in force then.

ALTER TABLE patients ADD COLUMN source_org_id bigint REFERENCES organizations (id);
COMMENT ON COLUMN patients.source_org_id IS
  'The organization whose import created the patient: only its imports change this row (NULL: created by SQL or a seed).';

ALTER TABLE patient_identifiers ADD COLUMN source_org_id bigint REFERENCES organizations (id);
ALTER TABLE patient_identifiers ADD COLUMN source text;
ALTER TABLE patient_identifiers ADD COLUMN import_run_id bigint REFERENCES import_runs (id);
COMMENT ON COLUMN patient_identifiers.source IS
  'Who said this identifier is this patient: roster:<source>, feed:merge, review:<event id>; NULL before sources were kept.';

CREATE TABLE patient_demographics (
  id            bigserial PRIMARY KEY,
  patient_id    bigint NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
  -- The organization whose file said it; NULL for what a hospital feed or a reviewer supplied.
  source_org_id bigint REFERENCES organizations (id),
  -- The roster source (import_runs.source), e.g. bluecare-attribution.
  source        text NOT NULL,
  import_run_id bigint REFERENCES import_runs (id),
  family_name   text,
  given_name    text,
  middle_name   text,
  suffix        text,
  birth_date    date,
  sex           text,
  postal_code   text,
  phone         text,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE patient_demographics IS
  'Each source''s own demographics for a patient, side by side; the matcher compares an event with every one.';
CREATE UNIQUE INDEX patient_demographics_source_key
  ON patient_demographics (patient_id, coalesce(source_org_id, 0), source);

CREATE TABLE demographic_conflicts (
  id               bigserial PRIMARY KEY,
  patient_id       bigint NOT NULL REFERENCES patients (id),
  -- The two sources that disagree (patient_demographics rows); NULL `other` is the patients row.
  demographics_id  bigint NOT NULL REFERENCES patient_demographics (id),
  other_id         bigint REFERENCES patient_demographics (id),
  -- Which fields disagree (family_name, given_name, birth_date, sex): names only, no values.
  fields           text[] NOT NULL,
  import_run_id    bigint REFERENCES import_runs (id),
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'resolved')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  decided_by       text,
  decided_at       timestamptz
);
COMMENT ON TABLE demographic_conflicts IS
  'Two sources say different things about one patient: kept side by side, for a person to look at.';
CREATE UNIQUE INDEX demographic_conflicts_pending_key
  ON demographic_conflicts (demographics_id, coalesce(other_id, 0)) WHERE status = 'pending';

CREATE TABLE organization_identifier_authorities (
  id                  bigserial PRIMARY KEY,
  organization_id     bigint NOT NULL REFERENCES organizations (id),
  -- CX-4 of the identifiers the organization may name patients by (a plan's code, a hospital's).
  assigning_authority text NOT NULL,
  -- CX-5 type (MB, MR…); NULL for every type of that authority.
  type_code           text,
  note                text,
  created_at          timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE organization_identifier_authorities IS
  'Agreements: which other authorities'' identifiers an organization''s imports may name patients by (its own code needs none).';
CREATE UNIQUE INDEX organization_identifier_authorities_key
  ON organization_identifier_authorities (organization_id, assigning_authority, coalesce(type_code, ''));

ALTER TABLE notification_rules ADD COLUMN audience text NOT NULL DEFAULT 'care_team'
  CHECK (audience IN ('care_team', 'everyone_in_role'));
COMMENT ON COLUMN notification_rules.audience IS
  'For a role rule: care_team = the patient''s own care-team member with the role; everyone_in_role = every active recipient with it (a triage inbox).';
ALTER TABLE notification_rules ADD COLUMN active_from timestamptz;
UPDATE notification_rules SET active_from = created_at;
ALTER TABLE notification_rules ALTER COLUMN active_from SET NOT NULL;
ALTER TABLE notification_rules ALTER COLUMN active_from SET DEFAULT now();
ALTER TABLE notification_rules ADD COLUMN active_to timestamptz;
UPDATE notification_rules SET active_to = now() WHERE NOT active;
COMMENT ON COLUMN notification_rules.active_to IS
  'When the rule was deactivated: events before it still route by it (replays, late messages).';

-- Down Migration
ALTER TABLE notification_rules DROP COLUMN active_to;
ALTER TABLE notification_rules DROP COLUMN active_from;
ALTER TABLE notification_rules DROP COLUMN audience;
DROP TABLE organization_identifier_authorities;
DROP TABLE demographic_conflicts;
DROP TABLE patient_demographics;
ALTER TABLE patient_identifiers DROP COLUMN import_run_id;
ALTER TABLE patient_identifiers DROP COLUMN source;
ALTER TABLE patient_identifiers DROP COLUMN source_org_id;
ALTER TABLE patients DROP COLUMN source_org_id;
