/**
 * One fuzz case through everything the listener does with bytes that involves no I/O: the MLLP
 * decoder (pushed in chunks and whole, which must agree), batch splitting, charset detection,
 * parsing within the default limits, normalizing with the fixture facilities, and the ACK or NAK.
 * Returns what happened to each frame and message (`outcomes`, e.g. `AE:102`, `framing:invalid-end-block`)
 * and every broken promise (`violations`): an exception, an answer that is not valid HL7 or does not
 * echo the control id, an error the rejected-record contract would refuse, an event that does not
 * match the AdtEvent schema.
 */
import { performance } from "node:perf_hooks";
import { AdtEvent, Hl7ErrorDetail, indexFacilityMappings } from "@homeward/contracts";
import { buildAck, buildNak } from "../ack.ts";
import { ackCodeFor, ackModeOf, ackWanted } from "../ack-mode.ts";
import { splitBatch } from "../batch.ts";
import { bufferEncodingOf, detectHl7Charset } from "../charset.ts";
import type { Hl7Error } from "../errors.ts";
import { FIXTURE_FACILITIES } from "../fixtures/fixture-events.ts";
import type { Hl7Limits } from "../limits.ts";
import { type MllpDecodeEvent, MllpDecoder } from "../mllp-decoder.ts";
import { normalizeAdt } from "../normalize/normalize-adt.ts";
import { parseHl7 } from "../parser.ts";
import { extractRawHeader, headerOf, type RawHeader } from "../raw-header.ts";
import { type FuzzCase, streamOf } from "./fuzz-frames.test-support.ts";

const lookup = indexFacilityMappings(FIXTURE_FACILITIES);
const GOOD = Buffer.from(
  "MSH|^~\\&|EPICADT|MERCYGEN|HOMEWARD|HOMEWARD|20240305190512||ADT^A08^ADT_A01|GOOD1|P|2.5.1\rEVN|A08|20240305190500\rPID|1||1^^^MERCYGEN^MR||DOE^JANE\rPV1|1|I",
);
const NOW = new Date("2024-03-05T19:05:30Z");
const BATCH_START = /^\uFEFF?(FHS|BHS)/;
const ACK_CODES = new Set(["AA", "AE", "AR", "CA", "CE", "CR"]);
const UNLIMITED: Hl7Limits = {
  maxSegments: Number.MAX_SAFE_INTEGER,
  maxFieldsPerSegment: Number.MAX_SAFE_INTEGER,
  maxRepetitions: Number.MAX_SAFE_INTEGER,
  maxComponents: Number.MAX_SAFE_INTEGER,
  maxSubcomponents: Number.MAX_SAFE_INTEGER,
  maxFieldBytes: Number.MAX_SAFE_INTEGER,
};

export interface CaseResult {
  readonly outcomes: string[];
  readonly violations: string[];
  /** Time the listener's side took (decoding both ways, answering), without making the case. */
  readonly ms: number;
}

