import type { OrganizationRef, ReferenceLookup } from "./reference-lookup.ts";

/** What a reference-list import knows about its call, shared by the kinds' row checks and merges. */
export interface ReferenceImportContext {
  lookup: ReferenceLookup;
  /** The importing organization (the one whose list it is). */
  importer: OrganizationRef;
  /** The importer may act for its own organization only (a practice admin through the api). */
  scoped: boolean;
  /** The list's date `YYYY-MM-DD`: rows without their own date take effect on it. */
  asOf: string;
  source: string;
  /** Who recorded the decisions (`consents.recorded_by`): the api's user, or `import:<source>`. */
  recordedBy: string;
  /** The AdtEventKind values a notification rule may name. */
  eventKinds: readonly string[];
}
