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
import { TEST_CA, testCertPath, tlsListenerEnv, tlsPortOf } from "./tls-test-certs.test-support.ts";

const CA = TEST_CA;

let t: TestListener;
let client: RawMllpClient | undefined;
const nextId = controlIds("MTLS");
const admit = (id: string) => withMshField(ADT_A01_ADMIT, 10, id);

beforeAll(async () => {
  t = await startTestListener("mllp-tls-client-cert", tlsListenerEnv(true));
});
afterEach(async () => {
  await client?.destroy();
  client = undefined;
});
afterAll(async () => {
  await t?.stop();
});

const tlsPort = () => tlsPortOf(t);

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
      cert: readFileSync(testCertPath("rogue-client.crt")),
      key: readFileSync(testCertPath("rogue-client.key")),
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
    cert: readFileSync(testCertPath("client.crt")),
    key: readFileSync(testCertPath("client.key")),
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
