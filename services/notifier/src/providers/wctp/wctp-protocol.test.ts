import fc from "fast-check";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import {
  buildSubmitRequest,
  classifyWctpErrorCode,
  escapeXml,
  parseWctpConfirmation,
} from "./wctp-protocol.ts";

const reader = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
});

describe("escapeXml", () => {
  it("escapes the five XML specials", () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;",
    );
  });

  it("drops characters XML 1.0 cannot carry and normalizes line ends", () => {
    expect(escapeXml("a\u0000b\u0007c\uFFFEd\uD800e")).toBe("abcde");
    expect(escapeXml("one\r\ntwo\rthree")).toBe("one\ntwo\nthree");
  });

  it("round-trips any text through a real XML parser", () => {
    const sanitize = (s: string) =>
      s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "").replace(/\r\n?/g, "\n");
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const doc = reader.parse(`<a>${escapeXml(s)}</a>`) as { a: unknown };
        expect(doc.a).toBe(sanitize(s));
      }),
    );
  });
});

describe("buildSubmitRequest", () => {
  it("writes the v1r3 envelope with sender, recipient, messageID and payload", () => {
    const xml = buildSubmitRequest({
      senderId: "homeward",
      securityCode: "s3cr&t",
      recipientId: "5551234",
      messageId: "dlv-1",
      text: "ED ARRIVAL <Mercy> & co",
    });
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<!DOCTYPE wctp-Operation SYSTEM "[^"]+wctp-dtd-v1r3.dtd">/,
    );
    const doc = reader.parse(xml) as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
    const op = doc["wctp-Operation"];
    expect(op?.["@_wctpVersion"]).toBe("wctp-dtd-v1r3");
    const header = op?.["wctp-SubmitRequest"]?.["wctp-SubmitHeader"] as Record<
      string,
      Record<string, string>
    >;
    expect(header["wctp-Originator"]).toEqual({ "@_senderID": "homeward", "@_securityCode": "s3cr&t" });
    expect(header["wctp-MessageControl"]?.["@_messageID"]).toBe("dlv-1");
    expect(header["wctp-Recipient"]).toEqual({ "@_recipientID": "5551234" });
    const payload = op?.["wctp-SubmitRequest"]?.["wctp-Payload"] as Record<string, string>;
    expect(payload["wctp-Alphanumeric"]).toBe("ED ARRIVAL <Mercy> & co");
  });

  it("keeps newlines and tabs in attribute values (as character references)", () => {
    const xml = buildSubmitRequest({ senderId: "a\tb\nc", recipientId: "r", messageId: "m", text: "t" });
    expect(xml).toContain('senderID="a&#9;b&#10;c"');
  });
});

describe("parseWctpConfirmation", () => {
  const wrap = (inner: string) =>
    `<?xml version="1.0"?>\n<!DOCTYPE wctp-Operation SYSTEM "http://dtd.wctp.org/wctp-dtd-v1r3.dtd">\n<wctp-Operation wctpVersion="wctp-dtd-v1r3"><wctp-Confirmation>${inner}</wctp-Confirmation></wctp-Operation>`;

  it("reads a success and a failure with their codes and texts", () => {
    expect(
      parseWctpConfirmation(wrap(`<wctp-Success successCode="200" successText="Accepted">ok</wctp-Success>`)),
    ).toEqual({
      kind: "success",
      code: "200",
      text: "Accepted",
    });
    expect(
      parseWctpConfirmation(wrap(`<wctp-Failure errorCode="403" errorText="Invalid &amp; unknown"/>`)),
    ).toEqual({
      kind: "failure",
      code: "403",
      text: "Invalid & unknown",
    });
  });

  it.each([
    ["not XML at all", "Service Unavailable <<<"],
    ["HTML", "<html><body>502 Bad Gateway</body></html>"],
    [
      "no confirmation",
      `<wctp-Operation wctpVersion="wctp-dtd-v1r3"><wctp-VersionResponse/></wctp-Operation>`,
    ],
    ["success without its code", wrap(`<wctp-Success successText="ok"/>`)],
    ["both success and failure", wrap(`<wctp-Success successCode="200"/><wctp-Failure errorCode="604"/>`)],
    ["two failures", wrap(`<wctp-Failure errorCode="604"/><wctp-Failure errorCode="403"/>`)],
    ["empty body", ""],
  ])("calls %s malformed", (_, body) => {
    expect(parseWctpConfirmation(body).kind).toBe("malformed");
  });
});

describe("classifyWctpErrorCode", () => {
  it.each([
    ["301", false],
    ["304", false],
    ["401", false],
    ["403", false],
    ["411", false],
    ["500", false],
    ["503", false],
    ["600", true],
    ["602", true],
    ["604", true],
    ["605", true],
    ["606", true],
    ["999", true],
    ["E42", true],
  ])("errorCode %s -> retryable %s", (code, retryable) => {
    expect(classifyWctpErrorCode(code).retryable).toBe(retryable);
  });

  it("labels known codes by the spec and unknown ones by their series", () => {
    expect(classifyWctpErrorCode("403").label).toBe("invalid recipientID");
    expect(classifyWctpErrorCode("605").label).toBe("service unavailable");
    expect(classifyWctpErrorCode("421").label).toBe("content error");
  });
});
