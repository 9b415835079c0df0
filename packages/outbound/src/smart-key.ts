import { createPrivateKey, type KeyObject } from "node:crypto";

/**
 * The private key a `smart_backend` endpoint signs its client assertions with, as an admin pastes
 * it: PEM (PKCS#8, PKCS#1 or SEC1) or a JWK (JSON). SMART Backend Services require RS384 or ES384,
 * so an RSA key of at least 2048 bits or an EC key on P-384; the algorithm follows from the key.
 */
export type SmartKeyAlgorithm = "RS384" | "ES384";

export interface SmartSigningKey {
  key: KeyObject;
  alg: SmartKeyAlgorithm;
}

/** The key and its algorithm, or why it cannot sign SMART assertions (words for an admin, never the key). */
export function parseSmartPrivateKey(text: string): SmartSigningKey | { error: string } {
  let key: KeyObject;
  try {
    const trimmed = text.trim();
    key = trimmed.startsWith("{")
      ? createPrivateKey({ key: JSON.parse(trimmed) as Record<string, unknown> as never, format: "jwk" })
      : createPrivateKey(trimmed);
  } catch {
    return { error: "not a private key (PEM or JWK)" };
  }
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === "rsa") {
    if ((details?.modulusLength ?? 0) < 2048) return { error: "an RSA key needs at least 2048 bits" };
    return { key, alg: "RS384" };
  }
  if (key.asymmetricKeyType === "ec" && details?.namedCurve === "secp384r1") return { key, alg: "ES384" };
  return { error: "an RSA key (RS384) or an EC key on P-384 (ES384)" };
}
