import { readFileSync } from "node:fs";
import type { TestListener } from "./harness.test-support.ts";

/** A file of the synthetic, test-only PKI (see test/certs/README.md). */
export const testCertPath = (name: string) => new URL(`../test/certs/${name}`, import.meta.url).pathname;

export const TEST_CA = readFileSync(testCertPath("ca.crt"));

/** Settings for a TLS listener with the test server certificate, asking for client certificates. */
export function tlsListenerEnv(requireClientCert: boolean): Record<string, string> {
  return {
    MLLP_TLS_PORT: "0",
    MLLP_TLS_CERT_FILE: testCertPath("server.crt"),
    MLLP_TLS_KEY_FILE: testCertPath("server.key"),
    MLLP_TLS_CLIENT_CA_FILE: testCertPath("ca.crt"),
    MLLP_TLS_REQUIRE_CLIENT_CERT: String(requireClientCert),
  };
}

/** The TLS port of a test listener; fails the test if the TLS listener did not start. */
export function tlsPortOf(t: TestListener): number {
  const port = t.listener.tlsPort;
  if (port === undefined) throw new Error("the TLS listener did not start");
  return port;
}
