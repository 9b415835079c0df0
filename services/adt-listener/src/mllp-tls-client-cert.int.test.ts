import { readFileSync } from "node:fs";
import type { RawAdtRecord } from "@homeward/contracts";
import { ADT_A01_ADMIT } from "@homeward/hl7/fixtures";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { msaOf, startTestListener, type TestListener } from "./harness.test-support.ts";
import {
  connectRawTls,
  controlIds,
  metricValue,
  mllpFrame,
  type RawMllpClient,
  recordsWithControlId,
  waitForControlIds,
  withMshField,
} from "./raw-mllp-client.test-support.ts";

/** Synthetic test-only PKI (see test/certs/README.md). */
const cert = (name: string) => new URL(`../test/certs/${name}`, import.meta.url).pathname;
const CA = readFileSync(cert("ca.crt"));

let t: TestListener;
let client: RawMllpClient | undefined;
const nextId = controlIds("MTLS");
const admit = (id: string) => withMshField(ADT_A01_ADMIT, 10, id);

beforeAll(async () => {
  t = await startTestListener("mllp-tls-client-cert", {
    MLLP_TLS_PORT: "0",
    MLLP_TLS_CERT_FILE: cert("server.crt"),
    MLLP_TLS_KEY_FILE: cert("server.key"),
    MLLP_TLS_CLIENT_CA_FILE: cert("ca.crt"),
    MLLP_TLS_REQUIRE_CLIENT_CERT: "true",
  });
});
afterEach(async () => {
  await client?.destroy();
  client = undefined;
});
afterAll(async () => {
  await t?.stop();
});

function tlsPort(): number {
  const port = t.listener.tlsPort;
  if (port === undefined) throw new Error("the TLS listener did not start");
  return port;
}

/** Sends one message over TLS with these client credentials and expects the connection refused. */
async function expectRefused(credentials: { cert?: Buffer; key?: Buffer }) {
  const bytesRead = () =>
    metricValue(t.listener.opsPort, 'homeward_mllp_received_bytes_total{listener="mllp-tls"}');
  const before = await bytesRead();
  client = await connectRawTls(tlsPort(), { ca: CA, ...credentials });
  const id = nextId();
  // With TLS 1.3 the client's handshake completes before the server has judged its certificate,
  // so the refusal shows up as a TLS alert and a closed socket after this write.
  await client.write(mllpFrame(admit(id)));
  await client.waitForClose();
  expect(client.frames).toEqual([]);
  expect(await bytesRead()).toBe(before); // the listener never read a byte of MLLP from it
  return id;
}

describe("MLLP over TLS with client certificates required", () => {
  it("refuses a client without a certificate", async () => {
    const refused = await expectRefused({});
    // TLS 1.3: the server's "certificate required" alert (TLS 1.2 would fail the handshake itself).
    expect(client?.error?.message).toMatch(/certificate required|handshake failure/i);

    // A client with a certificate from the CA is served on the same port, and the refused
    // message never reached Kafka.
    const id = await expectAccepted();
    expect(id).not.toBe(refused);
    expect(recordsWithControlId(t, "adt.raw.v1", refused)).toEqual([]);
    expect(recordsWithControlId(t, "adt.rejected.v1", refused)).toEqual([]);
  });

  it("refuses a client whose certificate the CA did not sign", async () => {
    const refused = await expectRefused({
      cert: readFileSync(cert("rogue-client.crt")),
      key: readFileSync(cert("rogue-client.key")),
    });
    await expectAccepted();
    expect(recordsWithControlId(t, "adt.raw.v1", refused)).toEqual([]);
  });

  it("ACKs a client with a certificate signed by the CA and records its subject", async () => {
    await expectAccepted();
  });
});

async function expectAccepted(): Promise<string> {
  const ok = await connectRawTls(tlsPort(), {
    ca: CA,
    cert: readFileSync(cert("client.crt")),
    key: readFileSync(cert("client.key")),
  });
  try {
    const id = nextId();
    await ok.write(mllpFrame(admit(id)));
    const [ack = ""] = await ok.waitForFrames(1);
    expect(msaOf(ack)).toMatchObject({ code: "AA", controlId: id });
    const [raw] = await waitForControlIds<RawAdtRecord>(t, "adt.raw.v1", [id]);
    expect(raw?.connection).toMatchObject({
      listenerId: "mllp-tls",
      tls: true,
      clientCertificateSubject: "test-interface-engine",
    });
    return id;
  } finally {
    await ok.destroy();
  }
}