/** Runs one case; never throws (an exception is a violation). */
export function runCase(c: FuzzCase): CaseResult {
  const outcomes: string[] = [];
  const violations: string[] = [];
  let started = performance.now();
  try {
    const { stream, chunks } = streamOf(c, GOOD);
    started = performance.now();
    const chunked = new MllpDecoder({ maxFrameBytes: 4 * 1024 * 1024 });
    const events = chunks.flatMap((chunk) => chunked.push(chunk));
    events.push(...chunked.end());
    const whole = new MllpDecoder({ maxFrameBytes: 4 * 1024 * 1024 });
    const once = [...whole.push(stream), ...whole.end()];
    if (describe(events) !== describe(once)) violations.push("decoder: chunked and whole streams differ");
    for (const event of events) {
      const before = outcomes.length;
      if (event.type === "error") outcomes.push(`framing:${event.reason}`);
      else answerFrame(event.payload, outcomes, violations);
      if (outcomes.length === before) violations.push("a frame got no answer");
    }
    // Whatever came before, the decoder finds the good frame that follows and it is accepted.
    if (c.framing.followedByGood && outcomes.at(-1) !== "AA")
      violations.push(`the good frame after this one was answered ${outcomes.at(-1)}`);
  } catch (err) {
    violations.push(`exception: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  return { outcomes, violations, ms: performance.now() - started };
}

function describe(events: readonly MllpDecodeEvent[]): string {
  return events
    .map((e) =>
      e.type === "frame" ? `frame:${e.payload.toString("base64")}` : `${e.reason}:${e.discardedBytes}`,
    )
    .join(",");
}

function answerFrame(payload: Buffer, outcomes: string[], violations: string[]): void {
  const encoding = bufferEncodingOf(detectHl7Charset(payload).charset);
  if (!BATCH_START.test(payload.toString("latin1", 0, 8))) {
    answerMessage(payload, outcomes, violations);
    return;
  }
  const batch = splitBatch(payload.toString(encoding));
  // A batch of none is answered too (with an empty batch of ACKs).
  outcomes.push(`batch:${Math.min(batch.messages.length, 3)}`);
  for (const text of batch.messages) answerMessage(Buffer.from(text, encoding), outcomes, violations);
}

/** The listener's pure path for one message (parse-pool.ts `readMessage`, then Ingest's answer). */
function answerMessage(bytes: Buffer, outcomes: string[], violations: string[]): void {
  const peek = extractRawHeader(bytes.toString("latin1"));
  const peekMapping = peek === undefined ? undefined : lookup(hdOf(peek.sendingFacility, peek), "");
  const charset = detectHl7Charset(bytes, peekMapping?.defaultCharset === "8859/1" ? "ISO-8859-1" : "UTF-8");
  const text = bytes.toString(bufferEncodingOf(charset.charset));
  const parsed = parseHl7(text);
  if (!parsed.ok) {
    refuse(text, extractRawHeader(text), parsed.error, outcomes, violations);
    return;
  }
  const header = headerOf(parsed.message);
  const mapping = lookup(hdOf(header.sendingFacility, header), hdOf(header.sendingApplication, header));
  if (mapping === undefined) {
    refuse(text, header, { code: "207", text: "Sending facility is not configured" }, outcomes, violations);
    return;
  }
  const normalized = normalizeAdt(parsed.message, mapping, { receivedAt: NOW.toISOString() });
  if (!normalized.ok) {
    refuse(text, header, normalized.error, outcomes, violations);
    return;
  }
  const checked = AdtEvent.safeParse(normalized.event);
  if (!checked.success) violations.push(`event does not match AdtEvent: ${checked.error.issues[0]?.message}`);
  const mode = ackModeOf(header);
  if (!ackWanted(mode, "accepted")) {
    outcomes.push("accepted:no-ack-asked");
    return;
  }
  const ack = buildAck(header, { code: ackCodeFor(mode, "accepted"), controlId: "ACK", now: NOW });
  checkAck(ack, header, outcomes, violations);
}

function refuse(
  text: string,
  header: RawHeader | undefined,
  error: Hl7Error,
  outcomes: string[],
  violations: string[],
): void {
  const detail = Hl7ErrorDetail.safeParse(error);
  if (!detail.success)
    violations.push(`error ${error.code} does not fit the rejected record: ${JSON.stringify(error)}`);
  const mode = header === undefined ? ({ mode: "original" } as const) : ackModeOf(header);
  const outcome = error.code.startsWith("2") && error.code !== "207" ? "rejected" : "error";
  if (!ackWanted(mode, outcome)) {
    outcomes.push(`${outcome}:${error.code}:no-ack-asked`);
    return;
  }
  const opts = { code: ackCodeFor(mode, outcome), controlId: "ACK", now: NOW, errors: [error] };
  const nak = header === undefined ? buildNak(text, opts) : buildAck(header, opts);
  checkAck(nak, header, outcomes, violations, error.code);
}

/**
 * The answer must itself be HL7 (read without limits: it echoes the sender's header as sent, which
 * may be what broke one), with an MSA that echoes the control id, and no larger than the header it
 * echoes plus our own few segments: a NAK never amplifies what a sender sent.
 */
function checkAck(
  ack: string,
  header: RawHeader | undefined,
  outcomes: string[],
  violations: string[],
  errorCode?: string,
): void {
  const echoed =
    header === undefined
      ? 0
      : header.sendingApplication.length +
        header.sendingFacility.length +
        header.receivingApplication.length +
        header.receivingFacility.length +
        header.triggerEvent.length +
        header.controlId.length +
        header.processingId.length +
        header.version.length +
        header.charset.length;
  if (ack.length > echoed + 2048) violations.push(`answer of ${ack.length} characters for ${echoed} echoed`);
  const parsed = parseHl7(ack, { limits: UNLIMITED });
  if (!parsed.ok) {
    violations.push(`answer is not valid HL7 (${parsed.error.code} ${parsed.error.text})`);
    return;
  }
  const msa = parsed.message.segment("MSA");
  const code = msa?.field(1).raw ?? "";
  if (!ACK_CODES.has(code)) violations.push(`answer has MSA-1 '${code}'`);
  if (header !== undefined && msa?.field(2).raw !== header.controlId)
    violations.push("answer does not echo MSH-10 in MSA-2");
  if (errorCode !== undefined && parsed.message.get("ERR-3.1") !== errorCode)
    violations.push(`answer's ERR-3 is not ${errorCode}`);
  outcomes.push(errorCode === undefined ? code : `${code}:${errorCode}`);
}

function hdOf(raw: string, header: Pick<RawHeader, "delimiters">): string {
  const c = header.delimiters.component;
  const first = raw.indexOf(c);
  if (first === -1) return raw;
  if (first > 0) return raw.slice(0, first);
  const second = raw.indexOf(c, first + 1);
  return raw.slice(first + 1, second === -1 ? raw.length : second);
}
