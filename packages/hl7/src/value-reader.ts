/*
 * Cutting values out of raw HL7 text without building arrays: shared by the field and segment
 * classes, not part of the package API.
 */
import type { Hl7Delimiters } from "./delimiters.ts";
import { unescapeHl7 } from "./escape.ts";

/** The HL7 explicit null: "delete the value the receiver holds". Read as "" by `get`, see `isNull`. */
export const HL7_NULL = '""';

/**
 * The `n`-th (1-based) piece of `raw` between `sep` characters, without splitting the whole
 * string: reading one component must not allocate an array per field on the hot path.
 */
export function piece(raw: string, sep: string, n: number): string {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const at = raw.indexOf(sep, start);
    if (at === -1) return "";
    start = at + 1;
  }
  const end = raw.indexOf(sep, start);
  if (end === -1) return start === 0 ? raw : raw.slice(start);
  return raw.slice(start, end);
}

export function countPieces(raw: string, sep: string): number {
  if (raw === "") return 0;
  let n = 1;
  for (let at = raw.indexOf(sep); at !== -1; at = raw.indexOf(sep, at + 1)) n++;
  return n;
}

export function primitive(raw: string, d: Hl7Delimiters, component: number, subcomponent: number): string {
  const value = piece(piece(raw, d.component, component), d.subcomponent, subcomponent);
  if (value === HL7_NULL) return "";
  return unescapeHl7(value, d);
}
