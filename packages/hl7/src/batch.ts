import { segmentBounds } from "./parser.ts";

/** The envelope of an HL7 batch file (FHS/BHS … BTS/FTS), kept raw for logging and replies. */
export interface Hl7BatchHeader {
  /** The FHS segment as received, if the batch had a file header. */
  readonly fileHeader?: string;
  /** The BHS segments as received, in order. */
  readonly batchHeaders: readonly string[];
  /** Sum of BTS-1 (batch message count) when every BTS declares one. */
  readonly declaredMessageCount?: number;
}

export interface Hl7Batch {
  /** Each message with CR segment terminators, ready for `parseHl7`. */
  readonly messages: string[];
  /** Present only when the text had FHS/BHS/BTS/FTS segments. */
  readonly header?: Hl7BatchHeader;
  /** Problems that do not stop splitting, e.g. a BTS-1 count that does not match. No PHI. */
  readonly warnings: string[];
}

const ENVELOPE = new Set(["FHS", "BHS", "BTS", "FTS"]);

/**
 * Splits a batch into its messages: every MSH starts a message, envelope segments are set
 * aside. Hospitals replay missed traffic as batch files over the same feed, and a plain single
 * message passes through as a batch of one, so callers can always go through here.
 * Segments before the first MSH that are not envelope segments are reported and dropped.
 */
export function splitBatch(text: string): Hl7Batch {
  /** Each message as the indexes into `bounds` of its first and last segment line. */
  const messages: [number, number][] = [];
  const batchHeaders: string[] = [];
  const warnings: string[] = [];
  let fileHeader: string | undefined;
  let declaredSum = 0;
  let btsSeen = false;
  let btsUnusable = false;
  let sawEnvelope = false;
  let orphans = 0;
  let current: [number, number] | undefined;

  // Lines as offsets, not strings: a 4 MB batch is tens of thousands of lines, and most messages
  // come out as one slice of the text (see `messageText`).
  const bounds = segmentBounds(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  for (let i = 0; i < bounds.length; i += 2) {
    const start = bounds[i] as number;
    const id = text.slice(start, start + 3);
    if (ENVELOPE.has(id)) {
      const line = text.slice(start, bounds[i + 1]);
      sawEnvelope = true;
      current = undefined;
      if (id === "FHS") fileHeader = line;
      else if (id === "BHS") batchHeaders.push(line);
      else if (id === "BTS") {
        btsSeen = true;
        const count = btsCount(line);
        if (count === undefined) btsUnusable = true;
        else declaredSum += count;
      }
    } else if (id === "MSH") {
      current = [i, i];
      messages.push(current);
    } else if (current !== undefined) {
      current[1] = i;
    } else {
      orphans++;
    }
  }
  const out = messages.map(([first, last]) => messageText(text, bounds, first, last));
  if (orphans > 0) warnings.push(`${orphans} segment(s) outside any message were dropped`);
  if (!sawEnvelope) return { messages: out, warnings };
  const declared = btsSeen && !btsUnusable ? declaredSum : undefined;
  if (declared !== undefined && declared !== out.length) {
    warnings.push(`BTS-1 declares ${declared} message(s) but the batch holds ${out.length}`);
  }
  const header: Hl7BatchHeader = {
    batchHeaders,
    ...(fileHeader === undefined ? {} : { fileHeader }),
    ...(declared === undefined ? {} : { declaredMessageCount: declared }),
  };
  return { messages: out, header, warnings };
}

/**
 * The segment lines `first` to `last` (indexes into `bounds`) joined by CR: one slice of the text
 * when they are already CR-terminated with nothing between them (nearly always), else joined.
 */
function messageText(text: string, bounds: readonly number[], first: number, last: number): string {
  let contiguous = true;
  for (let i = first; i < last && contiguous; i += 2) {
    const end = bounds[i + 1] as number;
    contiguous = text.charCodeAt(end) === 0x0d && bounds[i + 2] === end + 1;
  }
  if (contiguous) return text.slice(bounds[first], bounds[last + 1]);
  const lines: string[] = [];
  for (let i = first; i <= last; i += 2) lines.push(text.slice(bounds[i], bounds[i + 1]));
  return lines.join("\r");
}

/** BTS-1, the batch message count, or undefined when it is not a number. */
function btsCount(bts: string): number | undefined {
  const separator = bts.charAt(3);
  const value = separator === "" ? "" : (bts.split(separator)[1] ?? "");
  return /^\d+$/.test(value) ? Number(value) : undefined;
}
