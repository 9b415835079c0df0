-- Up Migration
-- Admins add users from the dashboard: by a one-time link (the user chooses their own password), or
-- with a temporary password the user must change at their first sign-in. Until they do, the api
-- answers them nothing but the password change (services/api/src/auth/access-control.ts).
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN users.must_change_password IS
  'Signed in with a temporary password an admin gave: only the password change is allowed until it is done.';
ALTER TABLE users ADD COLUMN password_changed_at timestamptz;

CREATE TABLE user_invitations (
  id          bigserial PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- SHA-256 (hex) of the link's token: the token itself is shown once, to the admin, and never stored.
  token_hash  text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  -- A newer invitation or a reset replaces the open one.
  revoked_at  timestamptz
);
COMMENT ON TABLE user_invitations IS 'One-time links with which an invited user sets their password; used once, until they expire.';
CREATE INDEX user_invitations_user_idx ON user_invitations (user_id, created_at DESC);

-- Down Migration
DROP TABLE user_invitations;
ALTER TABLE users DROP COLUMN password_changed_at;
ALTER TABLE users DROP COLUMN must_change_password;
