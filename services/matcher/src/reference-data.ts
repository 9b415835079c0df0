import type { Pool } from "@homeward/db";
import type { Candidate } from "@homeward/identity";
import { type Directory, loadRoutingData, type PatientContext } from "@homeward/routing";
import { type DemographicsRow, loadIdentityRows } from "./reference-data-store.ts";

/** Everything the matcher consults per event, held in memory and reloaded after roster imports. */
export interface ReferenceData {
  candidates: Candidate[];
  contexts: ReadonlyMap<string, PatientContext>;
  directory: Directory;
  practices: ReadonlyMap<string, { code: string; name: string; timeZone: string }>;
  /** Sensitive (42 CFR Part 2) places, as `sensitivePlaceKey`s: test them with `isSensitivePlace`. */
  sensitive: ReadonlySet<string>;
  loadedAt: Date;
}

const str = (v: string | null): string | undefined => (v === null ? undefined : v);

/** How far back the matcher keeps ended reference rows, so late events and replays route as then. */
export const DEFAULT_HISTORY_DAYS = 400;

/**
 * Loads the reference data in a handful of set-based queries (one database round trip per table,
 * never one per event or field), ready for the in-process identity index: every attribution,
 * enrollment, consent and rule in force at some time in the `historyDays` before `asOf` (or after
 * it), so routing can take the ones in force on each event's own day. Candidates carry every
 * source's demographics for a patient, one record each.
 */
export async function loadReferenceData(
  pool: Pool,
  asOf: Date,
  historyDays: number = DEFAULT_HISTORY_DAYS,
): Promise<ReferenceData> {
  const since = new Date(asOf.getTime() - historyDays * 86_400_000).toISOString().slice(0, 10);
  const [{ patients, demographics, identifiers, sensitive }, routing] = await Promise.all([
    loadIdentityRows(pool, since),
    // Attributions, enrollments, opt-outs, organizations, recipients and rules: @homeward/routing's loader.
    loadRoutingData(pool, since),
  ]);

  const idsByPatient = new Map<string, Candidate["identifiers"][number][]>();
  for (const r of identifiers) {
    const list = idsByPatient.get(String(r.patient_id)) ?? [];
    list.push({
      value: String(r.value),
      typeCode: String(r.type_code),
      assigningAuthority: String(r.assigning_authority),
    });
    idsByPatient.set(String(r.patient_id), list);
  }
  // One candidate per record: the patient row and each source's own demographics. The identity
  // resolution compares the event with every one (a source that disagrees sends it to review).
  const candidateOf = (r: DemographicsRow): Candidate => {
    const ids = idsByPatient.get(String(r.patient_id)) ?? [];
    return {
      patientId: String(r.patient_id),
      identifiers: ids,
      family: str(r.family_name) ?? "",
      given: str(r.given_name) ?? "",
      middle: str(r.middle_name),
      birthDate: str(r.birth_date) ?? "",
      sex: str(r.sex) ?? "",
      postalCode: str(r.postal_code),
      phone: str(r.phone),
      memberIds: ids.filter((i) => i.typeCode === "MB").map((i) => i.value),
    };
  };
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  for (const r of [...patients, ...demographics]) {
    const candidate = candidateOf(r);
    const key = JSON.stringify([
      candidate.patientId,
      candidate.family,
      candidate.given,
      candidate.middle,
      candidate.birthDate,
      candidate.sex,
      candidate.postalCode,
      candidate.phone,
    ]);
    if (seen.has(key)) continue;
    seen.add(key);
    candidates.push(candidate);
  }

  return {
    candidates,
    contexts: routing.contexts,
    directory: routing.directory,
    practices: new Map(
      routing.organizations.map((o) => [o.id, { code: o.code, name: o.name, timeZone: o.timeZone }]),
    ),
    sensitive: new Set(
      sensitive.map((r) =>
        sensitivePlaceKey(String(r.sending_facility), String(r.sending_application), String(r.location)),
      ),
    ),
    loadedAt: new Date(),
  };
}

/** A sensitive place: facility (MSH-4), application (MSH-3, "" for any) and location ("" for all of it). */
export function sensitivePlaceKey(facility: string, application: string, location: string): string {
  return JSON.stringify([facility, application, location]);
}

/**
 * Whether an event from this facility, application and location falls in a sensitive place: one
 * listed for the whole facility or for its location, for any application or for this one.
 */
export function isSensitivePlace(
  sensitive: ReadonlySet<string>,
  facility: string,
  application: string,
  location: string,
): boolean {
  for (const app of application === "" ? [""] : ["", application])
    for (const loc of location === "" ? [""] : ["", location])
      if (sensitive.has(sensitivePlaceKey(facility, app, loc))) return true;
  return false;
}
