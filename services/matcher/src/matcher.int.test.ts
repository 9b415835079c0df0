import type { AdtEvent, MatchedEvent } from "@homeward/contracts";
import { createPool, migrate, type Pool } from "@homeward/db";
import { ADT_A01_ADMIT, ADT_A04_ED, ADT_A08_UPDATE, fixtureEvent } from "@homeward/hl7/fixtures";
import { type EventLog, topicName } from "@homeward/kafka";
import { createLogger } from "@homeward/logger";
import { type Isolation, isolation } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { matchIdOf } from "./match-event.ts";
import { type MatcherHarness, startMatcherHarness } from "./matcher-harness.test-support.ts";

/** An HL7 fixture as the listener would publish it. */
const eventOf = (hl7: string): AdtEvent => fixtureEvent(hl7);

const admit = eventOf(ADT_A01_ADMIT);
const cancel = eventOf(
  ADT_A01_ADMIT.replace("ADT^A01^ADT_A01|MG20240305190512007", "ADT^A11^ADT_A09|MG-A11-0001").replace(
    "EVN|A01|",
    "EVN|A11|",
  ),
);
const stranger = eventOf(ADT_A08_UPDATE);
const edArrival = eventOf(ADT_A04_ED);
const edToInpatient = eventOf(
  ADT_A04_ED.replace("ADT^A04^ADT_A01|MG20240305143015001", "ADT^A06^ADT_A06|MG-A06-0001")
    .replace("EVN|A04|", "EVN|A06|")
    .replace("PV1|1|E|", "PV1|1|I|"),
);
const transfer = eventOf(
  ADT_A01_ADMIT.replace("ADT^A01^ADT_A01|MG20240305190512007", "ADT^A02^ADT_A02|MG-A02-0001")
    .replace("EVN|A01|", "EVN|A02|")
    .replace("V40012345002^^^MERCYGEN^VN", "V40012345009^^^MERCYGEN^VN"),
);
/** The ED fixture as another message of another visit: its own control id (so event id) and trigger. */
function edVariant(controlId: string, trigger: "A04" | "A03", visitNumber: string): AdtEvent {
  return eventOf(
    ADT_A04_ED.replace("ADT^A04^ADT_A01|MG20240305143015001", `ADT^${trigger}^ADT_A01|${controlId}`)
      .replace("EVN|A04|", `EVN|${trigger}|`)
      .replace("V40012345001^^^MERCYGEN^VN", `${visitNumber}^^^MERCYGEN^VN`),
  );
}
const batchArrival = edVariant("MG-A04-0101", "A04", "V40012345101");
const batchDischarge = edVariant("MG-A03-0101", "A03", "V40012345101");
const batchMarker = edVariant("MG-A04-0102", "A04", "V40012345102");
const batchAdmit = eventOf(
  ADT_A01_ADMIT.replace("ADT^A01^ADT_A01|MG20240305190512007", "ADT^A01^ADT_A01|MG-A01-0201").replace(
    "V40012345002^^^MERCYGEN^VN",
    "V40012345201^^^MERCYGEN^VN",
  ),
);
const batchCancel = eventOf(
  ADT_A01_ADMIT.replace("ADT^A01^ADT_A01|MG20240305190512007", "ADT^A11^ADT_A09|MG-A11-0201")
    .replace("EVN|A01|", "EVN|A11|")
    .replace("V40012345002^^^MERCYGEN^VN", "V40012345201^^^MERCYGEN^VN"),
);
/** Rosalind Bramble: the roster knows her by MRN 40055500; the hospital merges it into 40055501. */
const merge = eventOf(
  [
    "MSH|^~\\&|EPICADT|MERCYGEN|HOMEWARD|HOMEWARD|20240410090000-0400||ADT^A40^ADT_A39|MG-A40-0077|P|2.5.1",
    "EVN|A40|20240410085959-0400",
    "PID|1||40055501^^^MERCYGEN^MR||BRAMBLE^ROSALIND||19620202|F",
    "MRG|40055500^^^MERCYGEN^MR",
    "PV1|1|N",
  ].join("\r"),
);
const afterMerge = eventOf(
  ADT_A01_ADMIT.replace("ADT^A01^ADT_A01|MG20240305190512007", "ADT^A01^ADT_A01|MG-A01-0088")
    .replace("40012345^^^MERCYGEN^MR^MERCYGEN", "40055501^^^MERCYGEN^MR")
    .replaceAll("QUILLFEATHER^MARISOL^JUNE", "BRAMBLE^ROSALIND^")
    .replaceAll("19580412", "19620202")
    .replace("V40012345002^^^MERCYGEN^VN", "V40055501001^^^MERCYGEN^VN"),
);

