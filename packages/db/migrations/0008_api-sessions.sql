-- Up Migration
-- The api's sign-in sessions: one row per token issued by POST /api/login, named by the token's
-- jti. A request is served only while its session is open and its user active, so sign-out
-- (POST /api/logout) and disabling a user end a token at once instead of when it expires.
-- Rows are forgotten a day after their token expired (the api deletes them at sign-in).

CREATE TABLE api_sessions (
  id          uuid PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  issued_at   timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  -- Set when the session ends before its token expires; the row stays until it would have expired.
  ended_at    timestamptz,
  ended_why   text CHECK (ended_why IN ('signed_out', 'user_disabled', 'password_changed')),
  CHECK ((ended_at IS NULL) = (ended_why IS NULL))
);
COMMENT ON TABLE api_sessions IS 'Sign-in sessions of the api (one per bearer token); ended at sign-out or when the user is disabled.';
CREATE INDEX api_sessions_open_by_user_idx ON api_sessions (user_id) WHERE ended_at IS NULL;
CREATE INDEX api_sessions_expires_idx ON api_sessions (expires_at);

-- Down Migration
DROP TABLE api_sessions;
