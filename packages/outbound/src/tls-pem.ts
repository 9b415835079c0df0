import { createPrivateKey, X509Certificate } from "node:crypto";

/**
 * Checks an endpoint's TLS material as an admin pastes it: the CA and the client certificate are
 * PEM certificates, the client key is a PEM private key that belongs to the certificate. Answers
 * why not in words for the admin (never the key), or undefined when it is usable.
 */
export function tlsMaterialProblem(input: {
  caPem?: string | null;
  clientCertPem?: string | null;
  clientKeyPem?: string | null;
}): { field: "caPem" | "clientCertPem" | "tlsClientKey"; message: string } | undefined {
  if (typeof input.caPem === "string" && certificateOf(input.caPem) === undefined)
    return { field: "caPem", message: "PEM CA certificates (-----BEGIN CERTIFICATE-----)" };
  if (typeof input.clientCertPem !== "string") return undefined;
  const cert = certificateOf(input.clientCertPem);
  if (cert === undefined)
    return { field: "clientCertPem", message: "a PEM certificate (-----BEGIN CERTIFICATE-----)" };
  if (typeof input.clientKeyPem !== "string") return undefined;
  try {
    if (!cert.checkPrivateKey(createPrivateKey(input.clientKeyPem)))
      return { field: "tlsClientKey", message: "this key does not belong to the client certificate" };
  } catch {
    return { field: "tlsClientKey", message: "a PEM private key" };
  }
  return undefined;
}

/** The first certificate of a PEM text (a chain or a CA bundle), or undefined. */
function certificateOf(pem: string): X509Certificate | undefined {
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) return undefined;
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}
