-- Up Migration
-- The matcher's state: hospital encounters (facility + visit number) and the review queue of
-- possible matches a person must confirm or reject.

CREATE TABLE encounters (
  facility      text NOT NULL,
  visit_number  text NOT NULL,
  patient_id    bigint REFERENCES patients (id),
  setting       text NOT NULL CHECK (setting IN ('ed', 'inpatient', 'outpatient', 'observation', 'pre-admit')),
  status        text NOT NULL CHECK (status IN ('active', 'discharged', 'cancelled', 'on-leave')),
  started_at    timestamptz NOT NULL,
  discharged_at timestamptz,
  -- Every event of the encounter with whether it was announced or retracted (the matcher's EncounterEntry[]).
  entries       jsonb NOT NULL DEFAULT '[]'::jsonb,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (facility, visit_number)
);
COMMENT ON TABLE encounters IS 'One hospital stay or visit; an ED arrival and its discharge are one row. Never deleted.';
CREATE INDEX encounters_patient_idx ON encounters (patient_id, started_at DESC);

CREATE TABLE match_reviews (
  event_id     text PRIMARY KEY,
  facility     text NOT NULL,
  reason       text NOT NULL,
  -- Candidate patient ids with scores and explanations (no demographics are copied here).
  candidates   jsonb NOT NULL,
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
  decided_by   text,
  decided_patient_id bigint REFERENCES patients (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  decided_at   timestamptz
);
COMMENT ON TABLE match_reviews IS 'Possible matches held back from any practice until a person decides (when in doubt, do not match).';
CREATE INDEX match_reviews_pending_idx ON match_reviews (created_at) WHERE status = 'pending';

-- Down Migration
DROP TABLE match_reviews;
DROP TABLE encounters;
