-- Up Migration
-- OAuth 2.0 client credentials for FHIR endpoints, SMART Backend Services style (issue 17): Homeward
-- signs a client assertion JWT with the endpoint's private key and trades it at the EHR's token URL
-- for an access token. The private key (PEM or JWK) is the endpoint's sealed secret (secret_sealed),
-- never returned; what is not secret sits in clear beside it.
-- Mutual TLS for FHIR and webhook endpoints (a client certificate, its key sealed apart from the
-- other secret, and the CA the server's certificate must chain to) and MLLP over TLS for HL7 v2.

ALTER TABLE outbound_endpoints
  -- The EHR's OAuth token endpoint (the assertion's aud).
  ADD COLUMN token_url text CHECK (length(token_url) BETWEEN 1 AND 2000),
  -- The client id the EHR registered for Homeward (the assertion's iss and sub).
  ADD COLUMN client_id text CHECK (length(client_id) BETWEEN 1 AND 500),
  -- The JWT header's kid: which of the keys the EHR knows for the client signed.
  ADD COLUMN key_id text CHECK (length(key_id) BETWEEN 1 AND 200),
  -- The scope asked for; null: system/*.write.
  ADD COLUMN scope text CHECK (length(scope) BETWEEN 1 AND 1000),
  -- hl7v2_mllp: MLLP inside TLS. (FHIR and webhooks use TLS when their URL is https.)
  ADD COLUMN mllp_tls boolean NOT NULL DEFAULT false,
  -- PEM: the CA certificates the endpoint's server certificate must chain to; null: the system's.
  ADD COLUMN tls_ca text CHECK (length(tls_ca) BETWEEN 1 AND 20000),
  -- PEM: Homeward's client certificate (chain) for this endpoint; its key is sealed in tls_client_key_sealed.
  ADD COLUMN tls_client_cert text CHECK (length(tls_client_cert) BETWEEN 1 AND 20000),
  ADD COLUMN tls_client_key_sealed text,
  ADD CONSTRAINT outbound_endpoints_tls_check CHECK (
    (tls_client_cert IS NULL) = (tls_client_key_sealed IS NULL)
    AND (kind = 'hl7v2_mllp' OR NOT mllp_tls)
    AND (kind <> 'hl7v2_mllp' OR mllp_tls OR (tls_ca IS NULL AND tls_client_cert IS NULL))
  );

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
ALTER TABLE outbound_endpoints DROP CONSTRAINT outbound_endpoints_tls_check;
ALTER TABLE outbound_endpoints DROP COLUMN tls_client_key_sealed, DROP COLUMN tls_client_cert, DROP COLUMN tls_ca,
  DROP COLUMN mllp_tls;
ALTER TABLE outbound_endpoints DROP COLUMN scope, DROP COLUMN key_id, DROP COLUMN client_id, DROP COLUMN token_url;
