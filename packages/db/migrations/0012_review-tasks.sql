-- Up Migration
-- Tasks without an encounter: the six-month tracking-list review is opened by the calendar, not by an
-- ADT event, so it has no facility, visit number, triggering event or alert. It names the enrollment
-- row it was opened for instead. Event tasks keep all of theirs (checked), and their uniqueness per
-- (encounter, organization, protocol step) is unchanged.
ALTER TABLE tasks
  ALTER COLUMN facility DROP NOT NULL,
  ALTER COLUMN visit_number DROP NOT NULL,
  ALTER COLUMN trigger_event_id DROP NOT NULL,
  ALTER COLUMN trigger_match_id DROP NOT NULL,
  ALTER COLUMN alert_content DROP NOT NULL,
  ADD COLUMN enrollment_id bigint REFERENCES care_management_enrollments (id),
  ADD CONSTRAINT tasks_event_or_enrollment CHECK (
    (facility IS NOT NULL AND visit_number IS NOT NULL AND trigger_event_id IS NOT NULL
      AND trigger_match_id IS NOT NULL AND alert_content IS NOT NULL)
    OR (facility IS NULL AND visit_number IS NULL AND trigger_event_id IS NULL
      AND trigger_match_id IS NULL AND enrollment_id IS NOT NULL));
COMMENT ON COLUMN tasks.enrollment_id IS
  'For a task opened by the calendar (tracking-list review): the enrollment row it was opened for; NULL for event tasks.';
COMMENT ON COLUMN tasks.triggered_at IS
  'The event''s time; for a review, what its deadline counts from (going on the list, or the last completed review).';
COMMENT ON TABLE tasks IS
  'Transition-protocol tasks (one per encounter, organization and protocol step) and periodic reviews (one per enrollment, step and due date). Never deleted.';

-- One review per enrollment, step and period (its due instant), whatever the sweepers do.
CREATE UNIQUE INDEX tasks_review_period_key
  ON tasks (organization_id, protocol_id, step_id, enrollment_id, due_at) WHERE enrollment_id IS NOT NULL;
-- The sweeper's questions per patient and list: is a review open, when was the last one completed.
CREATE INDEX tasks_review_patient_idx
  ON tasks (organization_id, patient_id, protocol_id, program) WHERE facility IS NULL;
-- Who is on a tracking list now (the sweeper looks every pass).
CREATE INDEX cm_enrollments_tracking_idx
  ON care_management_enrollments (listed_by_org_id, patient_id) WHERE status = 'tracking_list';

-- Down Migration
-- Reviews cannot live in a table that needs an encounter: they go, with everything that names them.
DELETE FROM task_history WHERE task_id IN (SELECT id FROM tasks WHERE facility IS NULL);
DELETE FROM task_timers WHERE task_id IN (SELECT id FROM tasks WHERE facility IS NULL);
DELETE FROM delivery_attempts WHERE delivery_id IN (
  SELECT d.id FROM deliveries d JOIN tasks t ON t.id = d.task_id WHERE t.facility IS NULL);
DELETE FROM deliveries WHERE task_id IN (SELECT id FROM tasks WHERE facility IS NULL);
DELETE FROM tasks WHERE facility IS NULL;
DROP INDEX cm_enrollments_tracking_idx;
DROP INDEX tasks_review_patient_idx;
DROP INDEX tasks_review_period_key;
COMMENT ON TABLE tasks IS 'Transition-protocol tasks: one per (encounter, organization, protocol step). Never deleted.';
COMMENT ON COLUMN tasks.triggered_at IS NULL;
ALTER TABLE tasks
  DROP CONSTRAINT tasks_event_or_enrollment,
  DROP COLUMN enrollment_id,
  ALTER COLUMN alert_content SET NOT NULL,
  ALTER COLUMN trigger_match_id SET NOT NULL,
  ALTER COLUMN trigger_event_id SET NOT NULL,
  ALTER COLUMN visit_number SET NOT NULL,
  ALTER COLUMN facility SET NOT NULL;
