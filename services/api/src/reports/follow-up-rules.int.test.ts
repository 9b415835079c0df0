import { createPool, migrate, type Pool } from "@homeward/db";
import { DEFAULT_PROTOCOLS, ProtocolsFile } from "@homeward/protocols";
import { isolation } from "@homeward/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal.ts";
import { RULES_NOW, RULES_PERIOD, type RulesIds, seedRulesScenario } from "./follow-up-rules.test-support.ts";
import { getReport, principalHeader, reportFixtures, reportTestApp } from "./report-fixtures.test-support.ts";
import type {
  CareManagementReport,
  FollowUpDefaults,
  FollowUpMissesReport,
  FollowUpReport,
} from "./report-schemas.ts";

/**
 * The denominator rules of docs/measures.md, each through the API, on the scenario of
 * follow-up-rules.test-support.ts whose numbers are worked out there by hand.
 */

let pool: Pool;
let app: FastifyInstance;
let ids: RulesIds;
const quality = (): Principal => ({ subject: "q", role: "quality", organizationIds: [ids.org] });
const ED = `measure=ed-follow-up&x=2&unit=business-days&${RULES_PERIOD}`;

const report = async (query: string, on = app) => {
  const res = await getReport<FollowUpReport>(on, quality(), "/api/reports/follow-up", query);
  expect(res.status).toBe(200);
  return res.body;
};
const lists = async (query: string) => {
  const res = await getReport<FollowUpMissesReport>(app, quality(), "/api/reports/follow-up/misses", query);
  expect(res.status).toBe(200);
  return res.body;
};
const csv = async (path: string, query: string) => {
  const res = await app.inject({
    method: "GET",
    url: `${path}?${query}&format=csv`,
    headers: principalHeader(quality()),
  });
  expect(res.statusCode).toBe(200);
  const [header, ...lines] = res.body.trimEnd().split("\r\n");
  const names = cells(header ?? "");
  return lines.map((line) => Object.fromEntries(cells(line).map((v, i) => [names[i], v])));
};

