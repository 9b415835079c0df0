-- Up Migration
-- The api's own state: who may sign in (users, scoped to organizations), which organization an
-- access-log row belongs to (so a practice admin reads only their own), and what a review needs to
-- be decided and to teach the identifier cross-reference (the held event's patient block).

CREATE TABLE users (
  id             bigserial PRIMARY KEY,
  email          text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
  -- scrypt$N$r$p$salt$hash (base64url), see services/api/src/auth/passwords.ts.
  password_hash  text NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
  role           text NOT NULL CHECK (role IN ('care_manager', 'practice_admin', 'quality', 'system_admin')),
  -- A care manager's recipient row: the tasks assigned to it are theirs ("assignee=me").
  recipient_id   bigint REFERENCES recipients (id),
  active         boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  last_login_at  timestamptz
);
COMMENT ON TABLE users IS 'People who sign in to the api and dashboard; a role scoped to organizations (system_admin: all).';
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE user_organizations (
  user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  organization_id bigint NOT NULL REFERENCES organizations (id),
  PRIMARY KEY (user_id, organization_id)
);
COMMENT ON TABLE user_organizations IS 'The organizations whose patients a user may read (a practice never reads another''s).';

-- The organization whose data an audit row is about: practice admins read their own organizations' rows.
ALTER TABLE audit_log ADD COLUMN organization_id bigint REFERENCES organizations (id);
CREATE INDEX audit_log_organization_idx ON audit_log (organization_id, at DESC);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);

-- The held event's AdtPatient (identifiers, name, birth date...) as the matcher saw it: what the
-- reviewer compares with the candidates, and the identifiers a confirmation adds to the patient.
ALTER TABLE match_reviews ADD COLUMN event_patient jsonb;
ALTER TABLE match_reviews ADD COLUMN event_occurred_at timestamptz;
ALTER TABLE match_reviews ADD COLUMN event_kind text;

-- Down Migration
ALTER TABLE match_reviews DROP COLUMN event_kind;
ALTER TABLE match_reviews DROP COLUMN event_occurred_at;
ALTER TABLE match_reviews DROP COLUMN event_patient;
DROP INDEX audit_log_at_idx;
DROP INDEX audit_log_organization_idx;
ALTER TABLE audit_log DROP COLUMN organization_id;
DROP TABLE user_organizations;
DROP TABLE users;