let iso: Isolation;
let pool: Pool;
let eventLog: EventLog;
let seen: MatcherHarness["seen"];
let harness: MatcherHarness | undefined;
const ids: Record<string, string> = {};

beforeAll(async () => {
  iso = isolation("matcher");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  const one = async (sql: string, params: unknown[] = []) =>
    String((await pool.query(sql, params)).rows[0]?.id);
  ids.practice = await one(
    "INSERT INTO organizations (kind, code, name, time_zone) VALUES ('practice', 'SFM', 'Springvale Family Medicine', 'America/Chicago') RETURNING id",
  );
  ids.clinician = await one(
    "INSERT INTO clinicians (npi, family_name, given_name, organization_id) VALUES ('1234567893', 'Alderwood', 'Ada', $1) RETURNING id",
    [ids.practice],
  );
  ids.pcp = await one(
    "INSERT INTO recipients (organization_id, clinician_id, role, display_name, email, time_zone) VALUES ($1, $2, 'pcp', 'Dr. Alderwood', 'pcp@sfm.example', 'America/Chicago') RETURNING id",
    [ids.practice, ids.clinician],
  );
  // Another PCP of the practice: the rule means the patient's own PCP, so she is never told.
  await one(
    "INSERT INTO recipients (organization_id, role, display_name, email, time_zone) VALUES ($1, 'pcp', 'Dr. Birchwood', 'pcp2@sfm.example', 'America/Chicago') RETURNING id",
    [ids.practice],
  );
  await one(
    "INSERT INTO notification_rules (organization_id, recipient_role, channel, active_from) VALUES ($1, 'pcp', 'email', '2020-01-01') RETURNING id",
    [ids.practice],
  );
  ids.patient = await one(
    "INSERT INTO patients (family_name, given_name, birth_date, sex, postal_code) VALUES ('QUILLFEATHER', 'MARISOL', '1958-04-12', 'F', '45501') RETURNING id",
  );
  await one(
    "INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value) VALUES ($1, 'MERCYGEN', 'MR', '40012345') RETURNING id",
    [ids.patient],
  );
  await one(
    "INSERT INTO attributions (patient_id, practice_org_id, pcp_clinician_id, source, kind, effective_from) VALUES ($1, $2, $3, 'sfm-panel', 'panel', '2020-01-01') RETURNING id",
    [ids.patient, ids.practice, ids.clinician],
  );
  ids.rosalind = await one(
    "INSERT INTO patients (family_name, given_name, birth_date, sex) VALUES ('BRAMBLE', 'ROSALIND', '1962-02-02', 'F') RETURNING id",
  );
  await one(
    "INSERT INTO patient_identifiers (patient_id, assigning_authority, type_code, value) VALUES ($1, 'MERCYGEN', 'MR', '40055500') RETURNING id",
    [ids.rosalind],
  );
  await one(
    "INSERT INTO attributions (patient_id, practice_org_id, source, kind, effective_from) VALUES ($1, $2, 'sfm-panel', 'panel', '2020-01-01') RETURNING id",
    [ids.rosalind, ids.practice],
  );

  const logger = createLogger({ service: "matcher-test", level: process.env.LOG_LEVEL ?? "warn" });
  const _s = iso.settings;
  harness = await startMatcherHarness(iso, logger);
  ({ eventLog, seen } = harness);
});

afterAll(async () => {
  await harness?.stop();
  await pool?.end();
});

const publish = (e: AdtEvent) => publishTogether([e]);
/** One produce request, one key: the events land in one record batch of one partition, in order. */
const publishTogether = (events: AdtEvent[]) =>
  eventLog.publish(
    events.map((e) => ({
      topic: topicName(iso.topicPrefix, "adt.events.v1"),
      key: e.patient.primaryIdentifier.value,
      value: JSON.stringify(e),
    })),
  );
const until = (check: () => boolean, what: string) =>
  vi.waitFor(
    () => {
      if (!check()) throw new Error(`waiting for ${what}`);
    },
    { timeout: 20_000, interval: 50 },
  );

