-- Up Migration
-- OAuth 2.0 client credentials for FHIR endpoints, SMART Backend Services style (issue 17): Homeward
-- signs a client assertion JWT with the endpoint's private key and trades it at the EHR's token URL
-- for an access token. The private key (PEM or JWK) is the endpoint's sealed secret (secret_sealed),
-- never returned; what is not secret sits in clear beside it.

ALTER TABLE outbound_endpoints
  -- The EHR's OAuth token endpoint (the assertion's aud).
  ADD COLUMN token_url text CHECK (length(token_url) BETWEEN 1 AND 2000),
  -- The client id the EHR registered for Homeward (the assertion's iss and sub).
  ADD COLUMN client_id text CHECK (length(client_id) BETWEEN 1 AND 500),
  -- The JWT header's kid: which of the keys the EHR knows for the client signed.
  ADD COLUMN key_id text CHECK (length(key_id) BETWEEN 1 AND 200),
  -- The scope asked for; null: system/*.write.
  ADD COLUMN scope text CHECK (length(scope) BETWEEN 1 AND 1000);

ALTER TABLE outbound_endpoints DROP CONSTRAINT outbound_endpoints_auth_kind_check;
ALTER TABLE outbound_endpoints ADD CONSTRAINT outbound_endpoints_auth_kind_check
  CHECK (auth_kind IN ('none', 'bearer', 'webhook_secret', 'smart_backend'));
ALTER TABLE outbound_endpoints ADD CONSTRAINT outbound_endpoints_smart_check CHECK (
  (auth_kind = 'smart_backend') = (token_url IS NOT NULL AND client_id IS NOT NULL AND key_id IS NOT NULL)
  AND (auth_kind = 'smart_backend' OR scope IS NULL)
  AND (auth_kind <> 'smart_backend' OR kind = 'davinci_fhir')
);

-- Down Migration
ALTER TABLE outbound_endpoints DROP CONSTRAINT outbound_endpoints_smart_check;
ALTER TABLE outbound_endpoints DROP CONSTRAINT outbound_endpoints_auth_kind_check;
ALTER TABLE outbound_endpoints ADD CONSTRAINT outbound_endpoints_auth_kind_check
  CHECK (auth_kind IN ('none', 'bearer', 'webhook_secret'));
ALTER TABLE outbound_endpoints DROP COLUMN scope, DROP COLUMN key_id, DROP COLUMN client_id, DROP COLUMN token_url;