/** One CSV line's cells (RFC 4180: quoted cells may hold commas and doubled quotes). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === "," && !quoted) {
      out.push(cell);
      cell = "";
    } else cell += c;
  }
  out.push(cell);
  return out;
}

beforeAll(async () => {
  const iso = isolation("reports-rules");
  await migrate(iso.settings.postgres);
  pool = createPool(iso.settings.postgres);
  ids = await seedRulesScenario(pool);
  app = await reportTestApp(pool, { now: () => RULES_NOW });
});

afterAll(async () => {
  await app?.close();
  await pool?.end();
});

describe("pending apart", () => {
  it("an open task whose window is still running is in neither numerator nor denominator, and no miss", async () => {
    const { total } = await report(ED);
    expect(total).toMatchObject({ denominator: 6, numerator: 4, pending: 1 });
    const body = await lists(ED);
    expect(body.pending.map((l) => [l.taskId, l.reason, l.windowEndsAt])).toEqual([
      [ids.p5a, "open-in-window", "2024-06-01T03:59:59.999Z"],
    ]);
    expect(body.misses.map((l) => l.taskId)).not.toContain(ids.p5a);
  });
});

describe("exclusions", () => {
  it("admitted, transferred and died leave the denominator and are listed under their own heading with why", async () => {
    const { total } = await report(ED);
    expect(total).toMatchObject({ excluded: 4 });
    const body = await lists(ED);
    expect(body.excluded.map((l) => [l.taskId, l.excludedReason, l.section])).toEqual([
      [ids.p2a, "admitted", "excluded"],
      [ids.p6a, "transferred", "excluded"],
      [ids.p6b, "admitted", "excluded"],
      [ids.p7a, "died", "excluded"],
    ]);
    expect(body.excluded[1]?.exclusionDetail).toBe("discharged to acute or post-acute care (PV1-36 02, A03)");
    // P6's second visit was reached before the admission excluded it: out of the numerator too.
    expect(body.excluded[2]).toMatchObject({ status: "completed", outcome: "reached_patient" });
    expect(body.misses.map((l) => [l.taskId, l.reason])).toEqual([
      [ids.p8a, "overdue"],
      [ids.p2b, "no-contact"],
    ]);
    expect([body.count, body.pendingCount, body.excludedCount]).toEqual([2, 1, 4]);
  });
});

describe("one definition of high-risk", () => {
  it("the ED measure counts patients high-risk on the event day (tier I/II or the practice flag); population=all counts everyone", async () => {
    const highRisk = await report(ED);
    // Hours to contact 25, 24, 96, 24: median 24.5, p90 25 + 0.7 × 71.
    expect(highRisk.total).toEqual({
      denominator: 6,
      numerator: 4,
      rate: 0.6667,
      contacted: 4,
      medianHoursToContact: 24.5,
      p90HoursToContact: 74.7,
      pending: 1,
      excluded: 4,
    });
    expect(highRisk.population).toBe("high-risk");
    const all = await report(`${ED}&population=all`);
    // P3 (tier III) missed, P9 (plan score, no threshold by default) met, P10 (tier III since May 12) missed.
    expect(all.total).toMatchObject({ denominator: 9, numerator: 5, rate: 0.5556, pending: 1, excluded: 4 });
    expect((await lists(ED)).misses.map((l) => l.taskId)).not.toContain(ids.p10a);
  });

  it("is read from the protocols file: a program's own plan risk score threshold makes P9 high-risk", async () => {
    const protocols = ProtocolsFile.parse({
      ...DEFAULT_PROTOCOLS,
      programs: [{ program: "plan-care", highRisk: { riskTiers: ["I"], planRiskScoreAtLeast: 2.5 } }],
    });
    const custom = await reportTestApp(pool, { now: () => RULES_NOW, protocols });
    const careManagement = async (on: FastifyInstance) =>
      (
        await getReport<CareManagementReport>(
          on,
          quality(),
          "/api/reports/care-management",
          "asOf=2024-05-20",
        )
      ).body.rows;
    try {
      expect((await report(ED, custom)).total).toMatchObject({ denominator: 7, numerator: 5 });
      // The care-management report reads the same definition: on May 20, P1 P2 P4 P5 P6 P7 P8 by tier
      // or flag (P3 and P10 are tier III); P9, on the plan's list as monitor, only with the threshold.
      expect((await careManagement(app)).map((r) => [r.group, r.highRiskPatients, r.highRiskActive])).toEqual(
        [["Riverbend Practice", 7, 7]],
      );
      expect(
        (await careManagement(custom)).map((r) => [r.group, r.highRiskPatients, r.highRiskActive]),
      ).toEqual([["Riverbend Practice", 8, 7]]);
      const defaults = await getReport<FollowUpDefaults>(
        custom,
        quality(),
        "/api/reports/follow-up/defaults",
        "",
      );
      expect(defaults.body.highRisk).toEqual({
        text: "Priority I or Priority II, or the practice's high-risk flag",
        programs: [
          {
            program: "plan-care",
            text: "Priority I, a plan risk score of 2.5 or more, or the practice's high-risk flag",
          },
        ],
      });
    } finally {
      await custom.close();
    }
  });
});

describe("unassigned tiers", () => {
  it("a task the matcher wrote as III for a list row without a tier is 'No tier', not Priority III", async () => {
    const f = reportFixtures(pool);
    const org = await f.organization("UNT", "Untiered Practice");
    const flagged = await f.patient("UNTIERED", "TEST");
    const third = await f.patient("THIRDTIER", "TEST");
    await f.enrollment({
      patientId: flagged,
      listedBy: org,
      practiceOrgId: org,
      source: "u1",
      status: "active",
      flag: true,
    });
    await f.enrollment({
      patientId: third,
      listedBy: org,
      practiceOrgId: org,
      source: "u2",
      status: "active",
      tier: "III",
    });
    for (const patientId of [flagged, third])
      await f.task({
        organizationId: org,
        patientId,
        triggeredAt: "2024-05-06T14:00:00Z",
        program: "complex-care",
        tier: "III",
      });
    const admin: Principal = { subject: "root", role: "system_admin", organizationIds: [] };
    const q = `${ED}&organizationId=${org}&population=all&groupBy=tier`;
    const { body } = await getReport<FollowUpReport>(app, admin, "/api/reports/follow-up", q);
    expect(body.rows.map((r) => [r.group, r.denominator])).toEqual([
      ["III", 1],
      ["No tier", 1],
    ]);
    const tierThree = await getReport<FollowUpReport>(app, admin, "/api/reports/follow-up", `${q}&tier=III`);
    expect(tierThree.body.total.denominator).toBe(1);
  });
});

describe("per visit and per patient", () => {
  it("per patient: each patient once, judged by their first visit of the period that is not excluded", async () => {
    const perPatient = await report(`${ED}&count=patient`);
    expect(perPatient.counting).toBe("patient");
    // P1 met (first visit), P2 missed (the 13th: the 8th is excluded), P4 met, P8 missed (the 2nd).
    expect(perPatient.total).toMatchObject({
      denominator: 4,
      numerator: 2,
      rate: 0.5,
      contacted: 2,
      medianHoursToContact: 60.5,
      pending: 1,
      excluded: 2,
    });
    const body = await lists(`${ED}&count=patient`);
    expect(body.misses.map((l) => [l.patientId, l.taskId, l.visits])).toEqual([
      [ids.p8, ids.p8a, 2],
      [ids.p2, ids.p2b, 2],
    ]);
    expect(body.excluded.map((l) => [l.patientId, l.visits])).toEqual([
      [ids.p6, 2],
      [ids.p7, 1],
    ]);
    // Per visit (the default) over the same tasks: 4 of 6.
    expect((await report(`${ED}&count=visit`)).total).toMatchObject({ denominator: 6, numerator: 4 });
  });
});

describe("CSV equals the screen", () => {
  it("the summary CSV carries the JSON's numbers, per patient too", async () => {
    for (const q of [`${ED}&count=patient&groupBy=tier`, `${ED}&groupBy=month&population=all`]) {
      const json = await report(q);
      const rows = await csv("/api/reports/follow-up", q);
      const numbers = (r: Record<string, unknown>) =>
        ["denominator", "numerator", "pending", "excluded", "contacted"].map((k) => String(r[k]));
      expect(rows.map((r) => [r.group, ...numbers(r)])).toEqual([
        ...json.rows.map((r) => [r.group, ...numbers(r)]),
        ["Total", ...numbers(json.total)],
      ]);
      expect(rows.map((r) => [r.counting, r.population])[0]).toEqual([json.counting, json.population]);
      expect(rows.at(-1)?.rate).toBe(json.total.rate === null ? "" : String(json.total.rate));
    }
  });

  it("the misses CSV holds the page's three lists, each line in its section", async () => {
    const json = await lists(`${ED}&count=patient`);
    const rows = await csv("/api/reports/follow-up/misses", `${ED}&count=patient`);
    expect(rows.map((r) => [r.section, r.task_id, r.reason, r.visits])).toEqual(
      [...json.misses, ...json.pending, ...json.excluded].map((l) => [
        l.section,
        l.taskId,
        l.reason,
        String(l.visits),
      ]),
    );
  });
});

describe("defaults from the protocols", () => {
  it("the ED measure opens at the ED protocol's due rule: 2 business days, high-risk patients, per visit", async () => {
    const { status, body } = await getReport<FollowUpDefaults>(
      app,
      quality(),
      "/api/reports/follow-up/defaults",
      "",
    );
    expect(status).toBe(200);
    expect(body.counting).toBe("visit");
    expect(body.measures.map((m) => [m.measure, m.x, m.unit, m.population, m.step?.stepId ?? null])).toEqual([
      ["ed-follow-up", 2, "business-days", "high-risk", "follow-up-call"],
      ["discharge-contact", 2, "business-days", "all", "interactive-contact"],
      ["discharge-visit", 14, "calendar-days", "all", "face-to-face-14-days"],
      ["medication-reconciliation", 30, "calendar-days", "all", "medication-reconciliation"],
    ]);
  });

  it("a program that runs the 7-day FMC step instead opens at 7 calendar days", async () => {
    const fmcOnly = ProtocolsFile.parse({
      ...DEFAULT_PROTOCOLS,
      protocols: DEFAULT_PROTOCOLS.protocols.map((p) =>
        p.protocolId === "ed-follow-up"
          ? { ...p, enabled: false }
          : p.protocolId === "ed-follow-up-fmc"
            ? { ...p, enabled: true }
            : p,
      ),
    });
    const custom = await reportTestApp(pool, { now: () => RULES_NOW, protocols: fmcOnly });
    try {
      const { body } = await getReport<FollowUpDefaults>(
        custom,
        quality(),
        "/api/reports/follow-up/defaults",
        "",
      );
      expect(body.measures[0]).toMatchObject({ measure: "ed-follow-up", x: 7, unit: "calendar-days" });
    } finally {
      await custom.close();
    }
  });

  it("is for report readers only", async () => {
    const cm: Principal = { subject: "cm", role: "care_manager", organizationIds: [ids.org] };
    expect((await getReport(app, cm, "/api/reports/follow-up/defaults", "")).status).toBe(403);
  });
});
