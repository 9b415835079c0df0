import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool } from "@homeward/db";
import { isolation } from "@homeward/testing";
import { describe, expect, it } from "vitest";
import { parsePatientsFile } from "../../services/adt-listener/src/tools/simulator-patients.ts";
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
    expect(first.usersCreated).toContain("cm@springvale.example");
    expect(first.patients.every((p) => /^\d+$/.test(p.patientId))).toBe(true);

    const second = await seedDemo(iso.settings, { outDir, asOf: "2026-11-23" });
    expect(second.imports.every((i) => i.inserted === 0 && i.unchanged === i.read)).toBe(true);
    expect(second.usersCreated).toEqual([]);
    expect(second.patients).toEqual(first.patients);

    const pool = createPool({ ...iso.settings.postgres, max: 1 });
    try {
      const { rows } = await pool.query<Record<string, string>>(
        `SELECT (SELECT count(*) FROM patients)::text AS patients, (SELECT count(*) FROM recipients)::text AS recipients,
                (SELECT count(*) FROM notification_rules)::text AS rules, (SELECT count(*) FROM users)::text AS users,
                (SELECT count(*) FROM recipient_preferences)::text AS preferences`,
      );
      expect(rows[0]).toEqual({ patients: "200", recipients: "4", rules: "3", users: "5", preferences: "4" });
    } finally {
      await pool.end();
    }

    const file = parsePatientsFile(readFileSync(join(outDir, "patients.json"), "utf8"));
    expect(file.ok && file.patients.length).toBe(200);
  });
});
