export {
  compareBirthDate,
  compareFamily,
  compareGiven,
  compareMiddle,
  compareRecords,
  compareSuffix,
  type FieldComparison,
  GENERATION_GAP_YEARS,
  isOneEditTypo,
  JARO_WINKLER_CLOSE,
  JARO_WINKLER_SIMILAR,
} from "./compare-fields.ts";
export { buildIdentityIndex, type IdentityIndex, MAX_BLOCK_SIZE } from "./identity-index.ts";
export {
  type Candidate,
  type CandidateIdentifier,
  type IncomingPatient,
  identifierKey,
  memberIdKey,
  type PreparedRecord,
  prepareCandidate,
  prepareIncoming,
} from "./identity-record.ts";
export {
  type AgreementLevel,
  agreementWeight,
  fieldWeight,
  type MatchField,
  MU_PROBABILITIES,
  type MuProbabilities,
  maximumScore,
} from "./match-weights.ts";
export { NICKNAME_GROUPS } from "./nickname-table.ts";
export { areNicknameEquivalent, nicknameGroupsOf, nicknamesOf } from "./nicknames.ts";
export {
  type BirthDateParts,
  formatBirthDate,
  type NormalizedSex,
  normalizePhone,
  normalizePostalCode,
  normalizeSex,
  parseBirthDate,
} from "./normalize-contact.ts";
export {
  type NormalizedFamily,
  type NormalizedGiven,
  nameTokens,
  normalizeFamilyName,
  normalizeGivenName,
  normalizeSuffix,
  normalizeText,
  trailingSuffix,
} from "./normalize-name.ts";
export { type SeededRandom, seededRandom, zipfCumulative } from "./random.ts";
export {
  DEFAULT_AMBIGUITY_MARGIN,
  DEFAULT_THRESHOLDS,
  MAX_REVIEW_CANDIDATES,
  type MatchExplanation,
  type MatchMethod,
  type MatchThresholds,
  type Resolution,
  type ResolveOptions,
  type ReviewReason,
  resolveIdentity,
  resolveThroughIndex,
  type ScoredCandidate,
} from "./resolve-identity.ts";
export {
  DEFAULT_ERROR_RATES,
  type ErrorRates,
  generatePopulation,
  type PopulationOptions,
  SYNTHETIC_MRN_AUTHORITY,
  type SyntheticEvent,
  type SyntheticPerson,
  type SyntheticPopulation,
} from "./synthetic.ts";
export { type EventOptions, generateEvents, typo } from "./synthetic-events.ts";
export {
  HOUSEHOLD_SCENARIOS,
  type HouseholdScenario,
} from "./synthetic-households.ts";