describe("matcher end to end (adt.events.v1 → adt.matched.v1 / adt.unmatched.v1)", () => {
  it("matches an admission by MRN to the attributed practice and tells its PCP, once", async () => {
    await publish(admit);
    await publish(admit); // redelivered: a replay, no second record
    await publish(stranger); // a later event on another key, to know the replay was handled
    await until(
      () => seen.unmatched.length >= 1 && seen.matched.length >= 1,
      "the admission and the stranger",
    );
    const [record] = seen.matched;
    expect(record).toMatchObject({
      kind: "announcement",
      matchId: matchIdOf(admit.eventId, ids.practice ?? ""),
      patientId: ids.patient,
      practice: { organizationId: ids.practice, code: "SFM" },
      recipients: [{ recipientId: ids.pcp, role: "pcp", copy: "lead", basis: "pcp-of-record" }],
      encounter: { facility: "MERCYGEN", setting: "inpatient", status: "active" },
      match: { method: "identifier" },
    });
    const { rows } = await pool.query("SELECT status, patient_id FROM encounters");
    expect(rows).toEqual([{ status: "active", patient_id: ids.patient }]);
  });

  it("sends a patient it does not know to adt.unmatched.v1, never to a practice", async () => {
    expect(seen.unmatched[0]).toMatchObject({ reason: "no-match", event: { eventId: stranger.eventId } });
    expect(seen.matched.filter((m) => m.event.eventId === stranger.eventId)).toEqual([]);
  });

  it("retracts the announced admission when A11 cancels it", async () => {
    await publish(cancel);
    await until(() => seen.matched.some((m) => m.kind === "retraction"), "the retraction");
    const retraction = seen.matched.find((m) => m.kind === "retraction");
    expect(retraction).toMatchObject({
      event: { eventId: cancel.eventId, kind: "cancel-admit" },
      retracts: { eventId: admit.eventId, matchId: matchIdOf(admit.eventId, ids.practice ?? "") },
      recipients: [{ recipientId: ids.pcp }],
      encounter: { status: "cancelled" },
    });
    expect(seen.matched.filter((m) => m.kind === "announcement")).toHaveLength(1);
  });

  it("an ED arrival turned inpatient (A06) is one encounter, announced twice", async () => {
    await publish(edArrival);
    await publish(edToInpatient);
    await until(() => announced(edToInpatient.eventId) !== undefined, "the A06");
    expect(announced(edArrival.eventId)?.encounter).toMatchObject({
      visitNumber: "V40012345001",
      setting: "ed",
    });
    expect(announced(edToInpatient.eventId)).toMatchObject({
      event: { kind: "ed-to-inpatient" },
      encounter: { visitNumber: "V40012345001", setting: "inpatient", status: "active" },
    });
  });

  it("announces a transfer on its own encounter", async () => {
    await publish(transfer);
    await until(() => announced(transfer.eventId) !== undefined, "the transfer");
    expect(announced(transfer.eventId)).toMatchObject({
      event: { kind: "transfer" },
      patientId: ids.patient,
    });
  });

  it("A40 gives the new MRN to the person the roster knew by the old one; later events match her", async () => {
    await publish(merge);
    await publish(afterMerge);
    await until(() => announced(afterMerge.eventId) !== undefined, "the admission under the new MRN");
    expect(announced(afterMerge.eventId)).toMatchObject({
      patientId: ids.rosalind,
      match: { method: "identifier" },
    });
    expect(seen.matched.filter((m) => m.event.eventId === merge.eventId)).toEqual([]);
    const { rows } = await pool.query(
      "SELECT value, source FROM patient_identifiers WHERE patient_id = $1 ORDER BY value",
      [ids.rosalind],
    );
    // Who taught the new MRN is kept with it: the hospital's merge message.
    expect(rows).toEqual([
      { value: "40055500", source: null },
      { value: "40055501", source: `feed:merge:${merge.eventId}` },
    ]);
  });

  it("an A40 joining two people the roster keeps apart is held for review, not applied", async () => {
    // The hospital merges Rosalind's old MRN into Marisol's: the roster says these are two people.
    const conflict = eventOf(
      [
        "MSH|^~\\&|EPICADT|MERCYGEN|HOMEWARD|HOMEWARD|20240411090000-0400||ADT^A40^ADT_A39|MG-A40-0099|P|2.5.1",
        "EVN|A40|20240411085959-0400",
        "PID|1||40012345^^^MERCYGEN^MR||QUILLFEATHER^MARISOL||19580412|F",
        "MRG|40055500^^^MERCYGEN^MR",
        "PV1|1|N",
      ].join("\r"),
    );
    await publish(conflict);
    await until(() => seen.unmatched.some((u) => u.event.eventId === conflict.eventId), "the held merge");
    const held = seen.unmatched.find((u) => u.event.eventId === conflict.eventId);
    expect(held?.reason).toBe("review");
    expect(held?.candidates?.map((c) => c.patientId).sort()).toEqual([ids.patient, ids.rosalind].sort());
    const review = await pool.query("SELECT reason, status FROM match_reviews WHERE event_id = $1", [
      conflict.eventId,
    ]);
    expect(review.rows).toEqual([{ reason: "identifier-conflict", status: "pending" }]);
    const owners = await pool.query(
      "SELECT value, patient_id::text AS patient_id FROM patient_identifiers WHERE value IN ('40012345', '40055500') ORDER BY value",
    );
    expect(owners.rows).toEqual([
      { value: "40012345", patient_id: ids.patient },
      { value: "40055500", patient_id: ids.rosalind },
    ]);
  });
});

