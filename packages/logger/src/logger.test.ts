import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./index.ts";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ service: "test", destination }) };
}

const PHI = {
  family: "Zzyzx",
  given: "Quintavius",
  dob: "1948-02-29",
  mrn: "MRN-8675309",
  hl7: "MSH|^~\\&|EPIC|GENHOSP|||20261123||ADT^A01|CTRL1|P|2.5.1\rPID|1||MRN-8675309||Zzyzx^Quintavius",
};

describe("logger PHI redaction", () => {
  it("redacts patient fields and bodies at the top level and nested", () => {
    const { lines, logger } = capture();
    logger.info({ patient: { name: { family: PHI.family, given: PHI.given }, birthDate: PHI.dob } }, "a");
    logger.info({ event: { patient: { mrn: PHI.mrn } }, raw: PHI.hl7 }, "b");
    logger.warn({ ctx: { record: { raw: PHI.hl7, mrn: PHI.mrn, birthDate: PHI.dob } } }, "c");
    logger.error({ err: new Error("parse failed"), body: PHI.hl7, controlId: "CTRL1" }, "d");
    const out = lines.join("");
    expect(lines).toHaveLength(4);
    for (const value of Object.values(PHI)) expect(out).not.toContain(value);
    expect(out).toContain("[REDACTED]");
    // Ids that are not PHI survive, so the logs stay useful.
    expect(out).toContain("CTRL1");
    expect(out).toContain("parse failed");
  });
});
