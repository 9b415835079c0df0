import { adtEventId } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import { createOrganization, createRecipient, createRule, type RecipientRole } from "@homeward/directory";
import { ADT_A04_ED } from "@homeward/hl7/fixtures";

/**
 * The soak's world, whose every outcome is known in advance: one practice with two care managers
 * (each with a pager) and a PCP of record, and patients who are all attributed to the practice and
 * enrolled with one of the care managers, a third of them Priority I. Every message is an ED arrival
 * of one of them on a visit of its own, so each must open exactly one follow-up call assigned to the
 * patient's care manager, and alert that care manager by email (and by page for Priority I) and the
 * PCP by email. Synthetic people only.
 */

export const SOAK_PCP_NPI = "1234567893";
const FACILITY = "MERCYGEN";
const APPLICATION = "EPICADT";

export interface SoakPatient {
  mrn: string;
  family: string;
  given: string;
  birthDate: string;
  tier: "I" | "II";
  careManager: "cm1" | "cm2";
}

export interface SoakWorld {
  patients: SoakPatient[];
  recipients: { cm1: string; cm2: string; pcp: string };
  emails: { cm1: string; cm2: string; pcp: string };
  pagers: { cm1: string; cm2: string };
}

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const word = (n: number, length: number) =>
  Array.from({ length }, (_, i) => LETTERS[Math.floor(n / 26 ** i) % 26]).join("");

export function soakPatients(count: number): SoakPatient[] {
  return Array.from({ length: count }, (_, i) => ({
    mrn: `SOAK${String(i).padStart(6, "0")}`,
    family: `SOAK${word(i, 4)}`,
    given: `PAT${word(i * 7 + 3, 3)}`,
    birthDate: `19${String(30 + (i % 60)).padStart(2, "0")}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`,
    tier: i % 3 === 0 ? "I" : "II",
    careManager: i % 2 === 0 ? "cm1" : "cm2",
  }));
}

/** Writes the practice, its people and the PCP rule (through @homeward/directory), the patients and their rosters. */
export async function seedSoakWorld(pool: Pool, patients: SoakPatient[]): Promise<SoakWorld> {
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query<{ id: string }>(sql, params)).rows[0]?.id);
  const org = await createOrganization(
    pool,
    {
      kind: "practice",
      code: "SOAK",
      name: "Soak Family Practice",
      npi: null,
      tin: null,
      timeZone: "America/New_York",
      parentId: null,
    },
    new Date(),
  );
  if (typeof org === "string") throw new Error(`soak practice not created: ${org}`);
  const practice = org.id;
  const clinician = await one(
    "INSERT INTO clinicians (npi, family_name, given_name, organization_id) VALUES ($1, 'Soakwell', 'Pat', $2) RETURNING id",
    [SOAK_PCP_NPI, practice],
  );
  const emails = { cm1: "cm1@soak.example", cm2: "cm2@soak.example", pcp: "pcp@soak.example" };
  const pagers = { cm1: "7101", cm2: "7102" };
  const recipient = async (role: RecipientRole, name: string, email: string, pager: string | null) => {
    const created = await createRecipient(pool, practice, {
      role,
      displayName: name,
      email,
      pagerId: pager,
      timeZone: "America/New_York",
      active: true,
      // The PCP is the clinician above: routing finds them by the roster's PCP NPI.
      npi: role === "pcp" ? SOAK_PCP_NPI : null,
    });
    if (typeof created === "string") throw new Error(`soak recipient not created: ${created}`);
    return created.id;
  };
  const recipients = {
    cm1: await recipient("care_manager", "Casey One", emails.cm1, pagers.cm1),
    cm2: await recipient("care_manager", "Casey Two", emails.cm2, pagers.cm2),
    pcp: await recipient("pcp", "Dr Soakwell", emails.pcp, null),
  };
  await createRule(
    pool,
    practice,
    {
      recipientId: null,
      recipientRole: "pcp",
      audience: "care_team",
      eventKinds: null,
      programs: null,
      riskTiers: null,
      facilities: null,
      channel: "email",
    },
    new Date("2020-01-01T00:00:00Z"),
  );
  await pool.query(
    `WITH p AS (
       INSERT INTO patients (family_name, given_name, birth_date, sex, source_org_id)
       SELECT f, g, d::date, 'F', $1 FROM unnest($2::text[], $3::text[], $4::text[]) AS t(f, g, d)
       RETURNING id, family_name)
     INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value, source)
     SELECT p.id, '${FACILITY}', 'MR', t.mrn, 'soak' FROM p JOIN unnest($2::text[], $5::text[]) AS t(f, mrn) ON t.f = p.family_name`,
    [
      practice,
      patients.map((p) => p.family),
      patients.map((p) => p.given),
      patients.map((p) => p.birthDate),
      patients.map((p) => p.mrn),
    ],
  );
  await pool.query(
    `INSERT INTO attributions (patient_id, practice_org_id, pcp_clinician_id, source, kind, effective_from)
     SELECT i.patient_id, $1, $2, 'soak-panel', 'panel', '2020-01-01'
       FROM patient_identifiers i WHERE i.source = 'soak'`,
    [practice, clinician],
  );
  await pool.query(
    `INSERT INTO care_management_enrollments (patient_id, program, listed_by_org_id, practice_org_id, risk_tier,
       care_manager_recipient_id, lead_organization, status, source, effective_from)
     SELECT i.patient_id, 'complex-care', $1, $1, t.tier, CASE t.cm WHEN 'cm1' THEN $2::bigint ELSE $3::bigint END,
            'practice', 'active', 'soak-cm', '2020-01-01'
       FROM patient_identifiers i JOIN unnest($4::text[], $5::text[], $6::text[]) AS t(mrn, tier, cm) ON t.mrn = i.value
      WHERE i.source = 'soak'`,
    [
      practice,
      recipients.cm1,
      recipients.cm2,
      patients.map((p) => p.mrn),
      patients.map((p) => p.tier),
      patients.map((p) => p.careManager),
    ],
  );
  return { patients, recipients, emails, pagers };
}

/** An HL7 time stamp in UTC, `YYYYMMDDHHMMSS+0000`. */
const hl7Time = (d: Date) => `${d.toISOString().replace(/[-:T]/g, "").slice(0, 14)}+0000`;

/** One message of the soak's feed: an ED arrival of `patient` now, on a visit of its own. */
export function soakMessage(controlId: string, patient: SoakPatient, at: Date): string {
  const time = hl7Time(at);
  return ADT_A04_ED.replace("MG20240305143015001", controlId)
    .replaceAll("20240305143015-0500", time)
    .replaceAll("20240305143000-0500", time)
    .replaceAll("20240305142500-0500", time)
    .replace("40012345^^^MERCYGEN^MR^MERCYGEN", `${patient.mrn}^^^${FACILITY}^MR^${FACILITY}`)
    .replaceAll("QUILLFEATHER^MARISOL^JUNE", `${patient.family}^${patient.given}^`)
    .replace("QUILL^MARI^^^^^N", "")
    .replaceAll("19580412", patient.birthDate.replaceAll("-", ""))
    .replaceAll("V40012345001", `V${controlId}`);
}

/** The event id the listener gives a message of the soak's feed (deterministic, as consumers dedupe on it). */
export const soakEventId = (controlId: string) => adtEventId(APPLICATION, FACILITY, controlId);
