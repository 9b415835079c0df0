-- Up Migration
-- The census (GET /api/census) starts from encounters open now or discharged lately, then finds
-- the organizations' announcements of each (matched_events_encounter): these keep that start small.
CREATE INDEX encounters_open_idx ON encounters (started_at) WHERE status IN ('active', 'on-leave');
CREATE INDEX encounters_discharged_idx ON encounters (discharged_at) WHERE status = 'discharged';

-- What a supervisor holds each care manager's caseload against (GET /api/caseload): at most this
-- many Priority I patients, and a range for patients in all. The defaults are the coordination
-- guideline's and the Mass General programme's: about 75 Priority I and 180-220 patients in all.
ALTER TABLE organization_settings
  ADD COLUMN caseload_priority_one_target integer NOT NULL DEFAULT 75
    CHECK (caseload_priority_one_target BETWEEN 1 AND 1000),
  ADD COLUMN caseload_total_min integer NOT NULL DEFAULT 180
    CHECK (caseload_total_min BETWEEN 0 AND 5000),
  ADD COLUMN caseload_total_max integer NOT NULL DEFAULT 220
    CHECK (caseload_total_max BETWEEN 1 AND 5000),
  ADD CONSTRAINT organization_settings_caseload_range CHECK (caseload_total_min <= caseload_total_max);
COMMENT ON COLUMN organization_settings.caseload_priority_one_target IS
  'Most Priority I patients (active enrollments) one care manager should carry.';
COMMENT ON COLUMN organization_settings.caseload_total_min IS
  'Fewest patients in all (active, monitor, tracking list) one care manager should carry.';
COMMENT ON COLUMN organization_settings.caseload_total_max IS
  'Most patients in all (active, monitor, tracking list) one care manager should carry.';

-- Down Migration
DROP INDEX encounters_discharged_idx;
DROP INDEX encounters_open_idx;
ALTER TABLE organization_settings
  DROP CONSTRAINT organization_settings_caseload_range,
  DROP COLUMN caseload_total_max,
  DROP COLUMN caseload_total_min,
  DROP COLUMN caseload_priority_one_target;
