import { applyPlan, type ColumnPlan } from "./column-mapping.ts";
import type { RowError } from "./import-runs-store.ts";
import type { OrganizationRef, ReferenceLookup } from "./reference-lookup.ts";
import {
  type AttributionRow,
  type EnrollmentRow,
  type RosterField,
  type RosterKind,
  rowSchema,
} from "./roster-row.ts";
import { rowErrorsOf } from "./row-errors.ts";
import type { StageRow } from "./staging-store.ts";

export interface RowCheck {
  kind: RosterKind;
  lookup: ReferenceLookup;
  /** The organization sending the roster. */
  listedBy: OrganizationRef;
}

/**
 * Validates one CSV record and resolves the organizations and recipients it names. Returns its
 * errors (each with the column as the file spells it and the value as sent) and what to stage: the
 * full row when it is good, only its identifier when it is not but names a patient (so the merge
 * does not end that patient for a typo elsewhere on the line).
 */
export function checkRow(
  check: RowCheck,
  plan: ColumnPlan<RosterField>,
  line: number,
  cells: readonly string[],
): { errors: RowError[]; stage?: StageRow } {
  const { values, columnOf } = applyPlan(plan, cells);
  const errorAt = (field: RosterField, reason: string): RowError => ({
    line,
    column: columnOf[field] ?? null,
    value: values[field] ?? null,
    reason,
  });
  const parsed = rowSchema(check.kind).safeParse(values);
  if (!parsed.success) {
    return { errors: rowErrorsOf(parsed.error, line, values, columnOf), ...identifierOnly(line, values) };
  }
  const row = parsed.data;

  let practiceOrgId: string | null = null;
  if (row.practice !== undefined) {
    const practice = check.lookup.organization(row.practice);
    if (practice?.kind !== "practice") {
      return {
        errors: [errorAt("practice", "unknown practice (no practice organization has this code or NPI)")],
        ...identifierOnly(line, values),
      };
    }
    practiceOrgId = practice.id;
  }
  const base: StageRow = {
    line,
    valid: true,
    id_value: row.identifierValue,
    id_type: row.identifierType,
    id_authority: row.identifierAuthority,
    id2_value: row.secondaryIdentifierValue ?? null,
    id2_type: row.secondaryIdentifierValue === undefined ? null : (row.secondaryIdentifierType ?? "MB"),
    id2_authority: row.secondaryIdentifierAuthority ?? null,
    family_name: row.familyName ?? null,
    given_name: row.givenName ?? null,
    middle_name: row.middleName ?? null,
    birth_date: row.birthDate ?? null,
    sex: row.sex ?? null,
    postal_code: row.postalCode ?? null,
    phone: row.phone ?? null,
    practice_org_id: practiceOrgId,
    effective_from: row.effectiveFrom ?? null,
  };
  if (check.kind !== "enrollment") {
    const a = row as AttributionRow;
    return {
      errors: [],
      stage: {
        ...base,
        pcp_npi: a.pcpNpi ?? null,
        pcp_family_name: a.pcpFamilyName ?? null,
        pcp_given_name: a.pcpGivenName ?? null,
      },
    };
  }
  const e = row as EnrollmentRow;
  let careManager: string | null = null;
  if (e.careManagerEmail !== undefined) {
    careManager =
      check.lookup.recipient(check.listedBy.id, e.careManagerEmail) ??
      (practiceOrgId === null ? undefined : check.lookup.recipient(practiceOrgId, e.careManagerEmail)) ??
      null;
    if (careManager === null) {
      return {
        errors: [errorAt("careManagerEmail", "unknown care manager (no active recipient with this e-mail)")],
        ...identifierOnly(line, values),
      };
    }
  }
  return {
    errors: [],
    stage: {
      ...base,
      program: e.program,
      risk_tier: e.riskTier ?? null,
      care_manager_recipient_id: careManager,
      lead_organization: e.leadOrganization ?? null,
      status: e.status,
      goal: e.goal ?? null,
      goal_met: e.goalMet ?? null,
      plan_risk_score: e.planRiskScore ?? null,
      practice_flag: e.practiceFlag ?? null,
    },
  };
}

function identifierOnly(line: number, values: Partial<Record<RosterField, string>>): { stage?: StageRow } {
  const value = values.identifierValue?.trim();
  const type = values.identifierType?.trim().toUpperCase();
  const authority = values.identifierAuthority?.trim();
  if (!value || !type || !authority) return {};
  return { stage: { line, valid: false, id_value: value, id_type: type, id_authority: authority } };
}
