/**
 * Normalization: a parsed HL7 v2 ADT message plus its facility mapping → an `AdtEvent` v1.
 */
export {
  eventKindOf,
  SUPPORTED_TRIGGERS,
  type TriggerScope,
  type VisitSetting,
  visitSetting,
} from "./event-kind.ts";
export {
  type Hl7TimeAdjustment,
  type Hl7TimePrecision,
  type Hl7TimeResult,
  parseHl7Date,
  parseHl7Time,
} from "./hl7-time.ts";
export { type NormalizeOptions, type NormalizeResult, normalizeAdt } from "./normalize-adt.ts";
