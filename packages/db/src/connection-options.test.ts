import { describe, expect, it } from "vitest";
import { pgConnectionOptions } from "./connection-options.ts";

const URL = "postgres://homeward@db.internal:5432/homeward";
const PEM = { ca: "CA PEM", cert: "CERT PEM", key: "KEY PEM" };

describe("pgConnectionOptions", () => {
  it("is plain TCP without TLS settings or with disable, and says so (node-postgres then reads no PGSSLMODE)", () => {
    expect(pgConnectionOptions(URL, undefined)).toEqual({ connectionString: URL, ssl: false });
    expect(pgConnectionOptions(URL, { mode: "disable" })).toEqual({ connectionString: URL, ssl: false });
  });

  it("gives each mode libpq's meaning: require does not check, verify-ca checks the chain, verify-full also the name", () => {
    expect(pgConnectionOptions(URL, { mode: "require" }).ssl).toEqual({ rejectUnauthorized: false });
    const verifyCa = pgConnectionOptions(URL, { mode: "verify-ca", ...PEM }).ssl;
    expect(verifyCa).toMatchObject({ rejectUnauthorized: true, ...PEM });
    const checkName = verifyCa === false ? undefined : verifyCa.checkServerIdentity;
    expect(checkName).toBeTypeOf("function");
    expect(checkName?.("other.host", {} as never)).toBeUndefined(); // any name passes
    const verifyFull = pgConnectionOptions(URL, { mode: "verify-full", ca: "CA PEM" }).ssl;
    expect(verifyFull).toEqual({ rejectUnauthorized: true, ca: "CA PEM" });
  });

  it("refuses a URL that still carries TLS parameters node-postgres would read its own way", () => {
    for (const parameter of ["sslmode=require", "ssl=true", "sslrootcert=/ca.pem", "uselibpqcompat=true"])
      expect(() => pgConnectionOptions(`${URL}?${parameter}`, { mode: "verify-full" })).toThrow(
        /carries .*: give TLS as settings\.tls/,
      );
    expect(pgConnectionOptions(`${URL}?application_name=x`, undefined).connectionString).toBe(
      `${URL}?application_name=x`,
    );
  });
});
