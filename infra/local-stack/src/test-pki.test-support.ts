import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** PEM files of a throwaway PKI, all in one directory. */
export interface TestPki {
  /** The CA that signed the broker's and the client's certificates. */
  caPem: string;
  /** The broker's key and certificate in one file, as Kafka's `ssl.keystore.type=PEM` reads it. */
  brokerKeystorePem: string;
  clientCertPem: string;
  clientKeyPem: string;
  /** A CA that signed nothing here: trusting only it must fail. */
  otherCaPem: string;
}

const openssl = (args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });

function selfSignedCa(dir: string, name: string, subject: string): { pem: string; key: string } {
  const pem = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  openssl([
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", subject],
    ...["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    ...["-keyout", key, "-out", pem],
  ]);
  return { pem, key };
}

function signed(
  dir: string,
  name: string,
  ca: { pem: string; key: string },
  extensions: string,
): { pem: string; key: string } {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const pem = join(dir, `${name}.pem`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, extensions);
  openssl([
    "req",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    `/CN=${name}`,
    "-keyout",
    key,
    "-out",
    csr,
  ]);
  openssl([
    ...["x509", "-req", "-in", csr, "-CA", ca.pem, "-CAkey", ca.key, "-CAcreateserial", "-days", "2"],
    ...["-extfile", ext, "-out", pem],
  ]);
  return { pem, key };
}

/**
 * Makes a test CA, a broker certificate for 127.0.0.1 and `kafka.homeward.test`, a client
 * certificate, and an unrelated CA, with the machine's openssl (keys PKCS#8, unencrypted).
 */
export function makeTestPki(dir: string): TestPki {
  const ca = selfSignedCa(dir, "ca", "/CN=Homeward Test CA");
  const other = selfSignedCa(dir, "other-ca", "/CN=Some Other CA");
  const broker = signed(
    dir,
    "broker",
    ca,
    "subjectAltName=IP:127.0.0.1,DNS:kafka.homeward.test\nextendedKeyUsage=serverAuth,clientAuth\n",
  );
  const client = signed(dir, "homeward-client", ca, "extendedKeyUsage=clientAuth\n");
  const brokerKeystorePem = join(dir, "broker-keystore.pem");
  writeFileSync(brokerKeystorePem, readFileSync(broker.key, "utf8") + readFileSync(broker.pem, "utf8"));
  return {
    caPem: ca.pem,
    brokerKeystorePem,
    clientCertPem: client.pem,
    clientKeyPem: client.key,
    otherCaPem: other.pem,
  };
}
