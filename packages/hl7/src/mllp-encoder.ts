/** MLLP start block, `<VT>`. */
export const MLLP_START_BLOCK = 0x0b;
/** MLLP end block, `<FS>`, always followed by `MLLP_CARRIAGE_RETURN`. */
export const MLLP_END_BLOCK = 0x1c;
/** The carriage return that closes an MLLP block after `MLLP_END_BLOCK`. */
export const MLLP_CARRIAGE_RETURN = 0x0d;

const SB = MLLP_START_BLOCK;
const EB = MLLP_END_BLOCK;
const CR = MLLP_CARRIAGE_RETURN;

/**
 * Wraps a payload in an MLLP block. Strings are encoded as `encoding` (UTF-8 unless the message
 * declares another charset in MSH-18). Throws on a payload holding 0x0B or 0x1C: such a block
 * would corrupt the stream for every later message, which is a programming error.
 */
export function encodeMllp(payload: Buffer | string, encoding: "utf8" | "latin1" = "utf8"): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload, encoding) : payload;
  if (body.indexOf(SB) !== -1 || body.indexOf(EB) !== -1) {
    throw new RangeError("MLLP payload must not contain 0x0B or 0x1C");
  }
  const out = Buffer.allocUnsafe(body.length + 3);
  out[0] = SB;
  body.copy(out, 1);
  out[body.length + 1] = EB;
  out[body.length + 2] = CR;
  return out;
}
