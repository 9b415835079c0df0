import { RawAdtRecord, RejectedAdtRecord } from "@homeward/contracts";
import { describe, expect, it } from "vitest";
import { recordJson } from "./record-json.ts";

const connection = { listenerId: "mllp", remoteAddress: "10.1.2.3", remotePort: 40001, tls: false };
const base64 = Buffer.from('MSH|^~\\&|EPIC|MERCY|||20240305||ADT^A04|1|P|2.5.1\rPID|1||é"\\\r').toString(
  "base64",
);

describe("recordJson", () => {
  it("reads back as the record itself, with and without optional message fields", () => {
    const records: RawAdtRecord[] = [
      {
        schemaVersion: 1,
        receivedAt: "2024-03-05T19:05:13.000Z",
        connection,
        message: { base64 },
        header: {},
      },
      {
        schemaVersion: 1,
        receivedAt: "2024-03-05T19:05:13.000Z",
        connection: { ...connection, clientCertificateSubject: 'CN="Mercy" \\ Bridges' },
        message: { base64, charset: "UNICODE UTF-8", batchControlId: 'B"1' },
        header: { sendingApplication: "EPIC", sendingFacility: "MERCY", controlId: "1" },
        eventId: "4d9b55e0-3634-8029-be4b-4020aa85be5f",
      },
    ];
    for (const record of records) {
      const json = recordJson(record);
      expect(JSON.parse(json)).toEqual(record);
      expect(RawAdtRecord.parse(JSON.parse(json))).toEqual(record);
    }
  });

  it("writes rejected records too", () => {
    const record: RejectedAdtRecord = {
      schemaVersion: 1,
      receivedAt: "2024-03-05T19:05:13.000Z",
      rejectedAt: "2024-03-05T19:05:13.010Z",
      connection,
      message: { base64, charset: "8859/1" },
      header: {},
      ackCode: "AE",
      reason: "Required field MSH-10 is missing",
      error: { code: "101", text: "Required field MSH-10 is missing" },
    };
    expect(RejectedAdtRecord.parse(JSON.parse(recordJson(record)))).toEqual(record);
  });

  it("handles a record whose only field is the message", () => {
    expect(JSON.parse(recordJson({ message: { base64 } }))).toEqual({ message: { base64 } });
  });
});
