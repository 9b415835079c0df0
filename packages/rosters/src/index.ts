export { ColumnMapping, type FieldMapping, normalizeColumnName } from "./column-mapping.ts";
export { type CombinedHighRiskEntry, combinedHighRiskList } from "./combined-high-risk-list-store.ts";
export { type ImportProgress, type ImportReport, RosterImportError } from "./csv-import.ts";
export { MAX_STORED_ERRORS, type RowError } from "./import-runs-store.ts";
export {
  addIdentifierAgreement,
  type DemographicConflict,
  type IdentifierAgreement,
  listDemographicConflicts,
  listIdentifierAgreements,
  removeIdentifierAgreement,
  resolveDemographicConflict,
  type SourceDemographics,
} from "./ownership-store.ts";
export { addPatientIdentifiers, type IdentifierToTeach } from "./patient-identifiers-store.ts";
export {
  DEFAULT_PRESET,
  findPreset,
  ROSTER_PRESETS,
  type RosterPreset,
  type RosterPresetName,
} from "./presets.ts";
export { type ImportReferenceOptions, importReferenceList } from "./reference-import.ts";
export {
  AnyReferenceMapping,
  DEFAULT_REFERENCE_PRESET,
  findReferencePreset,
  REFERENCE_MAPPINGS,
  REFERENCE_PRESETS,
  type ReferencePresetName,
} from "./reference-presets.ts";
export {
  ConsentDecision,
  ConsentField,
  NotificationRuleField,
  ReferenceKind,
  SensitiveFacilityField,
} from "./reference-rows.ts";
export { type ImportRosterOptions, importRoster } from "./roster-import.ts";
export {
  AttributionRow,
  EnrollmentRow,
  EnrollmentStatus,
  LeadOrganization,
  ROSTER_FIELDS,
  RosterField,
  RosterKind,
} from "./roster-row.ts";
export { isValidNpi, parseRosterDate } from "./values.ts";
