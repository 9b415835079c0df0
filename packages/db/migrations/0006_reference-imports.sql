-- Up Migration
-- CSV imports of the reference data besides rosters: consents (opt-outs and opt-ins), sensitive
-- facilities (42 CFR Part 2) and notification rules. Each imported row says which import run wrote
-- it and from which feed (source), so a re-import can tell its own rows from those set by hand:
-- rows with a NULL source were written by SQL or the api, and an import never changes them.

ALTER TABLE import_runs DROP CONSTRAINT import_runs_kind_check;
ALTER TABLE import_runs ADD CONSTRAINT import_runs_kind_check
  CHECK (kind IN ('attribution', 'panel', 'enrollment', 'consent', 'sensitive-facility', 'notification-rule'));
COMMENT ON TABLE import_runs IS 'Every roster and reference-list import, dry runs included, with its counts.';

-- A consent import records decisions: an opt-in closes (effective_to) the opt-outs it covers.
ALTER TABLE consents ADD COLUMN source text;
ALTER TABLE consents ADD COLUMN import_run_id bigint REFERENCES import_runs (id);
ALTER TABLE consents ADD COLUMN ended_by_run_id bigint REFERENCES import_runs (id);
-- A re-import finds the decisions it already recorded by (patient, decision, scope, day).
CREATE INDEX consents_decision_idx ON consents (patient_id, decision, effective_from);

-- A sensitive-facility file is the complete list of its source: a place the source no longer lists
-- is deactivated (active = false), never deleted.
ALTER TABLE sensitive_facilities ADD COLUMN source text;
ALTER TABLE sensitive_facilities ADD COLUMN import_run_id bigint REFERENCES import_runs (id);

-- A notification-rule file replaces the rules the organization imported before: those it no longer
-- lists are deactivated (active = false), never deleted.
ALTER TABLE notification_rules ADD COLUMN source text;
ALTER TABLE notification_rules ADD COLUMN import_run_id bigint REFERENCES import_runs (id);
ALTER TABLE notification_rules ADD COLUMN ended_by_run_id bigint REFERENCES import_runs (id);

-- Down Migration
ALTER TABLE notification_rules DROP COLUMN ended_by_run_id;
ALTER TABLE notification_rules DROP COLUMN import_run_id;
ALTER TABLE notification_rules DROP COLUMN source;
ALTER TABLE sensitive_facilities DROP COLUMN import_run_id;
ALTER TABLE sensitive_facilities DROP COLUMN source;
DROP INDEX consents_decision_idx;
ALTER TABLE consents DROP COLUMN ended_by_run_id;
ALTER TABLE consents DROP COLUMN import_run_id;
ALTER TABLE consents DROP COLUMN source;
DELETE FROM import_runs WHERE kind IN ('consent', 'sensitive-facility', 'notification-rule');
ALTER TABLE import_runs DROP CONSTRAINT import_runs_kind_check;
ALTER TABLE import_runs ADD CONSTRAINT import_runs_kind_check CHECK (kind IN ('attribution', 'panel', 'enrollment'));
COMMENT ON TABLE import_runs IS 'Every roster import, dry runs included, with its counts.';
