import { randomBytes } from "node:crypto";

/**
 * `base` (an ADT fixture, segments split by CR) grown to `bytes` bytes (ASCII), as hospitals' large
 * A08s are: an embedded document in OBX-5 (base64 of random bytes, like a PDF) for `documentShare`
 * of the growth, and DG1 segments with long descriptions for the rest, which the normalized event
 * keeps, so the event record is large too. `descriptionChar` fills the descriptions (a `"` doubles
 * in JSON).
 */
export function largeAdt(
  base: string,
  bytes: number,
  options: { documentShare?: number; descriptionChar?: string } = {},
): string {
  const head = base.replace(/\r$/, "");
  const growth = bytes - head.length;
  const documentBytes = Math.floor(growth * (options.documentShare ?? 0.5));
  const segments = [head];
  if (documentBytes > 0) {
    const prefix = "\rOBX|1|ED|18842-5^Discharge summary^LN||^AP^PDF^Base64^";
    const suffix = "||||||F";
    const length = documentBytes - prefix.length - suffix.length;
    const document = randomBytes(Math.ceil(length * 0.75) + 3)
      .toString("base64")
      .slice(0, length);
    segments.push(`${prefix.slice(1)}${document}${suffix}`);
  }
  let size = segments.join("\r").length;
  const fill = options.descriptionChar ?? "chest pain ";
  for (let i = 3; size < bytes; i++) {
    const frame = (text: string) => `DG1|${i}||R07.9^${text}^I10||20240305143000-0500|W^Working^HL70052`;
    const room = bytes - size - 1 - frame("").length;
    const text = fill.repeat(Math.ceil(1000 / fill.length)).slice(0, Math.max(1, Math.min(1000, room)));
    segments.push(frame(text));
    size += 1 + frame(text).length;
  }
  return segments.join("\r");
}
