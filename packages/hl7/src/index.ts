// biome-ignore-all assist/source/organizeImports: the normalization layer is exported last, after the parser it builds on.
/**
 * @homeward/hl7: the pure core for HL7 v2 over MLLP. MLLP framing, parsing, batches and
 * acknowledgments; no sockets, no Kafka, no clock (callers pass `now`).
 */
export * from "./ack.ts";
export * from "./ack-mode.ts";
export * from "./batch.ts";
export * from "./charset.ts";
export * from "./delimiters.ts";
export * from "./errors.ts";
export * from "./escape.ts";
export * from "./limits.ts";
export * from "./message.ts";
export * from "./mllp-decoder.ts";
export * from "./mllp-encoder.ts";
export * from "./parser.ts";
export * from "./path.ts";
export * from "./raw-header.ts";
export * from "./normalize/index.ts";
