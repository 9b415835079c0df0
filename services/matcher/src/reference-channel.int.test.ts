import {
  createPool,
  inTransaction,
  listenReferenceChanged,
  notifyReferenceChanged,
  type Pool,
  referenceChangedChannel,
} from "@homeward/db";
import { isolation } from "@homeward/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// NOTIFY is server-wide, and tests and installs share one database in schemas: the matcher of one
// schema must reload for its own schema's imports only. Two schemas, a listener each (as the
// matcher listens), and a commit that notifies in one of them.

interface Side {
  pool: Pool;
  heard: number;
  stop: () => Promise<void>;
}
const sides: Record<"a" | "b", Side> = {} as Record<"a" | "b", Side>;

beforeAll(async () => {
  for (const name of ["a", "b"] as const) {
    const { settings } = isolation(`refchan${name}`);
    const pool = createPool({ ...settings.postgres, max: 2 });
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${settings.postgres.schema}`);
    const listener = await pool.connect();
    const side: Side = { pool, heard: 0, stop: async () => {} };
    const unlisten = await listenReferenceChanged(listener, settings.postgres.schema, () => {
      side.heard++;
    });
    side.stop = async () => {
      await unlisten();
      listener.release();
      await pool.end();
    };
    sides[name] = side;
  }
});
afterAll(async () => {
  for (const side of Object.values(sides)) await side.stop();
});

/** Waits until `side` has heard `count` notifications (or fails after 5 s). */
async function heard(side: Side, count: number): Promise<void> {
  const until = Date.now() + 5000;
  while (side.heard < count && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(side.heard).toBe(count);
}

describe("reference-changed channel", () => {
  it("is one per schema, and a valid channel name however long or odd the schema", () => {
    expect(referenceChangedChannel("homeward")).toBe("homeward_reference_homeward");
    expect(referenceChangedChannel("clinic_two")).not.toBe(referenceChangedChannel("homeward"));
    const long = referenceChangedChannel("s".repeat(63));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).not.toBe(referenceChangedChannel(`${"s".repeat(62)}t`));
    expect(referenceChangedChannel("Odd-Name")).toMatch(/^homeward_reference_odd_name_[0-9a-f]{12}$/);
  });

  it("reaches the listener of the schema that committed and no other", async () => {
    const { a, b } = sides;
    await inTransaction(a.pool, (tx) => notifyReferenceChanged(tx));
    await heard(a, 1);
    // Both connections would have had it at the same COMMIT; give b's a moment more all the same.
    await new Promise((r) => setTimeout(r, 300));
    expect(b.heard).toBe(0);

    await inTransaction(b.pool, (tx) => notifyReferenceChanged(tx));
    await heard(b, 1);
    expect(a.heard).toBe(1);
  });

  it("is not sent when the transaction rolls back", async () => {
    const { a } = sides;
    const before = a.heard;
    await expect(
      inTransaction(a.pool, async (tx) => {
        await notifyReferenceChanged(tx);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    await inTransaction(a.pool, (tx) => notifyReferenceChanged(tx));
    await heard(a, before + 1);
  });
});
