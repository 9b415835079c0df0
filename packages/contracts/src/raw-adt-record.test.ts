import { describe, expect, it } from "vitest";
import { adtEventId } from "./event-id.ts";
import { RawAdtRecord, RejectedAdtRecord } from "./raw-adt-record.ts";

const raw: RawAdtRecord = {
  schemaVersion: 1,
  receivedAt: "2024-07-05T19:30:16.120Z",
  connection: { listenerId: "mllp-tls", remoteAddress: "::ffff:10.0.0.7", remotePort: 50123, tls: true },
  message: { base64: Buffer.from("MSH|^~\\&|APP|FAC|||20240705||ADT^A04|1|P|2.5.1\r").toString("base64") },
  header: { sendingApplication: "APP", sendingFacility: "FAC", controlId: "1" },
  eventId: adtEventId("APP", "FAC", "1"),
};

describe("RawAdtRecord", () => {
  it("round-trips through JSON", () => {
    expect(RawAdtRecord.parse(JSON.parse(JSON.stringify(raw)))).toEqual(raw);
  });

  it("refuses text that is not base64 and ports out of range", () => {
    expect(RawAdtRecord.safeParse({ ...raw, message: { base64: "MSH|^~" } }).success).toBe(false);
    const connection = { ...raw.connection, remotePort: 70000 };
    expect(RawAdtRecord.safeParse({ ...raw, connection }).success).toBe(false);
  });
});

describe("RejectedAdtRecord", () => {
  const rejected: RejectedAdtRecord = {
    schemaVersion: 1,
    receivedAt: raw.receivedAt,
    rejectedAt: "2024-07-05T19:30:16.121Z",
    connection: raw.connection,
    message: raw.message,
    header: {},
    ackCode: "AE",
    reason: "PID-3 has no identifier",
    error: {
      code: "101",
      text: "Required field missing",
      location: { segment: "PID", sequence: 3, field: 3 },
    },
  };

  it("accepts a table 0357 error with its location", () => {
    expect(RejectedAdtRecord.parse(rejected)).toEqual(rejected);
  });

  it("refuses codes outside table 0357 and positive acks", () => {
    expect(
      RejectedAdtRecord.safeParse({ ...rejected, error: { ...rejected.error, code: "999" } }).success,
    ).toBe(false);
    expect(RejectedAdtRecord.safeParse({ ...rejected, ackCode: "AA" }).success).toBe(false);
  });

  it("says the full size of a message it keeps only the start of", () => {
    const truncated = { ...rejected, truncatedFrom: 9_437_184 };
    expect(RejectedAdtRecord.parse(truncated)).toEqual(truncated);
    expect(RejectedAdtRecord.safeParse({ ...rejected, truncatedFrom: 0 }).success).toBe(false);
  });
});
