export { ColumnMapping, normalizeColumnName } from "./column-mapping.ts";
export { type CombinedHighRiskEntry, combinedHighRiskList } from "./combined-high-risk-list.ts";
export { MAX_STORED_ERRORS, type RowError } from "./import-runs.ts";
export { addPatientIdentifiers, type IdentifierToTeach } from "./patient-identifiers.ts";
export {
  DEFAULT_PRESET,
  findPreset,
  ROSTER_PRESETS,
  type RosterPreset,
  type RosterPresetName,
} from "./presets.ts";
export {
  type ImportProgress,
  type ImportReport,
  type ImportRosterOptions,
  importRoster,
  RosterImportError,
} from "./roster-import.ts";
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
