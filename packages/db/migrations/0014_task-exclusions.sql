-- Up Migration
-- Why a task left the quality measures' denominators ("not applicable"): the patient was admitted
-- (under any visit number), transferred on to inpatient care, died, left against advice where the
-- program excludes that, the hospital cancelled the event, or another protocol rule closed it.
-- Kept beside the status, not as a new status: every reader of tasks.status (task list, census,
-- caseload, sweeper) already treats 'cancelled' as closed. An open task that stops applying becomes
-- 'cancelled' with cancel_reason (the words) and excluded_reason (the category); a task already
-- completed keeps its status and outcome and only gets excluded_reason, as HEDIS excludes the visit
-- whatever happened on it. docs/measures.md has the rules.
ALTER TABLE tasks ADD COLUMN excluded_reason text
  CHECK (excluded_reason IN ('admitted', 'transferred', 'died', 'left-against-advice', 'event-cancelled',
                             'not-applicable'));
ALTER TABLE tasks ADD COLUMN excluded_at timestamptz;

-- Tasks cancelled before this column existed: the notifier's own reason texts say which rule it was.
UPDATE tasks SET excluded_at = cancelled_at,
       excluded_reason = CASE
         WHEN cancel_reason LIKE 'the hospital cancelled%' THEN 'event-cancelled'
         WHEN cancel_reason ~ '^(inpatient-admit|ed-to-inpatient|outpatient-to-inpatient) ' THEN 'admitted'
         ELSE 'not-applicable' END
 WHERE status = 'cancelled';

ALTER TABLE tasks ADD CONSTRAINT tasks_excluded_with_time
  CHECK ((excluded_reason IS NULL) = (excluded_at IS NULL));
-- Open work is never excluded: an exclusion closes it (or marks work already done).
ALTER TABLE tasks ADD CONSTRAINT tasks_excluded_closed
  CHECK (excluded_reason IS NULL OR status IN ('cancelled', 'completed'));
COMMENT ON COLUMN tasks.excluded_reason IS
  'Why the task is out of the quality measures (not applicable): admitted, transferred, died, left-against-advice, event-cancelled, not-applicable. Set with status cancelled, or on a completed task that an exclusion reached later.';

-- The notifier's questions at an admission or a death: this patient's tasks in this practice.
CREATE INDEX tasks_patient_idx ON tasks (organization_id, patient_id, triggered_at);

-- Down Migration
DROP INDEX tasks_patient_idx;
ALTER TABLE tasks DROP CONSTRAINT tasks_excluded_closed;
ALTER TABLE tasks DROP CONSTRAINT tasks_excluded_with_time;
ALTER TABLE tasks DROP COLUMN excluded_at;
ALTER TABLE tasks DROP COLUMN excluded_reason;
