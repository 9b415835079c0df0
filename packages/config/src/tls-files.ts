import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { z } from "zod";

function readable(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A path to a file this process can read, checked when the environment is parsed. */
export const readableFile = () => z.string().refine(readable, { message: "file cannot be read" });

/** Why a CA file is unusable (it holds no PEM certificate, or one that does not parse), or undefined. */
export function caFileProblem(path: string): string | undefined {
  const pem = readFileSync(path, "utf8");
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return "holds no PEM certificate (-----BEGIN CERTIFICATE-----)";
  try {
    for (const block of blocks) new X509Certificate(block);
  } catch {
    return "holds a certificate that does not parse";
  }
  return undefined;
}

/** Why a client certificate and key cannot be used together, or undefined. */
export function keyPairProblem(certPath: string, keyPath: string, certVariable: string): string | undefined {
  try {
    createSecureContext({ cert: readFileSync(certPath), key: readFileSync(keyPath) });
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code === "ERR_OSSL_X509_KEY_VALUES_MISMATCH"
      ? `is not the key of the certificate in ${certVariable}`
      : `${certVariable} and this must be a PEM certificate and its unencrypted PEM private key`;
  }
}

/** The PEM text of a file named by a variable, or undefined when the variable is not set. */
export function readPem(path: string | undefined): string | undefined {
  return path === undefined ? undefined : readFileSync(path, "utf8");
}
