-- Up Migration
-- Every adt.matched.v1 announcement the notifier handled, per organization: what an alert's link
-- (/events/<matchId>) opens, the encounter history a care team may see, and the census. PHI stays
-- in the system of record (as tasks' alert content does); the trust model decides who reads it.
CREATE TABLE matched_events (
  match_id        text PRIMARY KEY,
  organization_id bigint NOT NULL REFERENCES organizations (id),
  patient_id      bigint NOT NULL REFERENCES patients (id),
  event_id        text NOT NULL,
  event_kind      text NOT NULL,
  facility        text NOT NULL,
  visit_number    text NOT NULL,
  occurred_at     timestamptz NOT NULL,
  copy            text NOT NULL CHECK (copy IN ('lead', 'monitor')),
  -- The whole MatchedEvent v1 record (event, practice, enrollment, recipients, flags, explanation).
  record          jsonb NOT NULL,
  -- Why the event opened no task, when it opened none (protocols NoTaskReason); null otherwise.
  no_task_reason  text,
  -- Set when a later A11/A12/A13/A38 took the event back.
  retracted_at    timestamptz,
  retraction_reason text,
  received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX matched_events_patient ON matched_events (organization_id, patient_id, occurred_at DESC);
CREATE INDEX matched_events_encounter ON matched_events (facility, visit_number);
CREATE INDEX matched_events_event ON matched_events (event_id);
COMMENT ON TABLE matched_events IS
  'Announcements of adt.matched.v1 as the notifier handled them: the event page, patient history and census.';

-- Down Migration
DROP TABLE matched_events;
