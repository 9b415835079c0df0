import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** A throwaway certificate authority in `dir`, made with the machine's openssl (P-256 keys, valid one day). */
export interface TestCa {
  /** The CA's certificate (PEM): what a client trusts. */
  caFile: string;
  /**
   * A certificate signed by this CA for the names given (`DNS:localhost`, `IP:127.0.0.1`), usable
   * by a server and a client (a client certificate's CN is its user name).
   */
  issue(name: string, subjectAltNames: readonly string[]): { certFile: string; keyFile: string };
}

const openssl = (args: readonly string[]) => execFileSync("openssl", args, { stdio: "pipe" });
const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

export function makeTestCa(dir: string, label: string): TestCa {
  const file = (name: string) => join(dir, `${label}-${name}`);
  const caFile = file("ca.pem");
  const caKey = file("ca.key");
  openssl([
    "req",
    "-x509",
    ...EC_KEY,
    "-days",
    "1",
    "-subj",
    `/CN=Homeward test CA ${label}`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
    "-keyout",
    caKey,
    "-out",
    caFile,
  ]);
  return {
    caFile,
    issue(name, subjectAltNames) {
      const keyFile = file(`${name}.key`);
      const certFile = file(`${name}.pem`);
      const csr = file(`${name}.csr`);
      const ext = file(`${name}.ext`);
      writeFileSync(
        ext,
        [
          "basicConstraints=CA:FALSE",
          "keyUsage=critical,digitalSignature,keyEncipherment",
          "extendedKeyUsage=serverAuth,clientAuth",
          ...(subjectAltNames.length > 0 ? [`subjectAltName=${subjectAltNames.join(",")}`] : []),
        ].join("\n"),
      );
      openssl(["req", "-new", ...EC_KEY, "-subj", `/CN=${name}`, "-keyout", keyFile, "-out", csr]);
      openssl([
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        caFile,
        "-CAkey",
        caKey,
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        ext,
        "-out",
        certFile,
      ]);
      return { certFile, keyFile };
    },
  };
}
