import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool } from "@homeward/db";
import { authenticate } from "@homeward/directory";
import { parsePatientsFile } from "@homeward/simulator";
import { isolation } from "@homeward/testing";
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "./demo-users.ts";
import { seedDemo } from "./seed.ts";

describe("demo seed", () => {
  it("loads the demo once, changes nothing the second time, and writes the simulator's patients file", async () => {
    const iso = isolation("demo-seed");
    const outDir = mkdtempSync(join(tmpdir(), "homeward-demo-"));
    const first = await seedDemo(iso.settings, { outDir, asOf: "2026-11-23" });
    expect(first.imports.map((i) => [i.source, i.errors, i.unchanged])).toEqual([
      ["hplan-attribution-demo", 0, 0],
      ["sfm-care-management-demo", 0, 0],
      ["hplan-high-risk-demo", 0, 0],
    ]);
    expect(first.imports[0]?.inserted).toBe(200);
    expect(first.usersCreated).toEqual(DEMO_USERS.map((u) => u.email));
    expect(first.patients.every((p) => /^\d+$/.test(p.patientId))).toBe(true);
    // Every demo account has its own random password, handed back once; none is the old published one.
    expect(first.signIns.map((u) => u.email)).toEqual(DEMO_USERS.map((u) => u.email));
    expect(new Set(first.signIns.map((u) => u.password)).size).toBe(DEMO_USERS.length);
    expect(first.signIns.every((u) => u.created && /^[\w-]{24}$/.test(u.password))).toBe(true);

    // Three practice care managers, each with patients of every tier; a tracking list with reviews due.
    expect(first.caseloads.map((c) => c.email)).toEqual([
      "cm@springvale.example",
      "cm2@springvale.example",
      "cm3@springvale.example",
    ]);
    expect(first.caseloads.every((c) => c.I > 0 && c.II > 0 && c.III > 0)).toBe(true);
    expect(first.trackingList.patients).toBeGreaterThanOrEqual(8);
    expect(first.trackingList.reviewsDueSoon).toBeGreaterThanOrEqual(3);
    expect(first.scenario.cast.length).toBeGreaterThanOrEqual(9);

    const second = await seedDemo(iso.settings, { outDir, asOf: "2026-11-23" });
    expect(second.imports.every((i) => i.inserted === 0 && i.unchanged === i.read)).toBe(true);
    expect(second.usersCreated).toEqual([]);
    expect(second.signIns).toEqual([]);
    expect(second.patients).toEqual(first.patients);
    // The same past, told from the same instant: the feed resends it rather than making a second one.
    expect(second.scenario).toEqual(first.scenario);

    const pool = createPool({ ...iso.settings.postgres, max: 1 });
    try {
      const cm = first.signIns.find((u) => u.email === "cm@springvale.example");
      expect(cm?.role).toBe("care_manager");
      expect(await authenticate(pool, "cm@springvale.example", cm?.password ?? "")).toMatchObject({
        role: "care_manager",
      });
      expect(await authenticate(pool, "cm@springvale.example", "homeward-demo")).toBeUndefined();
      const { rows: hashes } = await pool.query<{ password_hash: string }>("SELECT password_hash FROM users");
      expect(hashes.every((r) => r.password_hash.startsWith("scrypt$"))).toBe(true);

      // A reset gives every demo account a new password; the old ones stop working.
      const reset = await seedDemo(iso.settings, { outDir, asOf: "2026-11-23", resetDemoPasswords: true });
      expect(reset.usersCreated).toEqual([]);
      expect(reset.signIns.map((u) => [u.email, u.created])).toEqual(DEMO_USERS.map((u) => [u.email, false]));
      const newCm = reset.signIns.find((u) => u.email === "cm@springvale.example")?.password ?? "";
      expect(newCm).not.toBe(cm?.password);
      expect(await authenticate(pool, "cm@springvale.example", cm?.password ?? "")).toBeUndefined();
      expect(await authenticate(pool, "cm@springvale.example", newCm)).toBeDefined();

      const { rows } = await pool.query<Record<string, string>>(
        `SELECT (SELECT count(*) FROM patients)::text AS patients, (SELECT count(*) FROM recipients)::text AS recipients,
                (SELECT count(*) FROM notification_rules)::text AS rules, (SELECT count(*) FROM users)::text AS users,
                (SELECT count(*) FROM recipient_preferences)::text AS preferences`,
      );
      expect(rows[0]).toEqual({ patients: "200", recipients: "6", rules: "3", users: "7", preferences: "6" });
      // The practice's list names its three care managers; the tracking list's lines keep their own dates.
      const { rows: lists } = await pool.query<{ managers: number; tracking: number; earliest: string }>(
        `SELECT count(DISTINCT e.care_manager_recipient_id)::int AS managers,
                count(*) FILTER (WHERE e.status = 'tracking_list')::int AS tracking,
                to_char(min(e.effective_from) FILTER (WHERE e.status = 'tracking_list'), 'YYYY-MM-DD') AS earliest
           FROM care_management_enrollments e WHERE e.source = 'sfm-care-management-demo'`,
      );
      expect(lists[0]).toMatchObject({ managers: 3, earliest: "2026-04-15" });
      expect(lists[0]?.tracking).toBeGreaterThanOrEqual(8);
      // Each care manager signs in to their own recipient.
      const { rows: linked } = await pool.query<{ email: string }>(
        `SELECT u.email FROM users u JOIN recipients r ON r.id = u.recipient_id
          WHERE r.role = 'care_manager' ORDER BY u.email`,
      );
      expect(linked.map((u) => u.email)).toEqual([
        "cm2@springvale.example",
        "cm3@springvale.example",
        "cm@harborview.example",
        "cm@springvale.example",
      ]);
    } finally {
      await pool.end();
    }

    const text = readFileSync(join(outDir, "patients.json"), "utf8");
    const file = parsePatientsFile(text);
    expect(file.ok && file.patients.length).toBe(200);
    expect(file.ok && file.scenario).toEqual(first.scenario);
    // The passwords are only ever in the seed's return value, never in a file.
    for (const u of [...first.signIns]) expect(text).not.toContain(u.password);
    expect(text).not.toContain("signIns");
  });
});
