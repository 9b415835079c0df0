import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AdtEvent, RawAdtRecord } from "@homeward/contracts";
import { ADT_A01_ADMIT } from "@homeward/hl7/fixtures";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { msaOf, startTestListener, type TestListener } from "./harness.test-support.ts";
import {
  connectRaw,
  connectRawTls,
  controlIds,
  mllpFrame,
  type RawMllpClient,
  recordsWithControlId,
  sleep,
  waitForControlIds,
  withMshField,
} from "./raw-mllp-client.test-support.ts";
import { TEST_CA, testCertPath, tlsListenerEnv, tlsPortOf } from "./tls-test-certs.test-support.ts";

const CA = TEST_CA;
const CLIENT_CERT = readFileSync(testCertPath("client.crt"));
const CLIENT_KEY = readFileSync(testCertPath("client.key"));

let t: TestListener;
let client: RawMllpClient | undefined;
const nextId = controlIds("TLS");
const admit = (id: string) => withMshField(ADT_A01_ADMIT, 10, id);

beforeAll(async () => {
  // Client certificates requested and verified against the test CA, but not required.
  t = await startTestListener("mllp-tls", tlsListenerEnv(false));
});
afterEach(async () => {
  await client?.destroy();
  client = undefined;
});
afterAll(async () => {
  await t?.stop();
});

const tlsPort = () => tlsPortOf(t);

describe("MLLP over TLS", () => {
  it("ACKs a TLS client without a certificate and records the connection as TLS", async () => {
    client = await connectRawTls(tlsPort(), { ca: CA }); // verifies the server's 127.0.0.1 SAN
    expect(client.error).toBeUndefined();
    const id = nextId();
    await client.write(mllpFrame(admit(id)));

    const [ack = ""] = await client.waitForFrames(1);
    expect(msaOf(ack)).toMatchObject({ code: "AA", controlId: id });
    const [raw] = await waitForControlIds<RawAdtRecord>(t, "adt.raw.v1", [id]);
    expect(raw?.connection).toMatchObject({ listenerId: "mllp-tls", remoteAddress: "127.0.0.1", tls: true });
    expect(raw?.connection.clientCertificateSubject).toBeUndefined();
    expect(raw?.connection.clientCertificateFingerprint).toBeUndefined();
    const [event] = await waitForControlIds<AdtEvent>(t, "adt.events.v1", [id]);
    expect(event?.eventId).toBe(raw?.eventId);
  });

  it("records the verified client certificate's subject and fingerprint when one is presented", async () => {
    client = await connectRawTls(tlsPort(), { ca: CA, cert: CLIENT_CERT, key: CLIENT_KEY });
    const ids = [nextId(), nextId()];
    await client.write(Buffer.concat(ids.map((id) => mllpFrame(admit(id)))));

    const acks = await client.waitForFrames(2);
    expect(acks.map((a) => msaOf(a))).toEqual(ids.map((controlId) => ({ code: "AA", controlId, text: "" })));
    const raws = await waitForControlIds<RawAdtRecord>(t, "adt.raw.v1", ids);
    const fingerprint = new X509Certificate(CLIENT_CERT).fingerprint256.replaceAll(":", "").toLowerCase();
    for (const raw of raws) {
      expect(raw.connection).toMatchObject({
        listenerId: "mllp-tls",
        tls: true,
        clientCertificateSubject: "test-interface-engine",
        clientCertificateFingerprint: fingerprint,
      });
    }
  });

  it("gives nothing to a plain-text MLLP client on the TLS port", async () => {
    client = await connectRaw(tlsPort());
    const id = nextId();
    await client.write(mllpFrame(admit(id)));

    await client.waitForClose(); // the TLS handshake fails and the listener drops the connection
    expect(client.frames).toEqual([]);
    // TLS clients on the same port are unaffected.
    const check = await connectRawTls(tlsPort(), { ca: CA });
    try {
      const later = nextId();
      await check.write(mllpFrame(admit(later)));
      const [ack = ""] = await check.waitForFrames(1);
      expect(msaOf(ack)).toMatchObject({ code: "AA", controlId: later });
      await waitForControlIds(t, "adt.raw.v1", [later]);
    } finally {
      await check.destroy();
    }
    await sleep(100);
    expect(recordsWithControlId(t, "adt.raw.v1", id)).toEqual([]);
  });
});
