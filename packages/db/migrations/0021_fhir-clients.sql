-- Up Migration
-- Registered FHIR clients of an organization (SMART Backend Services, issue 17): a system that
-- subscribes to Homeward's topics authenticates with a JWT it signs with its private key
-- (private_key_jwt); Homeward keeps only the public keys (a JWKS) and trades a good assertion for a
-- short-lived access token scoped to the client's organization.

CREATE TABLE fhir_clients (
  -- The client_id: the assertion's iss and sub.
  id               text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{8,100}$'),
  organization_id  bigint NOT NULL REFERENCES organizations (id),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- The client's public keys, {"keys": [...]}: RSA (RS384) or EC P-384 (ES384) only; no private parts.
  jwks             jsonb NOT NULL,
  -- SMART v2 scopes the client may be granted (e.g. system/Subscription.cruds).
  scopes           text[] NOT NULL CHECK (cardinality(scopes) BETWEEN 1 AND 20),
  enabled          boolean NOT NULL DEFAULT true,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE fhir_clients IS
  'FHIR clients of an organization (SMART Backend Services): public keys, allowed scopes, enabled.';
CREATE INDEX fhir_clients_org_idx ON fhir_clients (organization_id);

-- The jti of every accepted client assertion until it expires: a replayed assertion is refused.
CREATE TABLE fhir_client_assertions (
  client_id   text NOT NULL REFERENCES fhir_clients (id),
  jti         text NOT NULL CHECK (length(jti) BETWEEN 1 AND 200),
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (client_id, jti)
);
COMMENT ON TABLE fhir_client_assertions IS
  'jti of accepted SMART client assertions, kept until their exp so none is used twice.';
CREATE INDEX fhir_client_assertions_expiry_idx ON fhir_client_assertions (expires_at);

-- Down Migration
DROP TABLE fhir_client_assertions;
DROP TABLE fhir_clients;
