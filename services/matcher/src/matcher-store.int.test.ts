import { createPool, migrate, type Pool } from "@homeward/db";
import { ADT_A04_ED, fixtureEvent } from "@homeward/hl7/fixtures";
import { isolation } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BatchWrites, saveBatchOutcome } from "./matcher-store.ts";

let pool: Pool;

beforeAll(async () => {
  const iso = isolation("mstore");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
});
afterAll(async () => {
  await pool?.end();
});

describe("saveBatchOutcome", () => {
  it("keeps a held event's patient block with its review, once, so a reviewer's confirmation can teach its identifiers", async () => {
    const event = fixtureEvent(ADT_A04_ED, "2024-03-05T14:30:15-05:00");
    const review: BatchWrites["reviews"][number] = {
      event,
      reason: "between-thresholds",
      candidates: [
        {
          patientId: "1",
          score: 9.5,
          explanation: { fields: [], score: 9.5, thresholds: { upper: 12, lower: 6 }, notes: [] },
        },
      ],
    };
    const writes: BatchWrites = { encounters: [], suppressed: [], reviews: [review] };
    await saveBatchOutcome(pool, writes);
    await saveBatchOutcome(pool, writes);
    const { rows } = await pool.query<{
      event_patient: { identifiers: unknown[] };
      event_kind: string;
      event_occurred_at: Date;
    }>("SELECT event_patient, event_kind, event_occurred_at FROM match_reviews WHERE event_id = $1", [
      event.eventId,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.event_kind).toBe(event.kind);
    expect(rows[0]?.event_patient.identifiers).toEqual(event.patient.identifiers);
    expect(rows[0]?.event_occurred_at.toISOString()).toBe(new Date(event.occurredAt).toISOString());
  });
});
