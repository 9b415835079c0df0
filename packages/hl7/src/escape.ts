import { isUtf8 } from "node:buffer";
import type { Hl7Delimiters } from "./delimiters.ts";

/**
 * Turns an HL7 escaped value into plain text (HL7 v2 section 2.7).
 *
 * Why each choice:
 * - `\F\ \S\ \T\ \R\ \E\` (and `\P\` when a truncation character is declared) give back the
 *   delimiter they stand for, so a name containing `^` or `&` survives.
 * - `\.br\` and `\.sp\` become a newline: downstream we show text, not formatted reports.
 * - `\H\` / `\N\` (highlight on/off) are dropped: they carry no text.
 * - `\Xhhhh\` is hex data. It is decoded as UTF-8 when the bytes are valid UTF-8 and as
 *   ISO-8859-1 otherwise, since senders use it mostly for single control or Latin-1 bytes.
 * - Anything else (`\Cxxyy\`, `\Mxxyyzz\`, `\Zxx\`, `\.in+4\`, unknown) is kept literally, as is an
 *   escape character with no closing one: losing characters is worse than showing them.
 */
export function unescapeHl7(value: string, delimiters: Hl7Delimiters): string {
  const esc = delimiters.escape;
  let open = value.indexOf(esc);
  if (open === -1) return value;
  let out = "";
  let from = 0;
  while (open !== -1) {
    const close = value.indexOf(esc, open + 1);
    if (close === -1) break;
    const body = value.slice(open + 1, close);
    const decoded = decodeEscape(body, delimiters);
    if (decoded === undefined) {
      // Not an escape we know: keep the opening escape character and rescan after it, so the
      // closing character can still open a real sequence.
      out += value.slice(from, open + 1);
      from = open + 1;
      open = value.indexOf(esc, from);
      continue;
    }
    out += value.slice(from, open) + decoded;
    from = close + 1;
    open = value.indexOf(esc, from);
  }
  return out + value.slice(from);
}

function decodeEscape(body: string, d: Hl7Delimiters): string | undefined {
  switch (body) {
    case "F":
      return d.field;
    case "S":
      return d.component;
    case "T":
      return d.subcomponent;
    case "R":
      return d.repetition;
    case "E":
      return d.escape;
    case "P":
      return d.truncation ?? undefined;
    case ".br":
    case ".sp":
      return "\n";
    case "H":
    case "N":
      return "";
  }
  if (body.length >= 3 && body.length % 2 === 1 && body[0] === "X" && /^X[0-9A-Fa-f]+$/.test(body)) {
    const bytes = Buffer.from(body.slice(1), "hex");
    return isUtf8(bytes) ? bytes.toString("utf8") : bytes.toString("latin1");
  }
  return undefined;
}

/**
 * Escapes plain text so it can be written into one HL7 primitive (a subcomponent): every
 * delimiter becomes its escape sequence, LF becomes `\.br\` and CR becomes `\X0D\` (a raw CR
 * would end the segment). `unescapeHl7(escapeHl7(s, d), d) === s` for every string.
 */
export function escapeHl7(value: string, delimiters: Hl7Delimiters): string {
  const { field, component, repetition, escape: esc, subcomponent, truncation } = delimiters;
  let needs = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (
      c === esc ||
      c === field ||
      c === component ||
      c === repetition ||
      c === subcomponent ||
      c === truncation ||
      c === "\r" ||
      c === "\n"
    ) {
      needs = true;
      break;
    }
  }
  if (!needs) return value;
  let out = "";
  for (const c of value) {
    if (c === esc) out += `${esc}E${esc}`;
    else if (c === field) out += `${esc}F${esc}`;
    else if (c === component) out += `${esc}S${esc}`;
    else if (c === subcomponent) out += `${esc}T${esc}`;
    else if (c === repetition) out += `${esc}R${esc}`;
    else if (truncation !== null && c === truncation) out += `${esc}P${esc}`;
    else if (c === "\r") out += `${esc}X0D${esc}`;
    else if (c === "\n") out += `${esc}.br${esc}`;
    else out += c;
  }
  return out;
}
