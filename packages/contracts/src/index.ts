export {
  ADT_EVENT_KINDS,
  AdtEvent,
  AdtEventKind,
  AdtFacility,
  AdtFlags,
  AdtPatient,
  AdtVisit,
  adtEventPartitionKey,
  Diagnosis,
  Insurance,
  MergeInfo,
  OccurredAtSource,
  PrimaryCareProvider,
} from "./adt-event.ts";
export {
  Address,
  Coded,
  Identifier,
  IsoDate,
  IsoDateTime,
  PatientLocation,
  PersonName,
  Provider,
  Telecom,
} from "./common.ts";
export { ADT_EVENT_ID_PATTERN, adtEventId } from "./event-id.ts";
export { EVENT_KIND_LABELS } from "./event-kind-labels.ts";
export {
  FacilityMapping,
  type FacilityMappingInput,
  type FacilityMappingLookup,
  FacilityMappingsFile,
  Hl7Charset,
  IanaTimeZone,
  indexFacilityMappings,
  isIanaTimeZone,
  type LoadFacilityMappingsResult,
  loadFacilityMappings,
  MemberIdSource,
  sendingApplicationAllowed,
} from "./facility-mapping.ts";
export { Hl7ErrorCode, Hl7ErrorDetail, Hl7ErrorLocation, hl7ErrorCodeText } from "./hl7-error.ts";
export { renderJsonSchemas } from "./json-schemas.ts";
export {
  MatchExplanation,
  MatchedEvent,
  MatchedRecipient,
  MatchMethod,
  UnmatchedEvent,
} from "./matched-event.ts";
export {
  AlertContent,
  AlertDetailLevel,
  DeliveryChannel,
  DeliveryJob,
  DeliveryPurpose,
  DeliveryStatus,
  Task,
  TaskOutcome,
  TaskStatus,
} from "./notification.ts";
export { parseContract } from "./parse-contract.ts";
export {
  ConnectionInfo,
  RawAdtRecord,
  RawMessage,
  RawMessageHeader,
  RejectedAdtRecord,
} from "./raw-adt-record.ts";