describe("matcher end to end, several events of one encounter in one batch", () => {
  it("an ED arrival and its discharge in one batch are one encounter with both entries, both announced", async () => {
    await publishTogether([batchArrival, batchDischarge]);
    await until(() => announced(batchDischarge.eventId) !== undefined, "the ED discharge");
    expect(announced(batchArrival.eventId)?.encounter).toMatchObject({ setting: "ed", status: "active" });
    expect(announced(batchDischarge.eventId)).toMatchObject({
      event: { kind: "ed-discharge" },
      encounter: { visitNumber: "V40012345101", setting: "ed", status: "discharged" },
    });
    expect(await encounterRow("V40012345101")).toEqual({
      status: "discharged",
      kinds: ["ed-arrival", "ed-discharge"],
    });
  });

  it("a cancel in the same batch as its admission retracts it", async () => {
    await publishTogether([batchAdmit, batchCancel]);
    await until(() => retraction(batchCancel.eventId) !== undefined, "the retraction");
    expect(retraction(batchCancel.eventId)).toMatchObject({
      retracts: { eventId: batchAdmit.eventId, matchId: matchIdOf(batchAdmit.eventId, ids.practice ?? "") },
      encounter: { visitNumber: "V40012345201", status: "cancelled" },
    });
    expect(announced(batchAdmit.eventId)?.matchId).toBe(matchIdOf(batchAdmit.eventId, ids.practice ?? ""));
    const { rows } = await pool.query("SELECT entries FROM encounters WHERE visit_number = 'V40012345201'");
    expect(rows[0]?.entries).toMatchObject([
      { eventId: batchAdmit.eventId, announced: true, retracted: true },
      { eventId: batchCancel.eventId, announced: false },
    ]);
  });

  it("a redelivered batch sends nothing new and changes no encounter", async () => {
    const before = seen.matched.length;
    // The batch again, then a new event on the same key: once that one is announced, the replayed
    // events (earlier on the same partition) have been handled.
    await publishTogether([batchArrival, batchDischarge, batchAdmit, batchCancel, batchMarker]);
    await until(() => announced(batchMarker.eventId) !== undefined, "the event after the replay");
    expect(seen.matched.slice(before).map((m) => m.event.eventId)).toEqual([batchMarker.eventId]);
    expect(await encounterRow("V40012345101")).toEqual({
      status: "discharged",
      kinds: ["ed-arrival", "ed-discharge"],
    });
  });
});

async function encounterRow(visitNumber: string) {
  const { rows } = await pool.query<{ status: string; entries: { kind: string }[] }>(
    "SELECT status, entries FROM encounters WHERE visit_number = $1",
    [visitNumber],
  );
  return rows.map((r) => ({ status: r.status, kinds: r.entries.map((e) => e.kind) }))[0];
}

function retraction(eventId: string): MatchedEvent | undefined {
  return seen.matched.find((m) => m.kind === "retraction" && m.event.eventId === eventId);
}

function announced(eventId: string): MatchedEvent | undefined {
  return seen.matched.find((m) => m.kind === "announcement" && m.event.eventId === eventId);
}
