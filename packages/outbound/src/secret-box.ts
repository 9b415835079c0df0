import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Endpoint secrets (bearer tokens, webhook signing secrets) at rest: AES-256-GCM under a key from
 * the environment (OUTBOUND_SECRET_KEY), a fresh 96-bit IV per seal, the endpoint's id as
 * additional data so a sealed secret copied onto another endpoint's row does not open there.
 * Sealed form: `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
 */

const VERSION = "v1";

/** The 32-byte key from its setting: 64 hex digits or base64 (url-safe or not) of 32 bytes. */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, "hex")
    : Buffer.from(trimmed, "base64");
  if (key.length !== 32)
    throw new Error("the outbound secret key must be 32 bytes (64 hex digits or base64)");
  return key;
}

/** Seals `plaintext` for the row `context` (e.g. `endpoint:17`). */
export function sealSecret(key: Buffer, context: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

/** Opens a sealed secret; throws when the key, the context or the bytes are not the ones it was sealed with. */
export function openSecret(key: Buffer, context: string, sealed: string): string {
  const [version, iv, tag, ciphertext, ...rest] = sealed.split(".");
  if (
    version !== VERSION ||
    iv === undefined ||
    tag === undefined ||
    ciphertext === undefined ||
    rest.length > 0
  )
    throw new Error("not a sealed secret");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString(
    "utf8",
  );
}

/** The sealing context of an endpoint's secret. */
export const endpointSecretContext = (endpointId: string) => `outbound-endpoint:${endpointId}`;

/** Whether `text` is a usable key (for the settings' check at start). */
export function isSecretKey(text: string): boolean {
  try {
    parseSecretKey(text);
    return true;
  } catch {
    return false;
  }
}
