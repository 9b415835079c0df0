import { XMLParser } from "fast-xml-parser";

/**
 * The slice of WCTP 1.3 (Wireless Communications Transfer Protocol, the XML-over-HTTP protocol
 * paging carriers accept) that a one-way page needs: build a `wctp-SubmitRequest`, read the
 * `wctp-Confirmation` that answers it, and sort its error codes into temporary and permanent.
 * Written by hand on purpose: there is no maintained WCTP library for Node.
 *
 * Sources: the v1r3 DTD (http://dtd.wctp.org/wctp-dtd-v1r3.dtd, mirrored in WUSTL-EMED/WCTPlib,
 * WCTPlib/DTD/wctp-dtd-v1r3.dtd) for the element and attribute names; the code table on
 * http://www.wctp.info/wctp-technical.htm (300 protocol violations, 400 content errors) and the status
 * enum of WUSTL-EMED/WCTPlib (WCTPlib/Enums.cs: "500 Series Message Processing Error Codes
 * (Permanent)", "600 Series Message Processing Error Codes (Temporary)") for the code series.
 */
export const WCTP_VERSION = "wctp-dtd-v1r3";
const DOCTYPE = `<!DOCTYPE wctp-Operation SYSTEM "http://dtd.wctp.org/${WCTP_VERSION}.dtd">`;

/** What one `wctp-SubmitRequest` carries. */
export interface SubmitRequestFields {
  senderId: string;
  securityCode?: string | undefined;
  recipientId: string;
  authorizationCode?: string | undefined;
  /** The sender's id for this message; carriers de-duplicate on it, so a resend keeps it. */
  messageId: string;
  text: string;
}

// XML 1.0 §2.2 Char: anything else (NUL, most C0 controls, lone surrogates, U+FFFE/F) makes the document ill-formed.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ENTITY: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/**
 * Escapes text for XML element content and double- or single-quoted attribute values. Characters
 * XML 1.0 cannot carry at all are dropped and line ends become LF (what an XML parser reports anyway),
 * so what the carrier reads is exactly the text we meant.
 */
export function escapeXml(value: string): string {
  return value
    .replace(NOT_XML_CHAR, "")
    .replace(/\r\n?/g, "\n")
    .replace(/[&<>"']/g, (c) => ENTITY[c] ?? c);
}

const attr = (name: string, value: string | undefined) =>
  value === undefined ? "" : ` ${name}="${escapeXml(value).replace(/\n/g, "&#10;").replace(/\t/g, "&#9;")}"`;

/**
 * A complete `wctp-SubmitRequest` document. `allowResponse="false"`: Homeward does not poll for
 * replies, so the carrier should not offer the recipient a reply it could never deliver.
 */
export function buildSubmitRequest(f: SubmitRequestFields): string {
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    DOCTYPE,
    `<wctp-Operation wctpVersion="${WCTP_VERSION}">`,
    "  <wctp-SubmitRequest>",
    "    <wctp-SubmitHeader>",
    `      <wctp-Originator${attr("senderID", f.senderId)}${attr("securityCode", f.securityCode)}/>`,
    `      <wctp-MessageControl${attr("messageID", f.messageId)} allowResponse="false"/>`,
    `      <wctp-Recipient${attr("recipientID", f.recipientId)}${attr("authorizationCode", f.authorizationCode)}/>`,
    "    </wctp-SubmitHeader>",
    "    <wctp-Payload>",
    `      <wctp-Alphanumeric>${escapeXml(f.text)}</wctp-Alphanumeric>`,
    "    </wctp-Payload>",
    "  </wctp-SubmitRequest>",
    "</wctp-Operation>",
    "",
  ].join("\n");
}

/** The answer to a SubmitRequest, or why the answer could not be read. */
export type WctpConfirmation =
  | { kind: "success"; code: string; text?: string }
  | { kind: "failure"; code: string; text?: string }
  | { kind: "malformed"; reason: string };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

/** Reads a `wctp-Confirmation`. Never throws: anything unexpected is `malformed`. */
export function parseWctpConfirmation(xml: string): WctpConfirmation {
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch {
    return { kind: "malformed", reason: "not XML" };
  }
  const confirmation = child(child(doc, "wctp-Operation"), "wctp-Confirmation");
  if (confirmation === undefined) return { kind: "malformed", reason: "no wctp-Confirmation" };
  const success = child(confirmation, "wctp-Success");
  const failure = child(confirmation, "wctp-Failure");
  const element = success ?? failure;
  const code = element === undefined ? undefined : attribute(element, success ? "successCode" : "errorCode");
  if ((success === undefined) === (failure === undefined) || code === undefined) {
    return { kind: "malformed", reason: "no single wctp-Success or wctp-Failure with its code" };
  }
  const text = attribute(element, success ? "successText" : "errorText");
  return { kind: success ? "success" : "failure", code, ...(text === undefined ? {} : { text }) };
}

function child(node: unknown, name: string): unknown {
  if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
  const value: unknown = (node as Record<string, unknown>)[name];
  return Array.isArray(value) ? undefined : value;
}

function attribute(node: unknown, name: string): string | undefined {
  const value = child(node, `@_${name}`);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

const KNOWN: Readonly<Record<string, string>> = {
  "300": "operation not supported",
  "301": "input could not be parsed",
  "302": "XML validation error",
  "303": "version not supported",
  "304": "cannot accept operation",
  "400": "function not supported",
  "401": "invalid senderID",
  "402": "invalid securityCode",
  "403": "invalid recipientID",
  "404": "invalid authorizationCode",
  "411": "message exceeds allowable length",
  "431": "subscriber limit exceeded",
  "500": "message timed out",
  "501": "message expired",
  "503": "sender permanently disabled",
  "600": "poll rate exceeded",
  "602": "traffic rate exceeded",
  "603": "traffic rate excessive",
  "604": "internal server error",
  "605": "service unavailable",
};

/**
 * Whether a `wctp-Failure` errorCode is worth another attempt, and a label for it (never the carrier's
 * errorText, which may echo the recipient). 300s (our request is malformed or unsupported), 400s
 * (bad sender, recipient, authorization or content) and 500s (permanent by the spec's own series name)
 * fail the same way again; 600s (rate limits, the carrier's internal error, service unavailable) are
 * temporary. A code outside these series is retried: a page dropped on a guess is worse than a few
 * capped retries, and the carrier de-duplicates on messageID.
 */
export function classifyWctpErrorCode(code: string): { retryable: boolean; label: string } {
  const n = /^\d{3}$/.test(code) ? Number(code) : Number.NaN;
  const known = KNOWN[code];
  if (n >= 300 && n < 400) return { retryable: false, label: known ?? "protocol violation" };
  if (n >= 400 && n < 500) return { retryable: false, label: known ?? "content error" };
  if (n >= 500 && n < 600) return { retryable: false, label: known ?? "message processing error" };
  if (n >= 600 && n < 700) return { retryable: true, label: known ?? "temporary error" };
  return { retryable: true, label: "unrecognized error code" };
}
