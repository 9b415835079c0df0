import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { makeTestPki } from "@homeward/local-stack/test-pki";
import { newWebhookSecret } from "@homeward/outbound";
import { type MllpReceiver, startMllpReceiver } from "@homeward/outbound/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DaVinciFhirSender } from "./davinci-fhir.sender.ts";
import { Hl7v2MllpSender } from "./hl7v2-mllp.sender.ts";
import type { OutboundTls } from "./outbound-sender.ts";
import { WebhookSender } from "./webhook.sender.ts";

// Mutual TLS for the HTTP channels and MLLP over TLS, against receivers the test starts with
// certificates from a CA it makes with openssl: the server's certificate is checked against the
// endpoint's CA, and the server takes only clients with a certificate from its CA.

let dir = "";
let pem: {
  ca: string;
  otherCa: string;
  serverKey: string;
  serverCert: string;
  clientCert: string;
  clientKey: string;
};
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hw-outbound-tls-"));
  const pki = makeTestPki(dir);
  const read = (p: string) => readFileSync(p, "utf8");
  const keystore = read(pki.brokerKeystorePem);
  pem = {
    ca: read(pki.caPem),
    otherCa: read(pki.otherCaPem),
    serverKey: keystore.slice(0, keystore.indexOf("-----BEGIN CERTIFICATE-----")),
    serverCert: keystore.slice(keystore.indexOf("-----BEGIN CERTIFICATE-----")),
    clientCert: read(pki.clientCertPem),
    clientKey: read(pki.clientKeyPem),
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** An HTTPS receiver that requires a client certificate from the test CA and remembers its CN. */
async function httpsReceiver(status: number): Promise<{ url: string; clients: string[] }> {
  const clients: string[] = [];
  const server: Server = createServer(
    { key: pem.serverKey, cert: pem.serverCert, ca: pem.ca, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      clients.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
      req.resume();
      req.on("end", () => res.writeHead(status).end());
    },
  );
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/in`, clients };
}

const mutual = (): OutboundTls => ({ ca: pem.ca, cert: pem.clientCert, key: pem.clientKey });
const fhir = new DaVinciFhirSender({ timeoutMs: 3000 });
const fhirMessage = (url: string, tls?: OutboundTls) => ({
  deliveryId: "obd_tls",
  url,
  secret: undefined,
  payload: { resourceType: "Bundle" },
  ...(tls === undefined ? {} : { tls }),
});

describe("mutual TLS for FHIR and webhook endpoints", () => {
  it("a FHIR endpoint gets Homeward's client certificate and is trusted through its own CA", async () => {
    const r = await httpsReceiver(202);
    expect(await fhir.send(fhirMessage(r.url, mutual()))).toEqual({ status: "sent", responseStatus: "202" });
    expect(r.clients).toEqual(["homeward-client"]);
  });

  it("no client certificate, or a server certificate from a CA the endpoint does not name, is not delivered", async () => {
    const r = await httpsReceiver(202);
    const noCert = await fhir.send(fhirMessage(r.url, { ca: pem.ca }));
    expect(noCert).toMatchObject({ status: "failed", retryable: true });
    const otherCa = await fhir.send(fhirMessage(r.url, { ...mutual(), ca: pem.otherCa }));
    expect(otherCa).toMatchObject({ status: "failed", retryable: true });
    const systemCas = await fhir.send(fhirMessage(r.url));
    expect(systemCas).toMatchObject({ status: "failed", retryable: true });
    expect(r.clients).toEqual([]);
  });

  it("a signed webhook goes over mutual TLS too", async () => {
    const r = await httpsReceiver(204);
    const sender = new WebhookSender({ timeoutMs: 3000, now: () => new Date() });
    const result = await sender.send({
      deliveryId: "obd_tls_hook",
      url: r.url,
      secret: newWebhookSecret(),
      payload: { type: "x" },
      tls: mutual(),
    });
    expect(result).toEqual({ status: "sent", responseStatus: "204" });
    expect(r.clients).toEqual(["homeward-client"]);
  });
});

describe("HL7 v2 over MLLP/TLS", () => {
  const adt =
    "MSH|^~\\&|HOMEWARD|HW|EHR|EHR|20260301120000+0000||ADT^A04^ADT_A01|HW0001|P|2.5.1\rEVN|A04|20260301120000\rPID|1||TEST123^^^HW^MR||TEST^SYNTHETIC\rPV1|1|E";
  const mllp = new Hl7v2MllpSender({ timeoutMs: 3000 });
  const start = async (requestCert: boolean): Promise<MllpReceiver> => {
    const r = await startMllpReceiver({
      tls: { key: pem.serverKey, cert: pem.serverCert, ca: pem.ca, requestCert, rejectUnauthorized: true },
    });
    closers.push(() => r.close());
    return r;
  };
  const send = (r: MllpReceiver, tls?: OutboundTls) =>
    mllp.send({
      deliveryId: "obd_mllps",
      url: `mllp://${r.host}:${r.port}`,
      secret: undefined,
      payload: { hl7: adt },
      ...(tls === undefined ? {} : { tls }),
    });

  it("the ADT goes inside TLS, the server checked against the endpoint's CA, and is ACKed", async () => {
    const r = await start(false);
    expect(await send(r, { ca: pem.ca })).toEqual({ status: "sent", responseStatus: "AA" });
    expect(r.accepted).toHaveLength(1);
  });

  it("an interface that wants a client certificate takes Homeward's; without it, or with the wrong CA, nothing is ACKed", async () => {
    const r = await start(true);
    expect(await send(r, mutual())).toEqual({ status: "sent", responseStatus: "AA" });
    expect(await send(r, { ca: pem.ca })).toMatchObject({ status: "failed", retryable: true });
    expect(await send(r, { ...mutual(), ca: pem.otherCa })).toMatchObject({
      status: "failed",
      retryable: true,
    });
    expect(await send(r)).toMatchObject({ status: "failed", retryable: true });
    expect(r.accepted).toHaveLength(1);
  });
});
