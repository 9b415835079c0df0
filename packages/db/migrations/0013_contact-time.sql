-- Up Migration
-- When the patient was actually reached, and how: the follow-up measures count this moment, not
-- the moment somebody clicked Complete (a call on day 1 entered on day 3 is a call on day 1). Set
-- by completing a task with outcome reached_patient, or by an attempt recorded as "reached".
ALTER TABLE tasks ADD COLUMN contacted_at timestamptz;
ALTER TABLE tasks ADD COLUMN contact_method text
  CHECK (contact_method IN ('phone', 'video', 'in_person', 'message'));
-- The first recorded attempt to reach the patient (whatever its result): alert → first attempt.
ALTER TABLE tasks ADD COLUMN first_attempt_at timestamptz;
ALTER TABLE tasks ADD CONSTRAINT tasks_contact_method_with_time
  CHECK (contact_method IS NULL OR contacted_at IS NOT NULL);
COMMENT ON COLUMN tasks.contacted_at IS
  'When the patient was reached (entered by the care team, audited); null until reached.';

-- Down Migration
ALTER TABLE tasks DROP CONSTRAINT tasks_contact_method_with_time;
ALTER TABLE tasks DROP COLUMN first_attempt_at;
ALTER TABLE tasks DROP COLUMN contact_method;
ALTER TABLE tasks DROP COLUMN contacted_at;
